import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import type { App } from "../../src/core/app.ts";
import { insertLogs } from "../../src/core/log-write.ts";
import { cloneSettings } from "../../src/core/settings-model.ts";
import { send } from "../helpers/api-scenario.ts";
import { superuserEmail, superuserPassword } from "../helpers/test-app.ts";
import { seedBlog } from "./blog-seed.ts";
import { differing, type EnginePair, lcg, listedBy, openEnginePair, picker } from "./engine-pair.ts";
import { postgresUnavailable, skipNote } from "./postgres-server.ts";

// The same logs and collections on SQLite and on PostgreSQL, and the filters and sorts of the logs API (over
// the columns of `_logs`, `level` an INTEGER and `data` JSON, and inside `data`) and of the collections API
// (over `_collections`' columns, `system` a boolean), compared across types: PostgreSQL must list SQLite's
// logs and collections in SQLite's order (a comparison of a number with a text was refused there, or compared
// otherwise).

const reason = postgresUnavailable();
const start = Date.UTC(2026, 11, 1);

/** seed makes the blog's collections and writes 300 logs of every kind of data, the same on any engine. */
async function seed(app: App): Promise<void> {
  await upsertSuperuser(app, superuserEmail, superuserPassword);
  await seedBlog(app);
  // the apps log no request of their own (each engine's log writer would add them at its own pace)
  const settings = cloneSettings(app.settings());
  settings.logs.minLevel = 9;
  await app.saveSettings(settings);
  const data = (i: number): Record<string, unknown> =>
    [
      { status: 200 + (i % 5) * 100, url: `/api/${i % 7}`, execTime: i * 0.5, auth: i % 3 ? "users" : "" },
      { status: String(i % 4), nested: { k: i % 3, arr: [1, "2", i] } },
      { error: i % 2 ? null : "boom", tags: ["a", i % 3], n: 1e-7 * i },
      { b: true, f: 1.5, s: "10" },
    ][i % 4] as Record<string, unknown>;
  const entries = Array.from({ length: 300 }, (_, i) => ({
    level: [-4, 0, 4, 8][i % 4] as number,
    message: `m${i} ${["GET /api/x", "POST /api/y", "É", "a%b", ""][i % 5]}`,
    data: data(i),
    time: start + i * 37 * 60 * 1000,
  }));
  await insertLogs(app.auxDb, entries);
}

type Query = Record<string, string>;
const messages = (app: App, query: Query) => listedBy(app, "/api/logs", "message", query, "superuser");
const names = (app: App, query: Query) => listedBy(app, "/api/collections", "name", query, "superuser");

/** queriesOf draws n filters of a field against a literal or another field, each with a sort. */
function queriesOf(seed: number, n: number, fields: string[], literals: string[], sorts: string[]): Query[] {
  const pick = picker(lcg(seed));
  const ops = ["=", "!=", ">", ">=", "<", "~", "!~", "?=", "?>"];
  return Array.from({ length: n }, () => ({
    filter: `${pick(fields)} ${pick(ops)} ${pick([...literals, pick(fields)])}`,
    sort: pick(sorts),
  }));
}

if (reason) {
  skipNote("tests/db/postgres-system-lists-agree.test.ts", reason);
  describe.skip(`the logs and collections APIs list SQLite's on PostgreSQL (skipped: ${reason})`, () => {
    test("needs a PostgreSQL server", () => {});
  });
} else {
  describe("the logs and collections APIs list SQLite's logs and collections on PostgreSQL", () => {
    let engines: EnginePair;

    beforeAll(async () => {
      engines = await openEnginePair(seed);
    });

    afterAll(() => engines?.close());

    test.each([
      ["data.status > 4", "level,-created", "a JSON number or text against a number"],
      ["data.b ?= true", "message", "a JSON boolean against true"],
      ["data ?> 0", "created", "the data column's JSON text against a number"],
      ["level >= ''", "@rowid", "the INTEGER column against a text"],
      ["data.f > level", "-data.status,created", "a JSON value against the INTEGER column"],
      ["level != 'a'", "-@rowid", "a number column against a word"],
      ["data.n > '/api/1'", "@rowid", "a JSON number against a text"],
    ])("logs where %s, sorted by %s (%s)", async (filter, sort) => {
      // some list none: still a list, never an error
      const expected = await messages(engines.sqlite, { filter, sort });
      expect(expected).not.toMatch(/^\d{3}$/);
      expect(await messages(engines.postgres, { filter, sort })).toBe(expected);
    });

    test("200 filters and sorts drawn at random list the same logs in the same order, and the stats agree", async () => {
      const fields = ["level", "message", "created", "data", "data.status", "data.url", "data.execTime", "data.auth"];
      fields.push(
        "data.nested.k",
        "data.nested.arr",
        "data.error",
        "data.tags",
        "data.n",
        "data.b",
        "data.f",
        "data.s",
      );
      const literals = ["0", "4", "200", "'200'", "'2'", "1.5", "true", "null", "''", "'/api/1'", "'a'", "'É'", "'%'"];
      literals.push("'2026-12-03'", "@now", "1e-7");
      const sorts = [
        "created",
        "-created",
        "level,-created",
        "-data.status,created",
        "data.execTime,created",
        "-@rowid",
      ];
      expect(await differing(engines, queriesOf(5, 200, fields, literals, sorts), messages)).toEqual([]);
      // the seeded logs only: no request of the test's was logged, which would list differently on each
      for (const app of [engines.sqlite, engines.postgres]) {
        await app.logger().flush();
        expect(
          ((await send(app, { url: "/api/logs?perPage=1", auth: "superuser" })).json as { totalItems: number })
            .totalItems,
        ).toBe(300);
      }
      for (const filter of ["level >= 0", "data.status >= 400", ""]) {
        const url = `/api/logs/stats?${new URLSearchParams({ filter })}`;
        const [a, b] = [engines.sqlite, engines.postgres].map((app) => send(app, { url, auth: "superuser" }));
        expect((await b)?.json).toEqual((await a)?.json);
      }
    });

    test("200 filters and sorts drawn at random list the same collections in the same order", async () => {
      // not created or updated: each app made its collections at its own moments
      const fields = ["id", "name", "system", "type"];
      const literals = [
        "0",
        "1",
        "true",
        "false",
        "null",
        "''",
        "'base'",
        "'1'",
        "'true'",
        "'_'",
        "'%s'",
        "'A'",
        "@now",
      ];
      const sorts = ["name", "-system,name", "-@rowid", "@rowid", "type,-name", "system,@rowid"];
      const queries = [{ filter: "system = 1", sort: "name" }, ...queriesOf(9, 200, fields, literals, sorts)];
      expect(await differing(engines, queries, names)).toEqual([]);
    });
  });
}
