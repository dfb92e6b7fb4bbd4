import { afterAll, beforeAll, expect, test } from "bun:test";
import { RecordModel } from "../../src/core/record-model.ts";
import { rowExporter } from "../../src/core/record-row-export.ts";
import { ident, sql } from "../../src/db/sql.ts";
import { type ScenarioAuth, send } from "../helpers/api-scenario.ts";
import { seedRichApp } from "../helpers/rich-app.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";

// A list or view is answered from the rows (apis/record-crud.ts, plainExporter): without records when no
// request or enrich handler is bound, and with handlers bound they fire over records made only when a
// handler reads one (core/record-rows.ts). Test apps count every hook with a handler, so here those are
// unbound: the answers of every way must be those of the path that builds the records, byte for byte.
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

/**
 * How the answers are made: "plain" with no handler; "hooked" with no-op handlers on the list, view and
 * enrich hooks (the rows path, no record made); "records" with handlers that read the records (each one
 * built, as the records path does).
 */
type Way = "plain" | "hooked" | "records";

function bindFor(way: Way): () => void {
  const h = t.app.hooks;
  if (way === "plain") return () => {};
  const reads = way === "records";
  h.onRecordEnrich.bind({ id: "way", func: (e) => (reads && !e.record.id ? Promise.resolve() : e.next()) });
  h.onRecordsListRequest.bind({ id: "way", func: (e) => (reads && !e.records ? Promise.resolve() : e.next()) });
  h.onRecordViewRequest.bind({ id: "way", func: (e) => (reads && !e.record ? Promise.resolve() : e.next()) });
  return () => {
    for (const hook of [h.onRecordEnrich, h.onRecordsListRequest, h.onRecordViewRequest]) hook.unbind("way");
  };
}

/** answer sends a GET, and its view of each listed record, the handlers of `way` bound. */
async function answers(auth: ScenarioAuth | undefined, way: Way): Promise<string[]> {
  const unbind = bindFor(way);
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
    unbind();
  }
}

test("a guest's lists and views answer the same from the rows, with or without handlers, as from the records", async () => {
  const plain = await answers(undefined, "plain");
  expect(plain.some((a) => a.includes('"collectionName":"authors"'))).toBe(true);
  expect(plain.some((a) => a.includes('"email":"author0@example.com"'))).toBe(true);
  expect(plain.some((a) => a.includes("author1@example.com"))).toBe(false);
  const records = await answers(undefined, "records");
  expect(plain).toEqual(records);
  expect(await answers(undefined, "hooked")).toEqual(records);
});

test("an auth record's lists and views (plain on base collections) answer the same as from the records", async () => {
  const auth = { collection: "users", email: "user@example.com" };
  const records = await answers(auth, "records");
  expect(await answers(auth, "plain")).toEqual(records);
  expect(await answers(auth, "hooked")).toEqual(records);
});

test("a superuser's answers (always through the records) show the hidden emails", async () => {
  const plain = await answers("superuser", "plain");
  expect(plain.some((a) => a.includes("author1@example.com"))).toBe(true);
  expect(plain).toEqual(await answers("superuser", "records"));
  expect(plain).toEqual(await answers("superuser", "hooked"));
});

test("handlers on the rows path see the records the records path gives them, and what they change is sent", async () => {
  const h = t.app.hooks;
  const seen: string[] = [];
  h.onRecordsListRequest.bind({
    id: "t",
    func: async (e) => {
      seen.push(`list ${e.collection.name} ${e.records.length} ${e.result.items === e.records} ${e.result.totalItems}`);
      await e.next();
    },
  });
  h.onRecordEnrich.bind({
    id: "t",
    func: async (e) => {
      // reads and changes the record before e.next() for the first, after it for the others
      if (e.record.getString("title") === "") return e.next();
      if (seen.length === 1) e.record.set("title", "first");
      seen.push(`enrich ${e.record.collection.name} ${e.tags().join(",")} ${e.record instanceof RecordModel}`);
      await e.next();
      e.record.hide("score");
    },
  });
  h.onRecordViewRequest.bind({
    id: "t",
    func: (e) => {
      seen.push(`view ${e.record?.id}`);
      return e.next();
    },
  });
  try {
    const list = await send(t.app, { url: "/api/collections/posts/records?perPage=2&sort=id" });
    const items = (list.json as { items: Record<string, unknown>[] }).items;
    expect(list.status).toBe(200);
    expect(items.length).toBe(2);
    expect(items[0]?.title).toBe("first");
    for (const item of items) expect("score" in item).toBe(false);
    const posts = t.app.findCachedCollectionByNameOrId("posts");
    const tags = `${posts?.id},posts`;
    expect(seen.slice(0, 3)).toEqual([
      `list posts 2 true ${(list.json as { totalItems: number }).totalItems}`,
      `enrich posts ${tags} true`,
      `enrich posts ${tags} true`,
    ]);
    const id = items[1]?.id as string;
    const view = await send(t.app, { url: `/api/collections/posts/records/${id}` });
    expect(view.status).toBe(200);
    expect(seen.at(-2)).toBe(`view ${id}`);
    expect("score" in (view.json as object)).toBe(false);
  } finally {
    for (const hook of [h.onRecordEnrich, h.onRecordsListRequest, h.onRecordViewRequest]) hook.unbind("t");
  }
});

test("a list handler that replaces the result, and a view handler that replaces the record, are answered with theirs", async () => {
  const h = t.app.hooks;
  const posts = t.app.findCachedCollectionByNameOrId("posts");
  if (!posts) throw new Error("no posts");
  const other = new RecordModel(posts);
  other.id = "replacedrecord1";
  h.onRecordsListRequest.bind({
    id: "t",
    func: (e) => {
      e.result = { page: 9, perPage: 1, totalItems: 1, totalPages: 1, items: [other] };
      e.records = [other];
      return e.next();
    },
  });
  h.onRecordViewRequest.bind({
    id: "t",
    func: (e) => {
      e.record = other;
      return e.next();
    },
  });
  try {
    const list = await send(t.app, { url: "/api/collections/posts/records" });
    expect(list.json).toMatchObject({ page: 9, perPage: 1, items: [{ id: "replacedrecord1" }] });
    const [first] = await t.app.db.all<{ id: string }>(sql`SELECT id FROM posts LIMIT 1`);
    const view = await send(t.app, { url: `/api/collections/posts/records/${first?.id}` });
    expect(view.json).toMatchObject({ id: "replacedrecord1" });
  } finally {
    h.onRecordsListRequest.unbind("t");
    h.onRecordViewRequest.unbind("t");
  }
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
