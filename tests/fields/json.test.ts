import { afterAll, beforeAll, expect, test } from "bun:test";
import { marshalGoJson } from "../../src/tools/types/json-raw.ts";
import {
  createCollection,
  expectFieldError,
  expectSettingsError,
  type FieldsServer,
  form,
  startServer,
} from "./helpers.ts";

let t: FieldsServer;
let name: string;
beforeAll(async () => {
  t = await startServer();
  name = await createCollection(t.pb, [
    { name: "j", type: "json", maxSize: 20 },
    { name: "big", type: "json" },
    { name: "req", type: "json", required: true },
  ]);
});
afterAll(async () => {
  await t.stop();
});

const records = () => t.pb.collection(name);
const base = { req: 1 };

test("JSON values are stored as given; unset is null", async () => {
  const cases: [unknown, unknown][] = [
    [{ a: 1 }, { a: 1 }],
    [
      [1, "a"],
      [1, "a"],
    ],
    ["hello", "hello"],
    [1.5, 1.5],
    [false, false],
    [null, null],
  ];
  for (const [given, stored] of cases) expect((await records().create({ ...base, big: given })).big).toEqual(stored);
  expect((await records().create(base)).big).toBeNull();
});

test("read again, an object keeps its keys in the order written, and a string its escaped NUL", async () => {
  // PostgreSQL's JSONB would sort the keys (shorter first) and refuse the NUL: a JSON field is a JSON column there
  const written = '{"bb":1,"a":{"zz":[2,{"d":0,"c":1}],"y":3},"":null}';
  const { id } = await records().create({ ...base, big: written });
  expect(JSON.stringify((await records().getOne(id)).big)).toBe(written);
  const nul = await records().create({ ...base, big: '"a\\u0000b"' });
  expect((await records().getOne(nul.id)).big).toBe("a\u0000b");
  // and both are read by filters as any other value
  const filter = `big.a.y = 3 || (id = "${nul.id}" && big != "a")`;
  const found = await records().getFullList({ filter, fields: "id" });
  expect(found.map((r) => r.id).sort()).toEqual([id, nul.id].sort());
});

test("strings holding JSON are taken as JSON, other strings as strings (as a multipart body needs)", async () => {
  const cases: [string, unknown][] = [
    ['{"a":1}', { a: 1 }],
    ["[1,2]", [1, 2]],
    ["123", 123],
    ["-5", -5],
    ['"q"', "q"],
    ["true", true],
    ["null", null],
    ["", ""],
    ['{"a":', '{"a":'],
    [" [1] ", " [1] "],
    ["1e5", 100000],
  ];
  for (const [given, stored] of cases)
    expect([given, (await records().create({ ...base, big: given })).big]).toEqual([given, stored]);
  expect((await records().create(form({ big: '{"a":1}', req: "5" }))).big).toEqual({ a: 1 });
  expect((await records().create(form({ big: "abc", req: "true" }))).big).toBe("abc");
});

test("a string with control characters is quoted as Go's strconv.Quote does, which is not JSON", async () => {
  await expectFieldError(records().create({ ...base, big: "a\u0007b" }), "big", "validation_invalid_json", {
    message: "Must be a valid json value.",
  });
  expect((await records().create({ ...base, big: "a\tb\u00a0" })).big).toBe("a\tb\u00a0");
});

test("maxSize counts the bytes PocketBase stores (Go's encoding, which escapes <, > and &)", async () => {
  expect((await records().create({ ...base, j: "x".repeat(18) })).j).toBe("x".repeat(18));
  await expectFieldError(records().create({ ...base, j: "x".repeat(19) }), "j", "validation_json_size_limit", {
    message: "The maximum allowed JSON size is 20 bytes.",
    params: { maxSize: 20 },
  });
  // {"é":"<>&"} is 13 bytes as JSON.stringify writes it, 31 once Go escapes it
  await expectFieldError(records().create({ ...base, j: { é: "<>&" } }), "j", "validation_json_size_limit");
});

test("required means not null, empty string, empty array or empty object", async () => {
  for (const empty of [null, "", [], {}, "null", "[]", '""']) {
    await expectFieldError(records().create({ req: empty }), "req", "validation_required");
  }
  for (const ok of [0, false, "0"]) expect((await records().create({ req: ok })).req).toBe(ok === "0" ? 0 : ok);
});

test("settings: maxSize is a non-negative integer", async () => {
  await expectSettingsError(
    t.pb,
    { name: "a", type: "json", maxSize: -1 },
    "maxSize",
    "validation_min_greater_equal_than_required",
  );
});

test("geoPoint values are {lon, lat} objects, read as Go decodes JSON", async () => {
  const c = await createCollection(t.pb, [
    { name: "g", type: "geoPoint" },
    { name: "rg", type: "geoPoint", required: true },
  ]);
  const points = t.pb.collection(c);
  const req = { rg: { lon: 1, lat: 1 } };
  const cases: [unknown, unknown][] = [
    [
      { lon: 23.5, lat: 42.1 },
      { lon: 23.5, lat: 42.1 },
    ],
    ['{"lon":1,"lat":2}', { lon: 1, lat: 2 }],
    [
      { LON: 5, Lat: 6 },
      { lon: 5, lat: 6 },
    ],
    [
      { lon: "5", lat: "6" },
      { lon: 0, lat: 0 },
    ],
    [
      { lon: true, lat: 1 },
      { lon: 0, lat: 1 },
    ],
    [[1, 2], { lon: 0, lat: 0 }],
    ["nope", { lon: 0, lat: 0 }],
    [null, { lon: 0, lat: 0 }],
    [{ lat: 5 }, { lon: 0, lat: 5 }],
  ];
  for (const [given, stored] of cases)
    expect([given, (await points.create({ ...req, g: given })).g]).toEqual([given, stored]);
  expect((await points.create(form({ rg: '{"lon":3,"lat":4}' }))).rg).toEqual({ lon: 3, lat: 4 });
  await expectFieldError(points.create({ ...req, g: { lon: 0, lat: 91 } }), "g", "validation_invalid_latitude", {
    message: "Latitude must be between -90 and 90 degrees.",
  });
  await expectFieldError(points.create({ ...req, g: { lon: -181, lat: 0 } }), "g", "validation_invalid_longitude", {
    message: "Longitude must be between -180 and 180 degrees.",
  });
  expect((await points.create({ ...req, g: { lon: 180, lat: -90 } })).g).toEqual({ lon: 180, lat: -90 });
  await expectFieldError(points.create({ rg: { lon: 0, lat: 0 } }), "rg", "validation_required");
  await expectFieldError(points.create({}), "rg", "validation_required");
});

test("JSON nested deeper than PocketBase reads (10,000 levels) is refused, and the collection's lists keep answering", async () => {
  // JavaScriptCore's JSON.stringify recurses: a value 100,000 deep, once stored, failed every list holding it
  const nested = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;
  const fits = await records().create({ ...base, big: nested(10_000) });
  expect(JSON.stringify(fits.big).length).toBe(20_001);
  // and as the body's own value (one level less: the body's object counts), written again as Go writes JSON
  const asValue = await records().create({ ...base, big: JSON.parse(nested(9_999)) });
  expect(JSON.stringify(asValue.big)).toBe(nested(9_999));
  // brackets inside a string (escaped quotes around them) are no nesting
  const quoted = { s: `\\"${"[".repeat(30_000)}` };
  expect((await records().create({ ...base, big: JSON.stringify(quoted) })).big).toEqual(quoted);
  // as a string, too deep is no JSON: kept as a string, as PocketBase keeps one
  const text = await records().create({ ...base, big: nested(100_000) });
  expect(text.big).toBe(nested(100_000));
  // as the body's own value, the body can't be read: the answer of a malformed body
  const send = async (body: string) => {
    const res = await fetch(`${t.pb.baseURL}/api/collections/${name}/records`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    return [res.status, await res.json()];
  };
  const malformed = await send(`{"req":1,"big":[`);
  expect(malformed[0]).toBe(400);
  expect(await send(`{"req":1,"big":${nested(100_000)}}`)).toEqual(malformed);
  const listed = await records().getList(1, 500, { fields: "id" });
  expect(listed.items.map((r) => r.id)).toContain(text.id);
});

test("a value nested 20,000 deep (a hook may set one) is written as Go writes JSON, without overflowing the stack", () => {
  const depth = 20_000;
  const value = JSON.parse(`${'{"b":1,"a":['.repeat(depth)}"<&>"${"]}".repeat(depth)}`);
  expect(marshalGoJson(value)).toBe(`${'{"a":['.repeat(depth)}"\\u003c\\u0026\\u003e"${'],"b":1}'.repeat(depth)}`);
});
