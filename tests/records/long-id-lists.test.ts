import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ident, join, sql } from "../../src/db/sql.ts";
import { inlineTextValues } from "../../src/db/text-in.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

// More ids than a statement may hold parameters: PostgreSQL takes 65,535, SQLite (as Bun builds it) 250,000.
const tagCount = 260_000;
const tagId = (i: number) => `t${String(i).padStart(14, "0")}`;
const allTags = Array.from({ length: tagCount }, (_, i) => tagId(i));

describe("relations holding more ids than a statement takes parameters", () => {
  let t: TestServer;
  const post = (collection: string, body: unknown) =>
    fetch(`${t.url}/api/collections/${collection}/records`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    t = await startTestServer();
    const tags = await t.pb.collections.create({
      name: "tags",
      type: "base",
      listRule: "",
      viewRule: 'name != "hidden"',
      fields: [{ name: "name", type: "text" }],
    });
    const relation = { name: "tags", type: "relation", collectionId: tags.id, maxSelect: tagCount + 1 };
    await t.pb.collections.create({
      name: "posts",
      type: "base",
      listRule: "",
      viewRule: "",
      createRule: "",
      fields: [relation],
    });
    await t.pb.collections.create({
      name: "guarded",
      type: "base",
      viewRule: "",
      createRule: '@request.body.tags.name != "blocked"',
      fields: [relation],
    });
    const names = (i: number) => (i === 3 ? "hidden" : i === 7 ? "blocked" : `tag ${i}`);
    for (let from = 0; from < tagCount; from += 500) {
      const rows = allTags.slice(from, from + 500).map((id, k) => sql`(${id}, ${names(from + k)})`);
      await t.app.db.run(sql`INSERT INTO ${ident("tags")} (id, name) VALUES ${join(rows, ", ")}`);
    }
  }, 120_000);
  afterAll(() => t.stop());

  test("a create checks every id, in one statement", async () => {
    const res = await post("posts", { tags: allTags });
    expect(res.status).toBe(200);
    const created = (await res.json()) as { id: string; tags: string[] };
    expect(created.tags).toHaveLength(tagCount);
    const missing = await post("posts", { tags: [...allTags, tagId(tagCount)] });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      data: { tags: { code: "validation_missing_rel_records" } },
    });
  }, 60_000);

  test("a rule reads the records of every id in the body", async () => {
    // the rule joins the body's records twice: each id twice in the statement
    const some = allTags.slice(100, 100 + 130_000);
    expect((await post("guarded", { tags: some })).status).toBe(200);
    const refused = await post("guarded", { tags: [...some, tagId(7)] });
    expect(refused.status).toBe(400);
  }, 60_000);

  test("an expand of more ids than go inline keeps the rule of the related records", async () => {
    const some = allTags.slice(0, inlineTextValues * 5);
    const created = (await (await post("posts", { tags: some })).json()) as { id: string };
    const res = await fetch(`${t.url}/api/collections/posts/records/${created.id}?expand=tags`);
    expect(res.status).toBe(200);
    const expanded = ((await res.json()) as { expand: { tags: { id: string }[] } }).expand.tags;
    // the hidden tag is left out by the tags' view rule; the order is the field's
    expect(expanded.map((r) => r.id)).toEqual(some.filter((id) => id !== tagId(3)));
  }, 60_000);
});
