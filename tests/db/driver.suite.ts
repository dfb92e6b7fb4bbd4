/**
 * The conformance suite of database drivers: every engine runs the same tests and must give the same
 * answers (SQLite's are the reference, since PocketBase runs on it). Each engine's test file calls
 * `driverConformance` with a way to open a fresh driver and, for each test it skips, a written reason.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Driver,
  type QueryOptions,
  QueryTimeoutError,
  RowsRefusedError,
  ScriptError,
  type ScriptOptions,
} from "../../src/db/driver.ts";
import { parseIndex } from "../../src/db/index-sql.ts";
import { insertPackedRows, type PackedRows, PackedRowsWriter } from "../../src/db/packed-rows.ts";
import { ident, raw, type Sql, sql } from "../../src/db/sql.ts";
import { inlineTextValues, textIn } from "../../src/db/text-in.ts";

/** The options every driver takes. */
interface OpenOptions {
  queryTimeoutMs?: number;
  maxReaders?: number;
  scriptTimeoutMs?: number;
}

export interface DriverUnderTest {
  name: string;
  /** open gives a driver on a database shared by the file's tests (table names don't repeat). */
  open(options?: OpenOptions): Promise<Driver>;
  /** Tests this engine doesn't run, by name, each with the reason. */
  skip?: Record<string, string>;
  /** openCopy opens a file backupTo wrote (undefined: the engine can't copy itself into a file yet). */
  openCopy?(path: string): Promise<Driver>;
}

/** A column type for bytes, which no field kind asks for. */
const bytesType: Record<string, string> = { sqlite: "BLOB", postgres: "BYTEA" };

/** A read that never ends on its own: 5 billion rows counted one by one. */
const endless =
  "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 5000000000) SELECT count(*) AS n FROM c";

/** SQLite's strftime answers (checked on bun:sqlite 3.54): format, time value, modifiers..., result. */
const strftimeCases: (string | null)[][] = [
  ["%Y-%m-%d", "2024-02-29 13:45:30.123Z", "2024-02-29"],
  ["%H:%M:%S", "2024-02-29 13:45:30.123Z", "13:45:30"],
  ["%f", "2024-02-29 13:45:30.123Z", "30.123"],
  ["%j", "2024-12-31", "366"],
  ["%w %u", "2024-01-07", "0 7"],
  ["%W %U", "2024-01-07", "01 01"],
  ["%W %U", "2023-01-01", "00 01"],
  ["%W %U", "2024-12-31", "53 52"],
  ["%s", "2024-01-01 00:00:00", "1704067200"],
  ["%Y-%m-%d", "2024-01-31", "+1 month", "2024-03-02"],
  ["%Y-%m-%d", "2024-03-15", "start of month", "2024-03-01"],
  ["%Y-%m-%d", "2024-03-15 10:00", "start of year", "2024-01-01"],
  ["%Y-%m-%d %H:%M", "2024-03-15 10:20", "-2 hours", "+30 minutes", "2024-03-15 08:50"],
  ["%Y-%m-%d", "2024-03-13", "weekday 0", "2024-03-17"],
  ["%Y-%m-%d", "2024-03-17", "weekday 0", "2024-03-17"],
  ["%Y-%m-%d %H:%M:%S", "1704067200", "unixepoch", "2024-01-01 00:00:00"],
  ["%Y-%m-%d", "2024-02-30", "2024-03-01"],
  ["%Y", "not a date", null],
  ["%Y", "2024-01-01", "bogus", null],
  ["%H:%M", "10:20", "10:20"],
  ["%Y-%m-%d", "10:20", "2000-01-01"],
  ["%Y-%m-%d %H:%M", "2024-01-01T10:00:00+02:00", "2024-01-01 08:00"],
  ["%I %p %l %k %P", "2024-01-01 15:04:05", "03 PM  3 15 pm"],
  ["%I %p %l %k", "2024-01-01 00:04:05", "12 AM 12  0"],
  ["%F %T %R", "2024-06-07 08:09:10", "2024-06-07 08:09:10 08:09"],
  ["%V %G %g", "2021-01-03", "53 2020 20"],
  ["%J", "2000-01-01 12:00:00", "2451545"],
  ["%J", "2024-01-01 06:00:00", "2460310.75"],
  ["%d/%m %%", "2024-05-06", "06/05 %"],
  ["%e|%k", "2024-01-07 03:00", " 7| 3"],
  ["%Y-%m-%d", "2024-02-29", "+1 year", "2025-03-01"],
  ["%Y-%m-%d", "2024-01-01", "-1 day", "2023-12-31"],
  ["%Y-%m-%d %H:%M:%S", "2024-01-01 00:00:00", "+1.5 days", "2024-01-02 12:00:00"],
  ["%Y-%m-%d %H:%M:%S", "2024-01-01 10:00", "+01:30", "2024-01-01 11:30:00"],
  ["%Y-%m-%d", "2460000.5", "2023-02-25"],
  ["%Y-%m-%d %H:%M:%f", "2024-01-01 10:00:00.5", "2024-01-01 10:00:00.500"],
  ["%Y %q", "2024-01-01", null],
  ["%Y-%m-%d", "2024-01-31", "+13 months", "2025-03-03"],
  ["%Y-%m-%d", "2024-1-5", null],
  ["%H:%M", "2024-01-01 25:00", null],
  ["%Y-%m-%d", " 2024-01-01 ", null],
  ["%Y-%m-%d %H", "2024-01-01 10:00Z", "2024-01-01 10"],
  ["%Y-%m-%d", "2024-03-31", "-1 month", "2024-03-02"],
  ["%M:%S", "2024-01-01 10:00:00", "+90 seconds", "01:30"],
  ["%Y-%m-%d", "2024-01-01", "localtime", "2024-01-01"],
];

/** A nested object or array comes back as JSON text with the engine's own spacing: compare it without. */
function compactJson(text: string): string {
  return /^[[{]/.test(text) ? JSON.stringify(JSON.parse(text)) : text;
}

export function driverConformance(engine: DriverUnderTest): void {
  const skip = engine.skip ?? {};
  const drivers: Driver[] = [];
  const open = async (options?: OpenOptions) => {
    const d = await engine.open(options);
    drivers.push(d);
    return d;
  };
  afterAll(async () => {
    for (const d of drivers) await d.close();
  });
  const it = (name: string, fn: () => Promise<void>, timeout?: number) => {
    const reason = skip[name];
    if (reason) test.skip(`${name} (skipped on ${engine.name}: ${reason})`, fn);
    else test(name, fn, timeout);
  };

  /** A table with one column of each kind, plus bytes. */
  async function kindsTable(d: Driver, name: string): Promise<void> {
    const c = d.dialect.columnType;
    await d.exec(
      d.dialect.createTableSql(name, [
        ["id", c("primaryKey")],
        ["txt", c("text")],
        ["num", c("number")],
        ["flag", c("bool")],
        ["data", c("json")],
        ["list", c("jsonArray")],
        ["geo", c("geoPoint")],
        ["bytes", `${bytesType[d.dialect.name]} DEFAULT NULL`],
      ]),
    );
  }

  describe(`${engine.name} driver conformance`, () => {
    it("binds every SqlValue type and reads it back as SQLite does", async () => {
      const d = await open();
      await kindsTable(d, "values_t");
      const insert = (id: string, txt: string, num: number | bigint, flag: boolean | number, data: string | null) =>
        d.run(
          sql`INSERT INTO values_t (id, txt, num, flag, data, list, bytes) VALUES (${id}, ${txt}, ${num}, ${flag}, ${data}, ${'["a","b"]'}, ${new Uint8Array([0, 1, 255])})`,
        );
      expect(await insert("a", "héllo 'quoted' \\ %", 1.5, true, '{"k":[1,2]}')).toEqual({ changes: 1 });
      await insert("b", "", 42, false, null);
      await insert("c", "x", 9007199254740993n, 1, "5");
      await insert("d", "y", -0.25, 0, '"s"');
      const rows = await d.all<Record<string, unknown>>(sql`SELECT * FROM values_t ORDER BY id`);
      expect(rows.map((r) => r.txt)).toEqual(["héllo 'quoted' \\ %", "", "x", "y"]);
      expect(rows.map((r) => r.num)).toEqual([1.5, 42, 9007199254740992, -0.25]);
      expect(rows.map((r) => r.flag)).toEqual([1, 0, 1, 0]);
      expect(rows.map((r) => (r.data === null ? null : JSON.parse(String(r.data))))).toEqual([
        { k: [1, 2] },
        null,
        5,
        "s",
      ]);
      expect(JSON.parse(String(rows[0]?.list))).toEqual(["a", "b"]);
      expect(JSON.parse(String(rows[0]?.geo))).toEqual({ lon: 0, lat: 0 });
      expect(new Uint8Array(rows[0]?.bytes as Uint8Array)).toEqual(new Uint8Array([0, 1, 255]));
      const count = await d.get<{ n: unknown }>(sql`SELECT COUNT(*) AS n FROM values_t WHERE num > ${1}`);
      expect(count).toEqual({ n: 3 });
      // a parameter compared with a column takes the column's type: text, numbers, booleans
      expect(await d.all(sql`SELECT id FROM values_t WHERE txt = ${"x"} AND num >= ${"9e15"}`)).toEqual([{ id: "c" }]);
      expect(await d.all(sql`SELECT id FROM values_t WHERE flag = ${true} ORDER BY id`)).toEqual([
        { id: "a" },
        { id: "c" },
      ]);
      expect(await d.get(sql`SELECT id FROM values_t WHERE flag = ${0} AND txt = ${""}`)).toEqual({ id: "b" });
      expect(await d.get(sql`SELECT id FROM values_t WHERE id = ${"nope"}`)).toBeUndefined();
    });

    it("finds texts in a list the same whether it goes a parameter each or as one", async () => {
      const d = await open();
      await d.exec(d.dialect.createTableSql("in_t", [["id", d.dialect.columnType("primaryKey")]]));
      const stored = ["plain", "", 'with "quotes"', "back\\slash", "{braces},comma", "a\ud800", "héllo 🙂", "  "];
      for (const id of stored) await d.run(sql`INSERT INTO in_t (id) VALUES (${id})`);
      // a lone surrogate travels as U+FFFD, asked either way
      const asked = [...stored, "a\ufffd", "missing"];
      const found = async (list: Sql) =>
        (await d.all<{ id: string }>(sql`SELECT id FROM in_t WHERE ${list} ORDER BY id`)).map((r) => r.id);
      const each = await found(textIn(d.dialect, sql`id`, asked));
      expect(each.length).toBe(stored.length);
      expect(await found(d.dialect.inTextList(sql`id`, asked))).toEqual(each);
      for (const v of asked)
        expect(await found(d.dialect.inTextList(sql`id`, [v]))).toEqual(await found(textIn(d.dialect, sql`id`, [v])));
      const many = [...asked, ...Array.from({ length: inlineTextValues }, (_, i) => `filler ${i}`)];
      expect(await found(textIn(d.dialect, sql`id`, many))).toEqual(each);
      // a text holding NUL is asked for too (PostgreSQL refuses it as a parameter of its own: stores none)
      expect(await found(d.dialect.inTextList(sql`id`, [...asked, "nul\0"]))).toEqual(each);
      expect(await found(d.dialect.inTextList(sql`id`, []))).toEqual([]);
    });

    it("takes pre-rendered text with the dialect's placeholders", async () => {
      const d = await open();
      await d.exec(d.dialect.createTableSql("text_t", [["id", d.dialect.columnType("primaryKey")]]));
      const p = (n: number) => d.dialect.placeholder(n);
      const q = (name: string) => d.dialect.quote(name);
      await d.run(`INSERT INTO ${q("text_t")} (${q("id")}) VALUES (${p(1)}), (${p(2)})`, ["a", "b"]);
      expect(
        await d.all(`SELECT ${q("id")} FROM ${q("text_t")} WHERE ${q("id")} IN (${p(1)}, ${p(2)}) ORDER BY 1`, [
          "b",
          "a",
        ]),
      ).toEqual([{ id: "a" }, { id: "b" }]);
      expect(d.dialect.render(sql`SELECT ${1}, ${ident("x")}, ${"y"}`)).toEqual({
        text: `SELECT ${p(1)}, ${q("x")}, ${p(2)}`,
        params: [1, "y"],
      });
    });

    it("counts changes and runs several statements in one exec", async () => {
      const d = await open();
      const q = d.dialect.quote;
      await d.exec(
        `CREATE TABLE ${q("changes_t")} (${q("id")} TEXT PRIMARY KEY, ${q("n")} INTEGER); INSERT INTO ${q("changes_t")} VALUES ('a', 1); INSERT INTO ${q("changes_t")} VALUES ('b', 2)`,
      );
      expect(await d.run(sql`UPDATE ${ident("changes_t")} SET ${ident("n")} = ${5}`)).toEqual({ changes: 2 });
      expect(await d.run(sql`DELETE FROM ${ident("changes_t")} WHERE ${ident("id")} = ${"zz"}`)).toEqual({
        changes: 0,
      });
    });

    it("reads JSON items, paths and lengths as SQLite's json functions do", async () => {
      const d = await open();
      await kindsTable(d, "json_t");
      const rows: [string, string, string | null, string][] = [
        ["a", "plain", '{"a":{"b":[10,"x",null]}}', '["p","q"]'],
        ["b", "", null, "[]"],
        ["c", '["t1","t2"]', "[1,2,3]", '["only"]'],
        ["d", "5", '"str"', '["a",{"n":1}]'],
      ];
      for (const [id, txt, data, list] of rows)
        await d.run(sql`INSERT INTO json_t (id, txt, data, list) VALUES (${id}, ${txt}, ${data}, ${list})`);
      const each = async (column: string) => {
        const out: Record<string, unknown[]> = {};
        for (const [id] of rows) {
          const items = await d.all<{ value: unknown }>(
            sql`SELECT je.value AS value FROM json_t, ${d.dialect.jsonEach(sql`json_t.${ident(column)}`)} je WHERE json_t.id = ${id}`,
          );
          out[id] = items.map((r) => (r.value === null ? null : compactJson(String(r.value))));
        }
        return out;
      };
      expect(await each("list")).toEqual({ a: ["p", "q"], b: [], c: ["only"], d: ["a", '{"n":1}'] });
      expect(await each("txt")).toEqual({ a: ["plain"], b: [""], c: ["t1", "t2"], d: ["5"] });
      const one = async (expr: Sql, id: string) =>
        (await d.get<{ v: unknown }>(sql`SELECT ${expr} AS v FROM json_t WHERE id = ${id}`))?.v;
      const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
      const data = sql`json_t.data`;
      expect(text(await one(d.dialect.jsonExtract(data, ".a.b[1]"), "a"))).toBe("x");
      expect(text(await one(d.dialect.jsonExtract(data, ".a.b[0]"), "a"))).toBe("10");
      expect(await one(d.dialect.jsonExtract(data, ".a.b[2]"), "a")).toBeNull();
      expect(await one(d.dialect.jsonExtract(data, ".missing"), "a")).toBeNull();
      expect(await one(d.dialect.jsonExtract(data, ""), "d")).toBe("str");
      expect(await one(d.dialect.jsonExtract(sql`json_t.txt`, ""), "a")).toBe("plain");
      expect(await one(d.dialect.jsonExtract(sql`json_t.txt`, ".a"), "a")).toBeNull();
      expect(text(await one(d.dialect.jsonExtract(sql`json_t.txt`, "[1]"), "c"))).toBe("t2");
      // a list or an object reads as compact JSON, blanks inside its strings kept, booleans as 1 and 0
      // (its keys in JSONB's order: PostgreSQL keeps no other)
      const nested = '{"o":{"q":"\\\\","s":"a, b: c","t":[1,{"u":"x: y \\", z"}]},"f":true}';
      await d.run(sql`INSERT INTO json_t (id, txt, data, list) VALUES (${"e"}, ${""}, ${nested}, ${"[]"})`);
      expect(text(await one(d.dialect.jsonExtract(data, ".o"), "e"))).toBe(JSON.stringify(JSON.parse(nested).o));
      expect(text(await one(d.dialect.jsonExtract(data, ".o.t"), "e"))).toBe('[1,{"u":"x: y \\", z"}]');
      expect(text(await one(d.dialect.jsonExtract(data, ".f"), "e"))).toBe("1");
      const len = (col: string, id: string) => one(d.dialect.jsonLength(sql`json_t.${ident(col)}`), id);
      expect([await len("list", "a"), await len("list", "b"), await len("list", "d")]).toEqual([2, 0, 2]);
      expect([await len("txt", "a"), await len("txt", "b"), await len("txt", "c")]).toEqual([1, 0, 2]);
      expect([await len("data", "b"), await len("data", "d"), await len("num", "a")]).toEqual([0, 1, 1]);
      const arrLen = (col: string, id: string) =>
        one(raw(d.dialect.jsonArrayLength(`json_t.${d.dialect.quote(col)}`)), id);
      expect([await arrLen("list", "c"), await arrLen("txt", "a"), await arrLen("data", "a")]).toEqual([1, 0, 0]);
      const contains = async (col: string, value: string) =>
        (
          await d.all<{ id: string }>(
            sql`SELECT id FROM json_t WHERE ${d.dialect.jsonArrayContains(sql`json_t.${ident(col)}`, sql`${value}`)} ORDER BY id`,
          )
        ).map((r) => r.id);
      expect(await contains("list", "q")).toEqual(["a"]);
      expect(await contains("list", "a")).toEqual(["d"]);
      expect(await contains("list", "zz")).toEqual([]);
      expect(await contains("txt", "plain")).toEqual(["a"]);
      expect(await contains("txt", "t2")).toEqual(["c"]);
    });

    it("formats dates as SQLite's strftime", async () => {
      const d = await open();
      for (const c of strftimeCases) {
        const args = c.slice(0, -1).map((a) => sql`${a}`);
        const row = await d.get<{ v: unknown }>(sql`SELECT ${d.dialect.strftime(args)} AS v`);
        expect([...c.slice(0, -1), row?.v]).toEqual(c);
      }
      const year = String(new Date().getUTCFullYear());
      expect((await d.get(sql`SELECT ${d.dialect.strftime([sql`${"%Y"}`])} AS v`))?.v).toBe(year);
      expect((await d.get(sql`SELECT ${d.dialect.strftime([sql`${"%Y"}`, sql`${"now"}`])} AS v`))?.v).toBe(year);
      // the time value from a column
      await d.exec(d.dialect.createTableSql("dates_t", [["created", d.dialect.columnType("text")]]));
      await d.run(sql`INSERT INTO dates_t (created) VALUES (${"2024-05-06 07:08:09.123Z"})`);
      const fmt = d.dialect.strftime([sql`${"%Y/%m %H"}`, sql`dates_t.created`, sql`${"+1 day"}`]);
      expect(await d.get(sql`SELECT ${fmt} AS v FROM dates_t`)).toEqual({ v: "2024/05 07" });
      expect(await d.get(sql`SELECT COUNT(*) AS n FROM dates_t WHERE ${fmt} = ${"2024/05 07"}`)).toEqual({ n: 1 });
    });

    it("truncates to the hour, also in an index", async () => {
      const d = await open();
      await d.exec(d.dialect.createTableSql("hours_t", [["created", d.dialect.columnType("text")]]));
      const bucket = d.dialect.hourBucket(d.dialect.quote("created"));
      await d.exec(`CREATE INDEX idx_hours_t ON ${d.dialect.quote("hours_t")} (${bucket})`);
      await d.run(sql`INSERT INTO hours_t (created) VALUES (${"2024-01-02 10:11:12.000Z"}), (${"bad"})`);
      expect(await d.all(`SELECT ${bucket} AS h FROM ${d.dialect.quote("hours_t")} ORDER BY created`)).toEqual([
        { h: "2024-01-02 10:00:00" },
        { h: null },
      ]);
    });

    it("computes great-circle distances from numbers and JSON values", async () => {
      const d = await open();
      await kindsTable(d, "geo_t");
      await d.run(sql`INSERT INTO geo_t (id, geo) VALUES (${"a"}, ${'{"lon":23.32,"lat":42.69}'})`);
      const lon = d.dialect.jsonExtract(sql`geo`, ".lon");
      const lat = d.dialect.jsonExtract(sql`geo`, ".lat");
      const row = await d.get<{ v: number }>(
        sql`SELECT ${d.dialect.geoDistance(lon, lat, sql`${24.75}`, sql`${42.15}`)} AS v FROM geo_t`,
      );
      expect(row?.v).toBeCloseTo(131.85, 1);
      const equator = await d.get<{ v: number }>(
        sql`SELECT ${d.dialect.geoDistance(sql`${0}`, sql`${0}`, sql`${1}`, sql`${0}`)} AS v`,
      );
      expect(equator?.v).toBeCloseTo(111.19, 1);
    });

    it("matches LIKE without case, ignores case and writes booleans", async () => {
      const d = await open();
      await kindsTable(d, "ops_t");
      await d.run(
        sql`INSERT INTO ops_t (id, txt, flag) VALUES (${"a"}, ${"xABy"}, ${true}), (${"b"}, ${"50%"}, ${false})`,
      );
      const like = async (pattern: string, not = false) =>
        (
          await d.all<{ id: string }>(
            sql`SELECT id FROM ops_t WHERE ${d.dialect.like({ sql: sql`txt`, type: "text", column: true }, sql`${pattern}`, not)} ORDER BY id`,
          )
        ).map((r) => r.id);
      expect(await like("%ab%")).toEqual(["a"]);
      expect(await like("%ab%", true)).toEqual(["b"]);
      expect(await like("%0\\%")).toEqual(["b"]);
      expect(await like("x_By")).toEqual(["a"]);
      expect(await d.get(sql`SELECT id FROM ops_t WHERE ${d.dialect.equalNocase(sql`txt`, sql`${"XABY"}`)}`)).toEqual({
        id: "a",
      });
      expect(await d.all(`SELECT id FROM ops_t WHERE flag = ${d.dialect.boolLiteral(false)}`)).toEqual([{ id: "b" }]);
    });

    it("orders at random and by the row's place", async () => {
      const d = await open();
      await kindsTable(d, "order_t");
      for (const id of ["m", "c", "x", "a"]) await d.run(sql`INSERT INTO order_t (id) VALUES (${id})`);
      const byRowid = await d.all<{ id: string }>(`SELECT id FROM order_t ORDER BY ${d.dialect.rowid("order_t")} ASC`);
      expect(byRowid.map((r) => r.id)).toEqual(["m", "c", "x", "a"]);
      expect(await d.get(`SELECT COUNT(DISTINCT ${d.dialect.rowid("order_t")}) AS n FROM order_t`)).toEqual({ n: 4 });
      const random = await d.all<{ id: string }>(`SELECT id FROM order_t ORDER BY ${d.dialect.randomOrder()}`);
      expect(random.map((r) => r.id).sort()).toEqual(["a", "c", "m", "x"]);
    });

    it("reports unique violations with their table and columns", async () => {
      const d = await open();
      await kindsTable(d, "uniq_t");
      const index = (text: string) => d.dialect.createIndexSql(parseIndex(text));
      await d.exec(index("CREATE UNIQUE INDEX `idx_uniq_txt` ON `uniq_t` (`txt` COLLATE NOCASE) WHERE `txt` != ''"));
      await d.exec(index("CREATE UNIQUE INDEX idx_uniq_pair ON uniq_t (num, flag)"));
      await d.run(sql`INSERT INTO uniq_t (id, txt, num, flag) VALUES (${"a"}, ${"Mail@x.io"}, ${1}, ${true})`);
      const failure = async (query: Sql) => {
        try {
          await d.run(query);
        } catch (err) {
          return err;
        }
        throw new Error("the statement should have failed");
      };
      const byCase = await failure(sql`INSERT INTO uniq_t (id, txt) VALUES (${"b"}, ${"mail@X.IO"})`);
      expect(d.dialect.uniqueViolation(byCase)).toEqual({ table: "uniq_t", columns: ["txt"] });
      const pair = await failure(sql`INSERT INTO uniq_t (id, num, flag) VALUES (${"c"}, ${1}, ${1})`);
      expect(d.dialect.uniqueViolation(pair)).toEqual({ table: "uniq_t", columns: ["num", "flag"] });
      const pk = await failure(sql`INSERT INTO uniq_t (id) VALUES (${"a"})`);
      expect(d.dialect.uniqueViolation(pk)).toEqual({ table: "uniq_t", columns: ["id"] });
      // empty text is outside the partial index: two rows may have it
      await d.run(sql`INSERT INTO uniq_t (id, txt, num) VALUES (${"d"}, ${""}, ${2}), (${"e"}, ${""}, ${3})`);
      const other = await failure(sql`INSERT INTO no_such_table (id) VALUES (${"a"})`);
      expect(d.dialect.uniqueViolation(other)).toBeNull();
      expect(d.dialect.uniqueViolation("not an error")).toBeNull();
    });

    it("creates, alters, lists and drops tables, columns, views and indexes", async () => {
      const d = await open();
      const dl = d.dialect;
      const c = dl.columnType;
      const typeName = (kind: Parameters<typeof c>[0]) =>
        (c(kind).split(/ DEFAULT | PRIMARY | COLLATE /)[0] ?? "").toLowerCase();
      await d.exec(
        dl.createTableSql("ddl_t", [
          ["id", c("primaryKey")],
          ["title", c("text")],
          ["n", c("number")],
        ]),
      );
      const tables = async () => {
        const rows = await d.all<{ name: string; type: string }>(dl.listTablesSql().text, dl.listTablesSql().params);
        return Object.fromEntries(rows.filter((r) => r.name.startsWith("ddl_")).map((r) => [r.name, r.type]));
      };
      const columns = async (table: string) => {
        const st = dl.tableColumnsSql(table);
        return dl.tableColumns(await d.all(st.text, st.params));
      };
      expect(await tables()).toEqual({ ddl_t: "table" });
      expect((await columns("ddl_t")).map(({ name, notNull, primaryKey }) => [name, notNull, primaryKey])).toEqual([
        ["id", true, true],
        ["title", true, false],
        ["n", true, false],
      ]);
      expect((await columns("ddl_t")).map((col) => col.type.toLowerCase())).toEqual([
        typeName("primaryKey"),
        typeName("text"),
        typeName("number"),
      ]);
      await d.exec(dl.addColumnSql("ddl_t", "extra", c("bool")));
      await d.exec(dl.renameColumnSql("ddl_t", "title", "name"));
      await d.exec(dl.dropColumnSql("ddl_t", "n"));
      expect((await columns("ddl_t")).map((col) => col.name)).toEqual(["id", "name", "extra"]);
      await d.run(sql`INSERT INTO ddl_t (id, name) VALUES (${"r1"}, ${"first"})`);
      expect(await d.get(sql`SELECT extra FROM ddl_t`)).toEqual({ extra: 0 });

      await d.exec(dl.createIndexSql(parseIndex("CREATE INDEX `idx_ddl_name` ON `ddl_t` (`name` DESC)")));
      const indexes = async () => {
        const st = dl.tableIndexesSql("ddl_t");
        return (await d.all<{ name: string; sql: string }>(st.text, st.params)).map((r) => r.name);
      };
      expect(await indexes()).toEqual(["idx_ddl_name"]);
      const all = await d.all<{ name: string; table: string }>(dl.listIndexesSql().text, dl.listIndexesSql().params);
      expect(all.filter((r) => r.name === "idx_ddl_name")).toEqual([{ name: "idx_ddl_name", table: "ddl_t" }]);

      await d.exec(
        dl.createViewSql("ddl_v", `SELECT ${dl.quote("id")}, ${dl.quote("name")} FROM ${dl.quote("ddl_t")}`),
      );
      expect(await tables()).toEqual({ ddl_t: "table", ddl_v: "view" });
      expect((await columns("ddl_v")).map((col) => col.name)).toEqual(["id", "name"]);
      expect(await d.all(sql`SELECT * FROM ddl_v`)).toEqual([{ id: "r1", name: "first" }]);
      const views = await d.all<{ name: string; sql: string }>(dl.listViewsSql().text, dl.listViewsSql().params);
      const view = views.find((v) => v.name === "ddl_v");
      expect(view).toBeDefined();
      await d.exec(dl.dropViewSql("ddl_v"));
      expect(await tables()).toEqual({ ddl_t: "table" });
      // the listed statement re-creates the view
      await d.exec(view?.sql ?? "");
      expect(await d.all(sql`SELECT * FROM ddl_v`)).toEqual([{ id: "r1", name: "first" }]);
      await d.exec(dl.dropViewSql("ddl_v"));

      await d.exec(dl.renameTableSql("ddl_t", "ddl_renamed"));
      expect(await tables()).toEqual({ ddl_renamed: "table" });
      await d.exec(dl.dropIndexSql("idx_ddl_name"));
      await d.exec(dl.dropIndexSql("idx_ddl_name"));
      await d.exec(dl.dropTableSql("ddl_renamed"));
      await d.exec(dl.dropTableSql("ddl_renamed"));
      expect(await tables()).toEqual({});
      await d.exec(dl.optimizeSql());
    });

    it("converts columns between one value and a list", async () => {
      const d = await open();
      const dl = d.dialect;
      await d.exec(
        dl.createTableSql("conv_t", [
          ["id", dl.columnType("primaryKey")],
          ["one", dl.columnType("text")],
          ["many", dl.columnType("jsonArray")],
        ]),
      );
      await d.run(
        sql`INSERT INTO conv_t (id, one, many) VALUES (${"a"}, ${"x"}, ${'["p","q"]'}), (${"b"}, ${""}, ${"[]"}), (${"c"}, ${'["y","z"]'}, ${'["only"]'})`,
      );
      await d.exec(dl.addColumnSql("conv_t", "one_list", dl.columnType("jsonArray")));
      await d.exec(dl.scalarToArraySql("conv_t", "one_list", "one"));
      await d.exec(dl.addColumnSql("conv_t", "many_one", dl.columnType("text")));
      await d.exec(dl.arrayToScalarSql("conv_t", "many_one", "many"));
      const rows = await d.all<{ one_list: string; many_one: string }>(
        sql`SELECT one_list, many_one FROM conv_t ORDER BY id`,
      );
      expect(rows.map((r) => JSON.parse(r.one_list))).toEqual([["x"], [], ["y", "z"]]);
      expect(rows.map((r) => r.many_one)).toEqual(["q", "", "only"]);
    });

    it("commits, rolls back and nests transactions as savepoints", async () => {
      const d = await open();
      await kindsTable(d, "tx_t");
      const ids = async () => (await d.all<{ id: string }>(sql`SELECT id FROM tx_t ORDER BY id`)).map((r) => r.id);
      expect(
        await d.transaction(async (tx) => {
          await tx.run(sql`INSERT INTO tx_t (id) VALUES (${"a"})`);
          expect(tx.isTransaction).toBe(true);
          return "done";
        }),
      ).toBe("done");
      await expect(
        d.transaction(async (tx) => {
          await tx.run(sql`INSERT INTO tx_t (id) VALUES (${"b"})`);
          await Bun.sleep(1);
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await ids()).toEqual(["a"]);
      await d.transaction(async (tx) => {
        await tx.run(sql`INSERT INTO tx_t (id) VALUES (${"c"})`);
        await expect(
          tx.transaction(async (inner) => {
            await inner.run(sql`INSERT INTO tx_t (id) VALUES (${"d"})`);
            throw new Error("inner");
          }),
        ).rejects.toThrow("inner");
        await tx.transaction(async (inner) => {
          await inner.run(sql`INSERT INTO tx_t (id) VALUES (${"e"})`);
        });
        // the transaction sees its own writes; reads outside it don't, until it commits
        expect((await tx.all<{ id: string }>(sql`SELECT id FROM tx_t ORDER BY id`)).map((r) => r.id)).toEqual([
          "a",
          "c",
          "e",
        ]);
        expect(await ids()).toEqual(["a"]);
      });
      expect(await ids()).toEqual(["a", "c", "e"]);
    });

    it("keeps a transaction going after one of its statements failed", async () => {
      const d = await open();
      await kindsTable(d, "stmt_t");
      await d.transaction(async (tx) => {
        await tx.run(sql`INSERT INTO stmt_t (id) VALUES (${"a"})`);
        await expect(tx.run(sql`INSERT INTO stmt_t (id) VALUES (${"a"})`)).rejects.toThrow();
        await expect(tx.exec("CREATE INDEX broken ON no_such_table (x)")).rejects.toThrow();
        await tx.run(sql`INSERT INTO stmt_t (id) VALUES (${"b"})`);
      });
      expect(await d.all(sql`SELECT id FROM stmt_t ORDER BY id`)).toEqual([{ id: "a" }, { id: "b" }]);
    });

    it("serializes writes and transactions: none interleaves with a transaction", async () => {
      const d = await open();
      await kindsTable(d, "serial_t");
      await d.run(sql`INSERT INTO serial_t (id, num) VALUES (${"counter"}, ${0})`);
      const events: string[] = [];
      const increment = (name: string) =>
        d.transaction(async (tx) => {
          const row = await tx.get<{ num: number }>(sql`SELECT num FROM serial_t WHERE id = ${"counter"}`);
          await Bun.sleep(5);
          await tx.run(sql`UPDATE serial_t SET num = ${(row?.num ?? 0) + 1} WHERE id = ${"counter"}`);
          events.push(name);
        });
      const lone = (async () => {
        await Bun.sleep(1);
        await d.run(sql`INSERT INTO serial_t (id) VALUES (${"lone"})`);
        events.push("lone");
      })();
      await Promise.all([increment("t1"), increment("t2"), increment("t3"), lone]);
      // read-then-write in each transaction lost no update
      expect(await d.get(sql`SELECT num FROM serial_t WHERE id = ${"counter"}`)).toEqual({ num: 3 });
      expect(events.indexOf("lone")).toBeGreaterThan(0);
      await d.transaction(async () => {});
      const finished = await d.transaction(async (tx) => tx);
      await expect(finished.run(sql`SELECT 1`)).rejects.toThrow("already finished");
    });

    it("stops an isolated read at the timeout while other statements keep running", async () => {
      const d = await open({ queryTimeoutMs: 1000 });
      const started = performance.now();
      const pending = d.all(endless, [], { isolate: true });
      expect(await d.all(sql`SELECT ${"ok"} AS v`)).toEqual([{ v: "ok" }]);
      await expect(pending).rejects.toBeInstanceOf(QueryTimeoutError);
      expect(performance.now() - started).toBeLessThan(8000);
      // a reader replaced after the stop keeps working (on a loaded machine its start may outlast one timeout)
      const again = () => d.all(sql`SELECT ${"again"} AS v`, undefined, { isolate: true });
      expect(await again().catch(again)).toEqual([{ v: "again" }]);
    });

    it("gives each requester one isolated read at a time", async () => {
      const d = await open({ queryTimeoutMs: 20_000, maxReaders: 3 });
      const scope = (requester: string, ms = 6000): QueryOptions => ({
        isolate: true,
        scope: { requester, deadline: performance.now() + ms },
      });
      const failure = (p: Promise<unknown>) =>
        p.then(
          () => null,
          (err: unknown) => err,
        );
      const attacker = scope("attacker");
      const runaway = [1, 2, 3].map(() => failure(d.all(endless, [], attacker)));
      const others = [scope("x")].map((s) => failure(d.all(endless, [], s)));
      await Bun.sleep(100);
      const started = performance.now();
      expect(await d.all(sql`SELECT ${"v"} AS v`, undefined, scope("victim"))).toEqual([{ v: "v" }]);
      // well before the runaway reads' deadline, when a queued read would have its turn
      expect(performance.now() - started).toBeLessThan(4000);
      for (const err of await Promise.all([...runaway, ...others])) expect(err).toBeInstanceOf(QueryTimeoutError);
    });

    it("shares one deadline between a request's reads", async () => {
      const d = await open({ queryTimeoutMs: 20_000 });
      const scope = { requester: "r", deadline: performance.now() + 400 };
      const started = performance.now();
      await expect(d.all(endless, [], { isolate: true, scope })).rejects.toBeInstanceOf(QueryTimeoutError);
      expect(performance.now() - started).toBeLessThan(5000);
      await expect(d.all(sql`SELECT 1 AS one`, undefined, { isolate: true, scope })).rejects.toBeInstanceOf(
        QueryTimeoutError,
      );
      await expect(d.all(sql`SELECT 1 AS one`, undefined, { scope })).rejects.toBeInstanceOf(QueryTimeoutError);
      expect(await d.all(sql`SELECT 1 AS one`, undefined, { isolate: true })).toEqual([{ one: 1 }]);
      // inside a transaction an isolated read runs in the transaction, and sees its writes
      await kindsTable(d, "iso_t");
      await d.transaction(async (tx) => {
        await tx.run(sql`INSERT INTO iso_t (id) VALUES (${"w"})`);
        expect(await tx.all(sql`SELECT id FROM iso_t`, undefined, { isolate: true })).toEqual([{ id: "w" }]);
      });
      expect(await d.all(sql`SELECT id FROM iso_t`, undefined, { isolate: true })).toEqual([{ id: "w" }]);
    });

    const queryMode: ScriptOptions = { mode: "query", maxRows: 1000, maxBytes: 1 << 20 };
    const execMode: ScriptOptions = { ...queryMode, mode: "exec" };

    it("runs scripts: the rows of the last statement that returned some, or the rows the last write changed", async () => {
      const d = await open();
      await d.exec("CREATE TABLE script_t (a INTEGER NOT NULL, b TEXT)");
      expect(
        await d.runScript(
          "INSERT INTO script_t (a, b) VALUES (1, 'x'), (2, NULL); INSERT INTO script_t (a) VALUES (3)",
          execMode,
        ),
      ).toEqual({ columns: [], rows: [], affectedRows: 1 });
      expect(await d.runScript("SELECT a, b FROM script_t ORDER BY a", queryMode)).toEqual({
        columns: [
          { name: "a", type: "INTEGER" },
          { name: "b", type: "TEXT" },
        ],
        rows: [
          [1n, "x"],
          [2n, null],
          [3n, null],
        ],
        affectedRows: 0,
      });
      expect((await d.runScript("SELECT a, b AS a FROM script_t WHERE a = 1", queryMode)).rows).toEqual([[1n, "x"]]);
      expect((await d.runScript("SELECT 1 AS x; SELECT 2 AS y", queryMode)).rows).toEqual([[2n]]);
      expect(await d.runScript("SELECT 1 AS x; DELETE FROM script_t WHERE a = 0", queryMode)).toEqual({
        columns: [],
        rows: [],
        affectedRows: 0,
      });
      // unless something follows the last statement, as with PocketBase's driver
      expect((await d.runScript("SELECT 1 AS x; DELETE FROM script_t WHERE a = 0; ", queryMode)).rows).toEqual([[1n]]);
      expect(await d.runScript("SELECT a FROM script_t WHERE a = 0", queryMode)).toEqual({
        columns: [{ name: "a", type: "INTEGER" }],
        rows: [],
        affectedRows: 0,
      });
      const endlessScript = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c";
      expect((await d.runScript(endlessScript, { ...queryMode, maxRows: 3 })).rows).toEqual([[1n], [2n], [3n]]);
      await expect(
        d.runScript("INSERT INTO script_t (a) VALUES (4); INSERT INTO script_t (a) VALUES (NULL)", execMode),
      ).rejects.toBeInstanceOf(ScriptError);
      expect((await d.runScript("SELECT count(*) AS n FROM script_t", queryMode)).rows).toEqual([[3n]]);
      expect((await d.runScript("UPDATE script_t SET b = 'y' WHERE a > 1", execMode)).affectedRows).toBe(2);
      await expect(d.runScript("SELEC 1", queryMode)).rejects.toBeInstanceOf(ScriptError);
      await expect(d.runScript("SELECT b FROM script_t", { ...queryMode, maxBytes: 2 })).rejects.toThrow(
        "the result is larger than",
      );
      // inside a transaction a script runs in it; a failed one is undone alone
      await d.transaction(async (tx) => {
        await tx.runScript("INSERT INTO script_t (a) VALUES (10)", execMode);
        await expect(
          tx.runScript("INSERT INTO script_t (a) VALUES (11); INSERT INTO script_t (a) VALUES (NULL)", execMode),
        ).rejects.toBeInstanceOf(ScriptError);
        expect((await tx.runScript("SELECT a FROM script_t WHERE a >= 10", queryMode)).rows).toEqual([[10n]]);
      });
      expect((await d.runScript("SELECT count(*) AS n FROM script_t", queryMode)).rows).toEqual([[4n]]);
    });

    it("stops a script at its time limit and keeps serving", async () => {
      const d = await open({ scriptTimeoutMs: 500 });
      await d.exec("CREATE TABLE script_limit_t (x INTEGER)");
      const forever = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)";
      const started = performance.now();
      const limit = "the script ran past the 0.5s time limit and was stopped";
      await expect(d.runScript(`${forever} SELECT count(*) FROM c`, queryMode)).rejects.toThrow(limit);
      await expect(
        d.runScript(
          `INSERT INTO script_limit_t (x) VALUES (0); ${forever} INSERT INTO script_limit_t SELECT x FROM c`,
          execMode,
        ),
      ).rejects.toThrow(limit);
      expect(performance.now() - started).toBeLessThan(5000);
      // the stopped write is rolled back and the writer is free
      await d.run(sql`INSERT INTO ${ident("script_limit_t")} (${ident("x")}) VALUES (${1})`);
      expect(await d.all(sql`SELECT ${ident("x")} AS x FROM ${ident("script_limit_t")}`)).toEqual([{ x: 1 }]);
    });

    it("optimizes the database while it serves", async () => {
      const d = await open();
      await kindsTable(d, "optimize_t");
      await d.run(sql`INSERT INTO optimize_t (id) VALUES (${"a"})`);
      await d.optimize();
      expect(await d.all(sql`SELECT id FROM optimize_t`)).toEqual([{ id: "a" }]);
    });

    it("copies the committed database into a new file while a transaction holds writes", async () => {
      const d = await open();
      await kindsTable(d, "backup_t");
      await d.run(sql`INSERT INTO ${ident("backup_t")} (${ident("id")}) VALUES (${"a"})`);
      const dir = mkdtempSync(join(tmpdir(), "satchel-backup-to-"));
      const dest = join(dir, "copy.db");
      try {
        await d.transaction(async (tx) => {
          await tx.run(sql`INSERT INTO ${ident("backup_t")} (${ident("id")}) VALUES (${"b"})`);
          if (engine.openCopy) await d.backupTo(dest);
          // a database on a server is backed up row by row from a snapshot (openSnapshot), not as a file
          else await expect(d.backupTo(dest)).rejects.toThrow("openSnapshot");
        });
        if (!engine.openCopy) return;
        await expect(d.backupTo(dest)).rejects.toThrow();
        const copy = await engine.openCopy(dest);
        try {
          expect(await copy.all(sql`SELECT ${ident("id")} AS id FROM ${ident("backup_t")}`)).toEqual([{ id: "a" }]);
        } finally {
          await copy.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("a snapshot reads the state committed when it opened, whole or in batches, while writes go on", async () => {
      const d = await open();
      await kindsTable(d, "snapshot_t");
      for (const id of ["a", "b", "c"])
        await d.run(sql`INSERT INTO ${ident("snapshot_t")} (${ident("id")}) VALUES (${id})`);
      expect(d.isFile).toBe(Boolean(engine.openCopy));
      const snapshot = await d.openSnapshot();
      try {
        // neither a committed write nor a transaction waits for the snapshot, nor shows in it
        await d.run(sql`DELETE FROM ${ident("snapshot_t")} WHERE ${ident("id")} = ${"a"}`);
        await d.transaction((tx) => tx.run(sql`INSERT INTO ${ident("snapshot_t")} (${ident("id")}) VALUES (${"d"})`));
        const ids = sql`SELECT ${ident("id")} AS id FROM ${ident("snapshot_t")} ORDER BY ${ident("id")}`;
        expect(await snapshot.all(ids)).toEqual([{ id: "a" }, { id: "b" }, { id: "c" }]);
        const batches: string[][] = [];
        await snapshot.each(d.dialect.render(ids).text, 2, async (rows) => {
          batches.push(rows.map((r) => String(r.id)));
        });
        expect(batches).toEqual([["a", "b"], ["c"]]);
        expect(await d.all(ids)).toEqual([{ id: "b" }, { id: "c" }, { id: "d" }]);
      } finally {
        await snapshot.close();
      }
      await snapshot.close();
    });

    it("inserts packed rows in the background, a refused row costing only itself", async () => {
      const d = await open();
      await d.exec("CREATE TABLE packed_t (id TEXT PRIMARY KEY NOT NULL, n REAL NOT NULL, v TEXT NOT NULL)");
      // text with what array literals, CSV-like and SQL formats treat specially
      const value = (i: number) => (i % 2 === 0 ? `héllo ✓ 🎉 ${i}` : i % 4 === 1 ? `"q" \\ {a,b} NULL 'x'\t\n` : "");
      const pack = (ids: readonly number[]): PackedRows => {
        const w = new PackedRowsWriter(["text", "number", "text"], { maxBytes: 1 << 20 });
        for (const i of ids) {
          w.text(`r${String(i).padStart(4, "0")}`);
          w.number(i + 0.5);
          w.text(value(i));
          w.endRow();
        }
        return w.take();
      };
      const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
      // 263 rows take every statement size (200, 50, 10, 1); 3 are few enough to be written inline
      await Promise.all([
        d.insertRowsInBackground("packed_t", ["id", "n", "v"], pack(ids(0, 263))),
        d.insertRowsInBackground("packed_t", ["id", "n", "v"], pack(ids(263, 3))),
      ]);
      const stored = await d.all<{ id: string; n: number; v: string }>(sql`SELECT id, n, v FROM packed_t ORDER BY id`);
      expect(stored).toEqual(
        ids(0, 266).map((i) => ({
          id: `r${String(i).padStart(4, "0")}`,
          n: i + 0.5,
          v: value(i),
        })),
      );
      // a refused row (a duplicate id) is left out, the rest of its batch written
      // (the failure is awaited as a value: Bun 1.4.5's `expect(p).rejects` hung on this worker's rejection)
      const refused = await d.insertRowsInBackground("packed_t", ["id", "n", "v"], pack([...ids(1000, 99), 5])).then(
        () => null,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(RowsRefusedError);
      expect(String(refused)).toMatch(/1 of 100 rows refused.*(unique|duplicate)/i);
      expect(await d.get(sql`SELECT COUNT(*) AS n FROM packed_t`)).toEqual({ n: 365 });
      const unnamed = await d.insertRowsInBackground("packed_t", ["id", "n"], pack([2000])).then(
        () => null,
        (err: unknown) => err,
      );
      expect(String(unnamed)).toMatch(/columns/);
    });

    it("writes packed rows in one transaction: a refused row costs only itself, any other failure all", async () => {
      const d = await open();
      await d.exec("CREATE TABLE packed_tx (id TEXT PRIMARY KEY NOT NULL, v TEXT NOT NULL)");
      await d.exec("INSERT INTO packed_tx (id, v) VALUES ('a3', 'first')");
      const pack = (ids: readonly string[]): PackedRows => {
        const w = new PackedRowsWriter(["text", "text"], { maxBytes: 1 << 20 });
        for (const id of ids) {
          w.text(id);
          w.text(`v ${id}`);
          w.endRow();
        }
        return w.take();
      };
      const refused = await insertPackedRows(d, "packed_tx", ["id", "v"], pack(["a1", "a2", "a3", "a4", "a5"])).then(
        () => null,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(RowsRefusedError);
      expect((refused as RowsRefusedError).refused).toBe(1);
      expect(await d.all(sql`SELECT id, v FROM packed_tx ORDER BY id`)).toEqual(
        ["a1", "a2", "a3", "a4", "a5"].map((id) => ({ id, v: id === "a3" ? "first" : `v ${id}` })),
      );
      // a failure of the statement itself (no such table) is no row's: the batch fails whole, as it is
      const failed = await insertPackedRows(d, "packed_missing", ["id", "v"], pack(["b1", "b2", "b3"])).then(
        () => null,
        (err: unknown) => err,
      );
      expect(failed).toBeInstanceOf(Error);
      expect(failed).not.toBeInstanceOf(RowsRefusedError);
      expect(d.dialect.refusesRow(failed)).toBe(false);
      expect(d.dialect.refusesRow((refused as RowsRefusedError).cause)).toBe(true);
    });

    it("refuses statements once closed", async () => {
      const d = await engine.open();
      await d.close();
      await d.close();
      await expect(d.all(sql`SELECT 1 AS one`, undefined, { isolate: true })).rejects.toThrow();
      await expect(d.transaction(async () => {})).rejects.toThrow();
    });
  });
}
