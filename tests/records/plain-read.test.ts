import { afterAll, beforeAll, expect, test } from "bun:test";
import { RecordModel } from "../../src/core/record-model.ts";
import { rowExporter } from "../../src/core/record-row-export.ts";
import { ident, sql } from "../../src/db/sql.ts";
import { type ScenarioAuth, send } from "../helpers/api-scenario.ts";
import { seedRichApp } from "../helpers/rich-app.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";

// A list or view with no request or enrich handler is answered from the rows, without records or hooks
// (apis/record-crud.ts, plainExporter). Test apps count every hook with a handler, so here those are
// unbound: the answers must be those of the path that builds the records, byte for byte.
let t: TestApp;

beforeAll(async () => {
  t = await newTestApp({ withSuperuser: true });
  await seedRichApp(t.app);
  for (const name of t.app.hooks.names()) t.app.hooks.get(name).unbind("__testCounter");
});

afterAll(() => t.cleanup());

function urls(): string[] {
  const out: string[] = [];
  for (const c of t.app.findAllCollections()) {
    const base = `/api/collections/${c.name}/records`;
    out.push(base, `${base}?perPage=2&page=2&sort=-id`, `${base}?skipTotal=1&sort=id`, `${base}?fields=id,name`);
    out.push(`${base}?filter=${encodeURIComponent("id = 'none'")}`, `${base}/none`, `${base}/`);
  }
  out.push("/api/collections/posts/records?perPage=200&sort=score&filter=published%3Dtrue");
  out.push("/api/collections/posts/records?sort=author.name,id");
  out.push("/api/collections/authors/records?filter=name~'É'||active=true");
  out.push("/api/collections/nothing/records", "/api/collections/posts/records?page=abc");
  return out;
}

/** answer sends a GET, and its view of each listed record; with `viaRecords` the records are built. */
async function answers(auth: ScenarioAuth | undefined, viaRecords: boolean): Promise<string[]> {
  // a no-op enrich handler makes the handlers build the records and fire the hooks
  if (viaRecords) t.app.hooks.onRecordEnrich.bind({ id: "viaRecords", func: (e) => e.next() });
  try {
    const out: string[] = [];
    for (const url of urls()) {
      const res = await send(t.app, { url, ...(auth ? { auth } : {}) });
      out.push(`${url} ${res.status} ${res.headers.get("content-type")} ${res.text}`);
      if (res.status !== 200 || url.includes("?")) continue;
      for (const item of (res.json as { items?: { id: string }[] }).items ?? []) {
        const view = await send(t.app, { url: `${url}/${item.id}`, ...(auth ? { auth } : {}) });
        out.push(`${url}/${item.id} ${view.status} ${view.text}`);
      }
    }
    return out;
  } finally {
    t.app.hooks.onRecordEnrich.unbind("viaRecords");
  }
}

test("a guest's lists and views answer the same from the rows as from the records", async () => {
  const plain = await answers(undefined, false);
  expect(plain.some((a) => a.includes('"collectionName":"authors"'))).toBe(true);
  expect(plain.some((a) => a.includes('"email":"author0@example.com"'))).toBe(true);
  expect(plain.some((a) => a.includes("author1@example.com"))).toBe(false);
  expect(plain).toEqual(await answers(undefined, true));
});

test("an auth record's lists and views (plain on base collections) answer the same as from the records", async () => {
  const auth = { collection: "users", email: "user@example.com" };
  expect(await answers(auth, false)).toEqual(await answers(auth, true));
});

test("a superuser's answers (always through the records) show the hidden emails", async () => {
  const plain = await answers("superuser", false);
  expect(plain.some((a) => a.includes("author1@example.com"))).toBe(true);
  expect(plain).toEqual(await answers("superuser", true));
});

test("every collection's rows export as their records do", async () => {
  let rows = 0;
  for (const c of t.app.findAllCollections()) {
    const exporter = rowExporter(c);
    if (!exporter) throw new Error(`no exporter for ${c.name}`);
    for (const row of await t.app.db.all<Record<string, unknown>>(sql`SELECT * FROM ${ident(c.name)}`)) {
      expect(JSON.stringify(exporter(row))).toBe(JSON.stringify(new RecordModel(c, row).publicExport()));
      rows++;
    }
  }
  expect(rows).toBeGreaterThan(20);
});
