import { describe, expect, test } from "bun:test";
import {
  type CollectionJson,
  deletedFieldNames,
  diffCollections,
  forComparison,
  hasChanges,
  idsToReplace,
  parseImport,
  replaceIds,
} from "../../ui/src/screens/collections/collections-diff.ts";
import { uniqueFieldName } from "../../ui/src/screens/collections/field-names.ts";
import { fromLocalInput, toInt, toLocalInput, toNumberOrNull } from "../../ui/src/screens/collections/fields/inputs.ts";
import {
  buildIndex,
  columnName,
  parseIndex,
  renameIndexColumn,
  setIndexTable,
} from "../../ui/src/screens/collections/index-sql.ts";
import { completeSql, tokenizeSql } from "../../ui/src/screens/collections/view/sql.ts";

/** The collections screens' plain logic (no browser needed). */

describe("index statements", () => {
  test("are read into their parts, quotes and all", () => {
    expect(
      parseIndex(
        "CREATE UNIQUE INDEX IF NOT EXISTS `idx_a` ON `posts` (`title` COLLATE NOCASE, lower(body)) WHERE title != ''",
      ),
    ).toEqual({
      unique: true,
      optional: true,
      name: "idx_a",
      table: "posts",
      columns: ["`title` COLLATE NOCASE", "lower(body)"],
      where: "title != ''",
    });
    expect(parseIndex("create index idx_b on posts (a,b)")?.columns).toEqual(["a", "b"]);
    expect(parseIndex("CREATE INDEX main.idx_c ON posts (a)")?.name).toBe("idx_c");
    expect(parseIndex("SELECT 1")).toBeNull();
  });

  test("are written back as PocketBase writes them", () => {
    const one = { unique: false, optional: false, name: "idx_x", table: "posts", columns: ["title"], where: "" };
    expect(buildIndex(one)).toBe("CREATE INDEX `idx_x` ON `posts` (`title`)");
    expect(buildIndex({ ...one, unique: true, columns: ["a", "lower(b)"], where: "a > 1" })).toBe(
      "CREATE UNIQUE INDEX `idx_x` ON `posts` (\n  `a`,\n  lower(b)\n) WHERE a > 1",
    );
  });

  test("follow renamed fields and collections", () => {
    const sql = "CREATE INDEX `idx_x` ON `posts` (`title` COLLATE NOCASE, `status`)";
    expect(renameIndexColumn(sql, "title", "headline")).toBe(
      "CREATE INDEX `idx_x` ON `posts` (\n  `headline` COLLATE NOCASE,\n  `status`\n)",
    );
    expect(renameIndexColumn(sql, "other", "x")).toBe(sql);
    expect(setIndexTable("CREATE INDEX idx_x ON posts (a)", "articles", "idx_y")).toBe(
      "CREATE INDEX `idx_y` ON `articles` (`a`)",
    );
    expect(columnName("`title` COLLATE NOCASE")).toBe("title");
    expect(columnName("lower(body)")).toBe("lower(body)");
  });
});

describe("field inputs", () => {
  test("numbers and dates read from inputs", () => {
    expect(toInt("12")).toBe(12);
    expect(toInt("")).toBe(0);
    expect(toNumberOrNull("")).toBeNull();
    expect(toNumberOrNull("-1.5")).toBe(-1.5);
    expect(fromLocalInput("")).toBe("");
    const stored = fromLocalInput("2024-03-04T05:06:07");
    expect(stored).toMatch(/^2024-03-0\d \d\d:06:07\.000Z$/);
    expect(toLocalInput(stored)).toBe("2024-03-04T05:06:07");
  });

  test("new field names don't repeat one taken in any case", () => {
    const fields = [{ name: "text" }, { name: "Text2" }, { name: "field9" }];
    expect(uniqueFieldName(fields, "text")).toBe("text3");
    expect(uniqueFieldName(fields, "field9")).toBe("field10");
    expect(uniqueFieldName(fields, "number")).toBe("number");
  });
});

const field = (id: string, name: string, extra: Record<string, unknown> = {}) => ({ id, name, type: "text", ...extra });
const posts: CollectionJson = {
  id: "c1",
  name: "posts",
  type: "base",
  listRule: null,
  fields: [field("f1", "id"), field("f2", "title"), field("f3", "status")],
  indexes: ["CREATE INDEX `idx_c1_title` ON `posts` (`title`)"],
};

describe("imports", () => {
  test("are JSON arrays of collections with an id and a name; repeats merge", () => {
    expect(parseImport("{")).toBeNull();
    expect(parseImport("{}")).toBeNull();
    expect(parseImport("[]")).toBeNull();
    expect(parseImport('[{"name":"x"}]')).toBeNull();
    const parsed = parseImport(
      JSON.stringify([
        { ...posts, created: "x", updated: "y" },
        { id: "c1", name: "posts2", fields: [field("f1", "a"), field("f1", "b")] },
      ]),
    );
    expect(parsed).toEqual([{ id: "c1", name: "posts2", fields: [field("f1", "b")] }]);
  });

  test("compare the saved collections without their timestamps and OAuth2 providers", () => {
    expect(
      forComparison({
        id: "u",
        name: "users",
        created: "x",
        oauth2: { enabled: true, providers: [{ name: "github" }] },
      }),
    ).toEqual({ id: "u", name: "users", oauth2: { enabled: true } });
  });

  test("tell what is added, changed and deleted, down to the fields", () => {
    const changed = {
      ...posts,
      listRule: "",
      fields: [field("f1", "id"), field("f2", "headline"), field("f4", "body")],
    };
    const added = { id: "c2", name: "notes", fields: [field("n1", "body")] };
    const diffs = diffCollections([posts, { id: "c3", name: "old" }], [changed, added], true);
    expect(diffs.map((d) => [d.kind, d.after?.name ?? d.before?.name])).toEqual([
      ["changed", "posts"],
      ["deleted", "old"],
      ["added", "notes"],
    ]);
    const [postsDiff] = diffs;
    expect(postsDiff?.props.find((p) => p.key === "listRule")).toMatchObject({
      changed: true,
      before: "null",
      after: "",
    });
    expect(postsDiff?.fields.map((f) => [f.name, f.kind])).toEqual([
      ["status", "removed"],
      ["id", "same"],
      ["headline", "changed"],
      ["body", "added"],
    ]);
    expect(deletedFieldNames([posts, { id: "c3", name: "old" }], [changed], true)).toEqual(["posts.status", "old.*"]);
    // without deleteMissing, left-out fields and collections stay
    expect(deletedFieldNames([posts], [changed], false)).toEqual([]);
    expect(diffCollections([posts, { id: "c3", name: "old" }], [changed], false).map((d) => d.kind)).toEqual([
      "changed",
    ]);
    expect(hasChanges(posts, { ...posts }, true)).toBe(false);
    expect(hasChanges(posts, { ...posts, fields: [field("f1", "id")] }, false)).toBe(false);
    expect(hasChanges(posts, { ...posts, fields: [field("f1", "id")] }, true)).toBe(true);
  });

  test("of collections saved under other ids can take the saved ids", () => {
    const elsewhere: CollectionJson[] = [
      {
        ...posts,
        id: "x1",
        fields: [field("g1", "id"), field("g2", "title")],
        indexes: ["CREATE INDEX `idx_x1_title` ON `posts` (`title`)"],
      },
      { id: "x2", name: "comments", fields: [field("h1", "post", { type: "relation", collectionId: "x1" })] },
    ];
    expect(idsToReplace([posts], elsewhere).map((c) => c.name)).toEqual(["posts"]);
    const replaced = replaceIds([posts], elsewhere);
    expect(replaced[0]?.id).toBe("c1");
    expect(replaced[0]?.fields).toEqual([field("f1", "id"), field("f2", "title")]);
    expect(replaced[0]?.indexes).toEqual(["CREATE INDEX `idx_c1_title` ON `posts` (`title`)"]);
    expect(replaced[1]?.fields).toEqual([field("h1", "post", { type: "relation", collectionId: "c1" })]);
    expect(idsToReplace([posts], replaced)).toEqual([]);
  });
});

describe("view queries", () => {
  test("highlight keywords, strings, quoted names, numbers and comments", () => {
    const src = "SELECT p.id, 'it''s' AS s, \"x\" -- note\nFROM posts p /* c */ WHERE n > 1.5";
    const tokens = tokenizeSql(src);
    expect(tokens.map((t) => t.text).join("")).toBe(src);
    expect(tokens.filter((t) => t.kind !== "space").map((t) => `${t.kind}:${t.text}`)).toEqual([
      "keyword:SELECT",
      "word:p",
      "punct:.",
      "word:id",
      "punct:,",
      "string:'it''s'",
      "keyword:AS",
      "word:s",
      "punct:,",
      'quoted:"x"',
      "comment:-- note",
      "keyword:FROM",
      "word:posts",
      "word:p",
      "comment:/* c */",
      "keyword:WHERE",
      "word:n",
      "punct:>",
      "number:1.5",
    ]);
  });

  test("suggest keywords, tables, and the columns of the tables read, through their aliases", () => {
    const tables = [
      { name: "posts", columns: ["id", "title", "author"] },
      { name: "users", columns: ["id", "name"] },
    ];
    const labels = (input: string) => {
      const caret = input.indexOf("|");
      return completeSql(input.replace("|", ""), caret, tables, true)?.items.map((s) => s.label) ?? [];
    };
    expect(labels("sel|")).toEqual(["SELECT"]);
    expect(labels("SELECT id FROM po|")).toEqual(["posts"]);
    expect(labels("SELECT p.| FROM posts p")).toEqual(["p.id", "p.title", "p.author"]);
    expect(labels("SELECT u.n| FROM posts JOIN users AS u ON u.id = posts.author")).toEqual(["u.name"]);
    expect(labels("SELECT ti| FROM posts")).toEqual(["title"]);
    expect(labels("SELECT 'ti|' FROM posts")).toEqual([]);
    expect(completeSql("SELECT ", 7, tables, false)).toBeNull();
  });
});
