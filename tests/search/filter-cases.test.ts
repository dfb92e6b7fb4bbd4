import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type PocketBase from "pocketbase";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { seedFixtures } from "./filter-seed.ts";
import { filterCases } from "./filter-table.ts";

let t: TestServer;
const clients = new Map<number, PocketBase>();

beforeAll(async () => {
  t = await startTestServer();
  await seedFixtures(t.pb);
  clients.set(0, t.client());
  for (const n of [1, 2, 3]) {
    const pb = t.client();
    await pb.collection("users").authWithPassword(`u${n}@example.com`, "1234567890");
    clients.set(n, pb);
  }
});

afterAll(async () => {
  await t.stop();
});

async function postNumbers(pb: PocketBase, filter?: string): Promise<number[]> {
  const items = await pb.collection("fx_posts").getFullList({ sort: "id", ...(filter ? { filter } : {}) });
  return items.map((r) => Number(r.id.slice(-2)));
}

describe("filters return what PocketBase returns", () => {
  for (const c of filterCases) {
    const who = c.as ? `user ${c.as}` : "guest";
    test(`${who}: ${c.filter}`, async () => {
      const pb = clients.get(c.as ?? 0) as PocketBase;
      if (c.filterStatus) await expect(postNumbers(pb, c.filter)).rejects.toMatchObject({ status: c.filterStatus });
      else expect(await postNumbers(pb, c.filter)).toEqual(c.rule);
    });
  }
});

describe("the same expressions as list rules", () => {
  for (const c of filterCases) {
    const who = c.as ? `user ${c.as}` : "guest";
    test(`${who}: ${c.filter}`, async () => {
      await t.pb.collections.update("fx_posts", { listRule: c.filter });
      try {
        expect(await postNumbers(clients.get(c.as ?? 0) as PocketBase)).toEqual(c.rule);
      } finally {
        await t.pb.collections.update("fx_posts", { listRule: "" });
      }
    });
  }
});
