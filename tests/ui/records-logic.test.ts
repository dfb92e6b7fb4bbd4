import { expect, test } from "bun:test";
import type { RecordModel } from "pocketbase";
import type { CollectionModel, FieldModel } from "../../ui/src/api/wire.ts";
import { fromLocalInput, parseServerDate, toLocalInput, toServerDate } from "../../ui/src/screens/records/dates.ts";
import { plainText, recordSummary, searchFilter, serverSort } from "../../ui/src/screens/records/record-fields.ts";
import {
  CellError,
  exportFields,
  fromCell,
  planImport,
  toCell,
} from "../../ui/src/screens/records/transfer/record-transfer.ts";

/** The records screens' plain logic (no browser needed). */

const common = { id: "", system: false, hidden: false, presentable: false };
const field = (f: Partial<FieldModel> & Pick<FieldModel, "type" | "name">) =>
  ({ ...common, id: f.name, ...f }) as FieldModel;

function collection(type: "base" | "auth", fields: FieldModel[], name = "posts"): CollectionModel {
  const base = {
    id: `pbc_${name}`,
    name,
    system: false,
    fields: [field({ name: "id", type: "text", primaryKey: true }), ...fields],
    indexes: [],
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: "",
    updated: "",
  };
  return (type === "auth" ? { ...base, type } : { ...base, type }) as CollectionModel;
}

const posts = collection("base", [
  field({ name: "title", type: "text" }),
  field({ name: "views", type: "number" }),
  field({ name: "done", type: "bool" }),
  field({ name: "tags", type: "select", maxSelect: 3, values: ["a", "b"] }),
  field({ name: "owner", type: "relation", maxSelect: 1, collectionId: "pbc_users" }),
  field({ name: "meta", type: "json" }),
  field({ name: "secret", type: "text", hidden: true }),
  field({ name: "created", type: "autodate" }),
  field({ name: "cover", type: "file", maxSelect: 1 }),
]);
const users = collection(
  "auth",
  [
    field({ name: "email", type: "email" }),
    field({ name: "password", type: "password" }),
    field({ name: "tokenKey", type: "text", hidden: true }),
    field({ name: "name", type: "text" }),
  ],
  "users",
);

test("a plain term searches every visible field; an expression stays as typed", () => {
  const quote = (t: string) => JSON.stringify(t);
  expect(searchFilter('views > 2 && title ~ "x"', posts, quote)).toBe('views > 2 && title ~ "x"');
  expect(searchFilter("  ", posts, quote)).toBe("");
  const filter = searchFilter('"hello"', posts, quote);
  expect(filter.split("||")).toContain('title?~"hello"');
  expect(filter).not.toContain("secret");
});

test("a relation column sorts by the related records' names", () => {
  expect(serverSort("-owner", posts, [posts, users])).toBe("-owner.name");
  expect(serverSort("views", posts, [posts, users])).toBe("views");
  expect(serverSort("-@rowid", posts, [posts, users])).toBe("-@rowid");
});

test("a record's summary is its presentable values, else a usual name, else its id", () => {
  const record = { id: "r1", collectionId: "", collectionName: "", name: "Ada" } as RecordModel;
  expect(recordSummary(users, record)).toBe("Ada");
  expect(recordSummary(undefined, record)).toBe("r1");
  expect(recordSummary(posts, { ...record, title: "" })).toBe("r1");
});

test("rich text is shown as plain text", () => {
  expect(plainText("<p>Hello <strong>world</strong> &amp; all</p><p>again</p>")).toBe("Hello world & all again");
  expect(plainText("no markup")).toBe("no markup");
});

test("server dates and datetime-local values convert both ways, in the local time zone", () => {
  const stored = "2024-05-01 10:20:30.000Z";
  expect(parseServerDate(stored)?.toISOString()).toBe("2024-05-01T10:20:30.000Z");
  expect(fromLocalInput(toLocalInput(stored))).toBe(stored);
  expect(toServerDate(new Date(Date.UTC(2020, 0, 2, 3, 4, 5)))).toBe("2020-01-02 03:04:05.000Z");
  expect(toLocalInput("")).toBe("");
  expect(fromLocalInput("")).toBe("");
  expect(parseServerDate("not a date")).toBeNull();
});

test("exports leave secrets out and write lists and objects as JSON", () => {
  expect(exportFields(users).map((f) => f.name)).toEqual(["id", "email", "name"]);
  expect(toCell(["a", "b"])).toBe('["a","b"]');
  expect(toCell({ lon: 1, lat: 2 })).toBe('{"lon":1,"lat":2}');
  expect(toCell(null)).toBe("");
  expect(toCell(false)).toBe("false");
});

test("CSV cells are read back as their field's type", () => {
  const by = (name: string) => posts.fields.find((f) => f.name === name) as FieldModel;
  expect(fromCell(by("views"), "42")).toBe(42);
  expect(fromCell(by("views"), "")).toBeNull();
  expect(() => fromCell(by("views"), "many")).toThrow(CellError);
  expect(fromCell(by("done"), "true")).toBe(true);
  expect(fromCell(by("done"), "false")).toBe(false);
  expect(fromCell(by("tags"), '["a","b"]')).toEqual(["a", "b"]);
  expect(fromCell(by("tags"), "a, b")).toEqual(["a", "b"]);
  expect(fromCell(by("meta"), '{"x":1}')).toEqual({ x: 1 });
  expect(() => fromCell(by("meta"), "{oops")).toThrow(CellError);
  expect(fromCell(by("owner"), "abc")).toBe("abc");
  // JSON files' values keep their types
  expect(fromCell(by("views"), 7)).toBe(7);
});

test("an import plan keeps the known columns, drops the rest, and tells unreadable rows", () => {
  const plan = planImport(
    posts,
    [
      { id: "keep1", title: "A", views: "1", created: "x", cover: "f.png", extra: "?" },
      { id: "", title: "B", views: "lots" },
    ],
    ["id", "title", "views", "created", "cover", "extra"],
    { keepIds: true, randomPasswords: false },
  );
  expect(plan.columns).toEqual(["id", "title", "views"]);
  expect(plan.ignored).toEqual(["created", "cover", "extra"]);
  expect(plan.rows[0]).toEqual({ body: { id: "keep1", title: "A", views: 1 } });
  expect(plan.rows[1]?.error).toBe('"lots" is not a number.');

  const fresh = planImport(posts, [{ id: "x", title: "C" }], ["id", "title"], {
    keepIds: false,
    randomPasswords: false,
  });
  expect(fresh.rows[0]?.body).toEqual({ title: "C" });

  const accounts = planImport(
    users,
    [{ email: "a@example.com" }, { email: "b@example.com", password: "Pass-1234" }],
    ["email", "password"],
    {
      keepIds: true,
      randomPasswords: true,
    },
  );
  const [generated, given] = accounts.rows.map((r) => r.body);
  expect(typeof generated?.password).toBe("string");
  expect(generated?.passwordConfirm).toBe(generated?.password);
  expect(given).toEqual({ email: "b@example.com", password: "Pass-1234", passwordConfirm: "Pass-1234" });
});
