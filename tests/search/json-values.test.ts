import { afterAll, beforeAll, expect, test } from "bun:test";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { send } from "../helpers/api-scenario.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";

// A JSON field's values read by path compare as SQLite's json_extract gives them: typed as the JSON is (the
// string "10" is not the number 10, true is 1), taking a column's affinity when compared with one, as text
// as SQLite writes it (booleans as 1 and 0, lists and objects as compact JSON). These answers are SQLite's
// (and so PocketBase's); on PostgreSQL, where the JSON is JSONB, they must be the same.

let t: TestApp;

/** Each record: its name, its JSON value, a number and a text to compare the JSON with. */
const rows: [string, unknown, number, string][] = [
  ["str10", { x: "10" }, 10, "10"],
  ["num10", { x: 10 }, 9, "9"],
  ["str9", { x: "9" }, 0, "abc"],
  ["bool", { x: true }, 1, "1"],
  ["arr", { x: [10, "10"] }, 2, ""],
  ["null", { x: null }, 3, "1e1"],
  ["float", { x: 1.5, y: 1.5 }, 1.5, "1.5"],
  ["obj", { x: { a: 1, b: [1, 2] }, y: "10" }, 4, '{"a":1,"b":[1,2]}'],
  ["false", { x: false, y: 0 }, 0, "0"],
  ["missing", { z: 1 }, 5, "x"],
  ["scalar", "10", 10, "10"],
  ["big", { x: 1e20, y: -0.5 }, 1e20, "1e20"],
];

beforeAll(async () => {
  t = await newTestApp();
  const c = Collection.create("base", "js");
  c.applyJSON({
    listRule: "",
    fields: [
      { name: "n", type: "text" },
      { name: "data", type: "json" },
      { name: "num", type: "number" },
      { name: "t", type: "text" },
    ],
  });
  await t.app.saveCollection(c);
  const saved = t.app.findCachedCollectionByNameOrId("js") as Collection;
  for (const [n, data, num, text] of rows) {
    const r = new RecordModel(saved);
    r.load({ n, data, num, t: text });
    await t.app.save(r);
  }
});

afterAll(async () => {
  await t.cleanup();
});

async function names(query: Record<string, string>): Promise<[number, string[]]> {
  const res = await send(t.app, { url: `/api/collections/js/records?perPage=100&${new URLSearchParams(query)}` });
  const items = (res.json as { items?: { n: string }[] }).items ?? [];
  return [res.status, items.map((i) => i.n)];
}

test("filters on JSON paths give SQLite's rows", async () => {
  const cases: [string, string[]][] = [
    ["data.x = 10", ["num10"]],
    ['data.x = "10"', ["str10"]],
    ["data.x > 9", ["arr", "big", "num10", "obj", "str10", "str9"]],
    ['data.x > "9"', ["arr", "obj"]],
    ["data.x ?= 10", ["num10"]],
    ["data.x != 10", ["arr", "big", "bool", "false", "float", "missing", "null", "obj", "scalar", "str10", "str9"]],
    ["data.x = true", ["bool"]],
    ["data.x = 1", ["bool"]],
    ["data.x = null", ["missing", "null", "scalar"]],
    ['data.x = ""', []],
    ['data.x ~ "1"', ["arr", "big", "bool", "float", "num10", "obj", "str10"]],
    ["num = t", []],
    ['num = "10"', ["scalar", "str10"]],
    ["t = 10", ["scalar", "str10"]],
    ["t > 9", ["missing", "obj", "str9"]],
    ["t = num", []],
    ["data.x = t", ["bool", "false", "float", "obj", "str10"]],
    ["data.x = num", ["big", "bool", "false", "float", "str10"]],
    ['data.x < "a"', ["arr", "big", "bool", "false", "float", "num10", "str10", "str9"]],
    ["data.x >= 1", ["arr", "big", "bool", "float", "num10", "obj", "str10", "str9"]],
    ["data.x = data.y", ["false", "float", "missing", "null", "scalar"]],
    ["data.x > data.y", ["big", "obj"]],
    ["data.y = 10", []],
    ['data.y = "10"', ["obj"]],
    ["data.x.a = 1", ["obj"]],
    ["data.x.b.1 = 2", ["obj"]],
    ['data.x.b.1 = "2"', []],
    ['data.x ~ "a"', ["obj"]],
    ['data.x = \'{"a":1,"b":[1,2]}\'', ["obj"]],
    ["data = 10", ["scalar"]],
    ['data = "10"', []],
    ["data.x = 1.5", ["float"]],
    ["data.x > 1", ["arr", "big", "float", "num10", "obj", "str10", "str9"]],
    ["data.x ?> 1", ["arr", "big", "float", "num10", "obj", "str10", "str9"]],
    ["data.x:length > 0", []],
    ["data.x:each = 10", []],
    ["data.x = false", ["false"]],
    ["data.x = 0", ["false"]],
    ['data.x ~ "true"', []],
    ['data.x ~ "0"', ["arr", "big", "false", "num10", "str10"]],
    [
      'data.x != ""',
      ["arr", "big", "bool", "false", "float", "missing", "null", "num10", "obj", "scalar", "str10", "str9"],
    ],
    ["data.z = 1", ["missing"]],
    ["data.z != 1", ["arr", "big", "bool", "false", "float", "null", "num10", "obj", "scalar", "str10", "str9"]],
    ["data.y < 0", ["big"]],
    ["data.y = -0.5", ["big"]],
    ['data = \'{"x":{"a":1,"b":[1,2]},"y":"10"}\'', ["obj"]],
    ['data ~ "a\\":1"', ["obj"]],
    ["data.x = '[10,\"10\"]'", ["arr"]],
  ];
  for (const [filter, want] of cases) {
    const [status, got] = await names({ filter, sort: "n" });
    expect([filter, status, got]).toEqual([filter, 200, want]);
  }
});

test("sorts by JSON paths give SQLite's order", async () => {
  const cases: [string, string[]][] = [
    [
      "data.x,n",
      ["missing", "null", "scalar", "false", "bool", "float", "num10", "big", "str10", "str9", "arr", "obj"],
    ],
    [
      "-data.x,n",
      ["obj", "arr", "str9", "str10", "big", "num10", "float", "bool", "false", "missing", "null", "scalar"],
    ],
    [
      "data.y,n",
      ["arr", "bool", "missing", "null", "num10", "scalar", "str10", "str9", "big", "false", "float", "obj"],
    ],
  ];
  for (const [sort, want] of cases) {
    const [status, got] = await names({ sort });
    expect([sort, status, got]).toEqual([sort, 200, want]);
  }
});
