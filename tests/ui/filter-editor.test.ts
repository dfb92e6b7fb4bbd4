import { describe, expect, test } from "bun:test";
import type { FieldModel } from "../../src/core/fields-registry.ts";
import { complete } from "../../ui/src/components/filter-editor/completions.ts";
import { FilterSchema, type SchemaCollection } from "../../ui/src/components/filter-editor/schema.ts";
import { identifierParts, tokenize } from "../../ui/src/components/filter-editor/tokenize.ts";

/** The filter editor's language logic: tokens, the schema walk and the suggestions (no browser needed). */

const common = { id: "", system: false, hidden: false, presentable: false, help: "" };
const text = (name: string): FieldModel => ({
  ...common,
  id: `f_${name}`,
  name,
  type: "text",
  autogeneratePattern: "",
  max: 0,
  min: 0,
  pattern: "",
  primaryKey: false,
  required: false,
});
const relation = (name: string, collectionId: string, maxSelect = 1): FieldModel => ({
  ...common,
  id: `f_${name}`,
  name,
  type: "relation",
  collectionId,
  cascadeDelete: false,
  maxSelect,
  minSelect: 0,
  required: false,
});

const users: SchemaCollection = {
  id: "c_users",
  name: "users",
  type: "auth",
  fields: [
    text("id"),
    text("name"),
    { ...common, id: "f_pw", name: "password", type: "password", cost: 0, max: 0, min: 8, pattern: "", required: true },
    text("tokenKey"),
    { ...common, id: "f_email", name: "email", type: "email", exceptDomains: null, onlyDomains: null, required: true },
  ],
};
const posts: SchemaCollection = {
  id: "c_posts",
  name: "posts",
  type: "base",
  fields: [
    text("id"),
    text("title"),
    relation("author", "c_users"),
    relation("tags", "c_tags", 5),
    {
      ...common,
      id: "f_status",
      name: "status",
      type: "select",
      values: ["draft", "published"],
      maxSelect: 1,
      required: false,
    },
    { ...common, id: "f_loc", name: "loc", type: "geoPoint", required: false },
    { ...common, id: "f_meta", name: "meta", type: "json", maxSize: 0, required: false },
  ],
};
const tags: SchemaCollection = { id: "c_tags", name: "tags", type: "base", fields: [text("id"), text("label")] };
const all = [users, posts, tags];

const labels = (input: string, target: SchemaCollection | null = posts, mode: "rule" | "filter" = "rule") => {
  const caret = input.indexOf("|");
  const value = input.replace("|", "");
  const result = complete(value, caret, new FilterSchema(all, target), { mode, explicit: true });
  return result?.items.map((s) => s.label) ?? [];
};

describe("tokenize", () => {
  test("covers the text with tokens, half-typed parts included", () => {
    const src = `title ~ "a b" && (n >= -1.5 || tags:each ?= 'x // no') // note\n@request.auth.id != "`;
    const tokens = tokenize(src);
    expect(tokens.map((t) => t.text).join("")).toBe(src);
    const kinds = tokens.filter((t) => t.kind !== "space").map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual([
      "identifier:title",
      "operator:~",
      'string:"a b"',
      "join:&&",
      "paren:(",
      "identifier:n",
      "operator:>=",
      "number:-1.5",
      "join:||",
      "identifier:tags:each",
      "operator:?=",
      "string:'x // no'",
      "paren:)",
      "comment:// note",
      "identifier:@request.auth.id",
      "operator:!=",
      'string:"',
    ]);
    expect(tokenize("strftime('%Y', created)")[0]).toMatchObject({ kind: "function", text: "strftime" });
  });

  test("splits identifiers into their root, back-relations and modifiers", () => {
    expect(identifierParts("@request.body.tags:each")).toEqual([
      { kind: "request", text: "@request" },
      { kind: "path", text: ".body.tags" },
      { kind: "modifier", text: ":each" },
    ]);
    expect(identifierParts("comments_via_post.author").map((p) => p.kind)).toEqual(["path", "via", "path"]);
    expect(identifierParts("@todayStart")).toEqual([{ kind: "macro", text: "@todayStart" }]);
    expect(identifierParts("NULL")).toEqual([{ kind: "literal", text: "NULL" }]);
  });
});

describe("FilterSchema", () => {
  const schema = new FilterSchema(all, posts);

  test("knows fields, relation paths, back-relations, @request and @collection paths", () => {
    for (const known of [
      "title",
      "author.name",
      "author.email",
      "tags.label:lower",
      "tags:length",
      "loc.lon",
      "meta.anything.deep",
      "@request.auth.id",
      "@request.auth.name",
      "@request.body.title:changed",
      "@request.headers.x_token",
      "@request.query.page",
      "@collection.tags.label",
      "@collection.tags:t.label",
      "@now",
      "true",
    ]) {
      expect({ known, ok: schema.isKnown(known) }).toEqual({ known, ok: true });
    }
    expect(new FilterSchema(all, users).isKnown("posts_via_author.title")).toBe(true);
    for (const unknown of [
      "titel",
      "author.nope",
      "@request.auth.nope",
      "@collection.nope.id",
      "@reqest.auth.id",
      "@nowish",
    ]) {
      expect({ unknown, ok: schema.isKnown(unknown) }).toEqual({ unknown, ok: false });
    }
  });

  test("never reads password hashes or token keys", () => {
    const members = new FilterSchema(all, users).members({ kind: "record", collection: users }).map((m) => m.name);
    expect(members).toContain("email");
    expect(members).not.toContain("password");
    expect(members).not.toContain("tokenKey");
  });

  test("a draft target stands in for its saved version", () => {
    const draft: SchemaCollection = { ...posts, fields: [...posts.fields, text("subtitle")] };
    expect(new FilterSchema(all, draft).isKnown("subtitle")).toBe(true);
    expect(new FilterSchema(all, posts).isKnown("subtitle")).toBe(false);
  });
});

describe("complete", () => {
  test("fields of the collection, matching the typed word, those starting with it first", () => {
    expect(labels("ti|")).toEqual(["title"]);
    expect(labels("a|")[0]).toBe("author");
    expect(labels("start|")).toEqual(["@todayStart", "@monthStart", "@yearStart"]);
  });

  test("fields of related collections after a relation and a dot", () => {
    expect(labels("author.|")).toEqual(["author.id", "author.name", "author.email", "author.posts_via_author"]);
    expect(labels("author.na|")).toEqual(["author.name"]);
    expect(labels("loc.|")).toEqual(["loc.lon", "loc.lat"]);
  });

  test("back-relations into the collection", () => {
    expect(labels("posts|", users)).toContain("posts_via_author");
    expect(labels("posts_via_author.ti|", users)).toEqual(["posts_via_author.title"]);
  });

  test("@request keys, the auth collections' fields and the body's modifiers", () => {
    expect(labels("@request.|")).toEqual([
      "@request.context",
      "@request.method",
      "@request.auth.",
      "@request.headers.",
      "@request.query.",
      "@request.body.",
    ]);
    expect(labels("@request.auth.|")).toContain("@request.auth.email");
    expect(labels("@request.auth.|")).not.toContain("@request.auth.password");
    expect(labels("@request.body.title:|")).toEqual([
      "@request.body.title:isset",
      "@request.body.title:changed",
      "@request.body.title:lower",
    ]);
  });

  test("@collection names and their fields", () => {
    expect(labels("@collection.|")).toEqual(["@collection.users.", "@collection.posts.", "@collection.tags."]);
    expect(labels("@collection.tags.l|")).toEqual(["@collection.tags.label"]);
  });

  test("modifiers that apply to the field", () => {
    expect(labels("tags:|")).toEqual(["tags:each", "tags:length"]);
    expect(labels("title:|")).toEqual(["title:lower"]);
    expect(labels("author:|")).toEqual([]);
  });

  test("macros, literals and functions", () => {
    expect(labels("@to|")).toEqual(["@tomorrow", "@todayStart", "@todayEnd"]);
    expect(labels("geo|")).toContain("geoDistance(lonA, latA, lonB, latB)");
  });

  test("operators after an operand", () => {
    expect(labels("title |")).toContain("~");
    expect(labels("title ?|")).toEqual(["?=", "?!=", "?>", "?>=", "?<", "?<=", "?~", "?!~"]);
    expect(labels("title = 'a' &|")).toEqual(["&&"]);
  });

  test("the known values of the operand on the left, inside quotes or not", () => {
    expect(labels('status = "|')).toEqual(["draft", "published"]);
    expect(labels("status = 'pu|'")).toEqual(["published"]);
    expect(labels("@request.context = '|")).toContain("oauth2");
    expect(labels("status != d|")).toContain("draft");
  });

  test("a filter offers neither @request nor @collection", () => {
    expect(labels("@|", posts, "filter")).not.toContain("@request.");
    expect(labels("@request.|", posts, "filter")).toEqual([]);
    expect(labels("@now|", posts, "filter")).toEqual([]);
    expect(labels("@to|", posts, "filter")).toContain("@todayStart");
  });

  test("nothing inside comments, numbers, or unless asked where nothing is typed", () => {
    expect(labels("title = 1 // ti|")).toEqual([]);
    expect(labels("n > 12|")).toEqual([]);
    const schema = new FilterSchema(all, posts);
    expect(complete("title = 1 ", 10, schema, { mode: "rule", explicit: false })).toBeNull();
  });

  test("the range a suggestion replaces is the whole word under the caret", () => {
    const schema = new FilterSchema(all, posts);
    const result = complete("x && auth.name", 7, schema, { mode: "rule", explicit: false });
    expect(result).toMatchObject({ from: 5, to: 14 });
  });
});
