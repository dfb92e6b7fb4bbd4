import { afterAll, beforeAll, expect, test } from "bun:test";
import { ClientResponseError } from "pocketbase";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t.stop();
});

test("the SDK lists, counts and reads the request logs of a served app", async () => {
  const guest = t.client();
  await guest.health.check();
  await expect(guest.collection("missing").getList()).rejects.toBeInstanceOf(ClientResponseError);
  await t.app.logger().flush();

  const list = await t.pb.logs.getList(1, 10, { filter: "data.url ~ '/api/'", sort: "-@rowid" });
  // the superuser's sign-in (startTestServer refreshes a token), the health check and the failed list, newest first
  expect(list.items.map((l) => [Number(l.level), l.message])).toEqual([
    [8, "GET /api/collections/missing/records?page=1&perPage=30"],
    [0, "GET /api/health"],
    [0, "POST /api/collections/_superusers/auth-refresh"],
  ]);
  expect(list.totalItems).toBe(3);
  const failed = list.items[0];
  expect(failed?.data).toMatchObject({
    type: "request",
    method: "GET",
    status: 404,
    auth: "",
    error: "Missing collection context.",
    userIP: "127.0.0.1",
  });

  const one = await t.pb.logs.getOne(failed?.id ?? "");
  expect(one).toEqual(failed as typeof one);

  const stats = await t.pb.logs.getStats({ filter: "level >= 8" });
  expect(stats).toHaveLength(1);
  expect(stats[0]?.total).toBe(1);
  expect(stats[0]?.date).toMatch(/^\d{4}-\d\d-\d\d \d\d:00:00\.000Z$/);

  const denied = await guest.logs.getList().catch((err: unknown) => err);
  expect(denied).toBeInstanceOf(ClientResponseError);
  expect((denied as ClientResponseError).status).toBe(401);
});
