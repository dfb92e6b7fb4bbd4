import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { functionsSql } from "../../src/db/postgres/functions.ts";
import { lcg, picker } from "./engine-pair.ts";
import { createTestDatabase, postgresUnavailable, skipNote, type TestDatabase } from "./postgres-server.ts";

// PostgreSQL's satchel_strftime against SQLite's strftime: format letters, time values and modifiers drawn at
// random (a seeded generator), each call's text (or NULL) the same. Left out, where SQLite's answers are its
// own accidents: years before 1 and after 9999, Julian day numbers past SQLite's range, and %J, whose last
// decimal SQLite rounds from a double.

const reason = postgresUnavailable();

const letters = ["%d", "%e", "%f", "%F", "%H", "%I", "%j", "%k", "%l", "%m", "%M", "%p", "%P", "%R", "%s"];
const moreLetters = ["%S", "%T", "%u", "%w", "%W", "%U", "%V", "%G", "%g", "%Y", "%%", "%Q", "x", "-", " "];
const times = [
  "2024-01-01",
  "2024-02-29 23:59:59.999",
  "2023-12-31T12:30:00Z",
  "2024-06-15 08:05:03.123Z",
  "2000-01-01 00:00:00",
  "1970-01-01",
  "2024-03-10 02:30",
  "12:34",
  "12:34:56.789",
  "2451545.0",
  "2460000.5",
  "bad",
  "",
  "2024-13-01",
  "2024-01-01 25:00",
  "2024-01-01+02:00",
  "2024-01-01 10:00:00-05:30",
  "2023-01-31",
];
const modifiers = [
  "+1 day",
  "-3 days",
  "+2 months",
  "-1 month",
  "+1 year",
  "+10 hours",
  "-90 minutes",
  "+30 seconds",
  "+1.5 days",
  "start of month",
  "start of year",
  "start of day",
  "weekday 0",
  "weekday 3",
  "utc",
  "localtime",
  "+12:00",
  "-01:30:00",
  "subsec",
  "bogus",
];

/** calls draws n strftime argument lists: a format of 1 to 4 pieces, a time value, up to 2 modifiers. */
function calls(seed: number, n: number): string[][] {
  const next = lcg(seed);
  const pick = picker(next);
  const pieces = [...letters, ...moreLetters];
  return Array.from({ length: n }, () => {
    const format = Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(pieces)).join(pick(["", " ", "/"]));
    return [format, pick(times), ...Array.from({ length: Math.floor(next() * 3) }, () => pick(modifiers))];
  });
}

if (reason) {
  skipNote("tests/db/postgres-strftime-agree.test.ts", reason);
  describe.skip(`strftime answers as SQLite's on PostgreSQL (skipped: ${reason})`, () => {
    test("needs a PostgreSQL server", () => {});
  });
} else {
  describe("strftime answers as SQLite's on PostgreSQL", () => {
    let database: TestDatabase;
    let pg: postgres.Sql;
    const sqlite = new Database(":memory:");

    beforeAll(async () => {
      database = await createTestDatabase();
      pg = postgres(database.url, { max: 1, onnotice: () => {} });
      await pg.unsafe(functionsSql);
    });

    afterAll(async () => {
      await pg?.end();
      database?.dropLater();
      sqlite.close();
    });

    const onSqlite = (args: string[]): unknown =>
      (sqlite.query(`SELECT strftime(${args.map(() => "?").join(", ")}) AS v`).get(...args) as { v: unknown }).v;
    const onPostgres = async (args: string[]): Promise<unknown> => {
      const text = `SELECT satchel_strftime(${args.map((_, i) => `$${i + 1}::text`).join(", ")}) AS v`;
      return ((await pg.unsafe(text, args)) as unknown as [{ v: unknown }])[0].v;
    };

    test.each([
      [["%F %T", "2024-01-01+02:00"], "a time zone without a time is no time value"],
      [["%s", "2024-01-01 10:00:00.5", "subsec"], "seconds since 1970 to the millisecond"],
      [["%F", "9999-12-31", "+1 month", "-1 month"], "months added past 9999"],
      [["%F", "2023-01-31", "+1 month"], "a day past the month's end rolls over"],
    ])("%j: %s", async (args) => {
      expect(await onPostgres(args)).toEqual(onSqlite(args));
    });

    test("600 calls drawn at random give SQLite's answers", async () => {
      const differing: string[] = [];
      for (const args of calls(1, 600)) {
        const [a, b] = [onSqlite(args), await onPostgres(args)];
        if (a !== b)
          differing.push(`${JSON.stringify(args)}: SQLite ${JSON.stringify(a)}, PostgreSQL ${JSON.stringify(b)}`);
      }
      expect(differing).toEqual([]);
    });
  });
}
