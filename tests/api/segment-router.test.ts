import { afterAll, beforeAll, expect, test } from "bun:test";
import { TrieRouter } from "hono/router/trie-router";
import { newRouter } from "../../src/apis/base.ts";
import { SegmentRouter } from "../../src/apis/segment-router.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";

let t: TestApp;
/** Satchel's own routes, as newRouter binds them (the dashboard's included). */
let satchelRoutes: [string, string][] = [];

beforeAll(async () => {
  t = await newTestApp();
  const router = newRouter(t.app, { dashboard: { missing: "not built" } });
  satchelRoutes = router.routes.map((r) => [r.method, r.path]);
});
afterAll(() => t.cleanup());

/** Routes written as hooks may write them: PocketBase's `{path...}` (a Hono `{.+}` pattern), names given twice. */
const otherRoutes: [string, string][] = [
  ["GET", "/hello/:name"],
  ["GET", "/hello/:name/:name"],
  ["ALL", "/api/mine/:id"],
  ["GET", "/files/:rest{.+}"],
  ["POST", "/api/x/"],
  ["GET", "/"],
  ["GET", "/api/collections/:collection/records/:id"],
];

function routers(routes: readonly [string, string][]) {
  const trie = new TrieRouter<number>();
  const segment = new SegmentRouter<number>();
  routes.forEach(([method, path], i) => {
    trie.add(method, path, i);
    segment.add(method, path, i);
  });
  return { trie, segment };
}

/** Paths made from the routes: their parameters filled with texts that are also routes' texts, cut, extended. */
function pathsFrom(routes: readonly [string, string][]): string[] {
  const words = ["records", "stats", "meta", "auth-refresh", "abc", "x", "_", "%20a", "users", "hello", "a.b"];
  const out = new Set<string>(["/", "//", "/_", "/_/", "/_/x/y", "/api", "/api/", "/api//collections", "/x/"]);
  routes.forEach(([, path], i) => {
    for (let k = 0; k < 6; k++) {
      const filled = path
        .replace(/\/\*$/, `/${words[(i + k) % words.length]}/y`)
        .replace(/:\w+(\{[^}]*\})?/g, () => words[(i * 7 + k * 3 + out.size) % words.length] as string);
      out.add(filled);
      out.add(`${filled}/`);
      out.add(`${filled}/${words[k]}`);
      out.add(filled.split("/").slice(0, -1).join("/") || "/");
    }
  });
  return [...out];
}

function compare(routes: readonly [string, string][]): number {
  const { trie, segment } = routers(routes);
  let compared = 0;
  for (const path of pathsFrom(routes)) {
    for (const method of ["GET", "POST", "PATCH", "DELETE", "OPTIONS", "HEAD"]) {
      const want = (trie.match(method, path)[0] as [number, Record<string, string>][]).map(([h, p]) => [h, { ...p }]);
      const got = (segment.match(method, path)[0] as [number, Record<string, string>][]).map(([h, p]) => [h, { ...p }]);
      expect({ method, path, matches: got }).toEqual({ method, path, matches: want });
      compared++;
    }
  }
  return compared;
}

test("Satchel's routes match every path as Hono's TrieRouter matches them: the same routes, order and parameters", () => {
  expect(satchelRoutes.length).toBeGreaterThan(100);
  expect(compare(satchelRoutes)).toBeGreaterThan(3000);
});

test("routes written otherwise ({path...}, a trailing slash, a name given twice) match as TrieRouter's too", () => {
  expect(compare([...satchelRoutes, ...otherRoutes])).toBeGreaterThan(3000);
  // a route whose first segment is a pattern leaves every path to TrieRouter
  expect(compare([...otherRoutes, ["GET", "/:any{.+}"], ...satchelRoutes])).toBeGreaterThan(3000);
});

test("the order routes were added in decides, whichever of a text and a parameter is more specific", () => {
  const { segment } = routers([
    ["GET", "/api/logs/:id"],
    ["GET", "/api/logs/stats"],
    ["ALL", "/*"],
  ]);
  expect(segment.match("GET", "/api/logs/stats")[0].map(([h]) => h)).toEqual([0, 1, 2]);
  expect(segment.match("GET", "/api/logs/abc")[0].map(([h, p]) => [h, { ...p }])).toEqual([
    [0, { id: "abc" }],
    [2, {}],
  ]);
});

test("a path matching exactly two routes gets the one handler `pair` makes of them (made once), with the second's parameters", () => {
  const made: string[] = [];
  const pair = (first: string, second: string): string | null => {
    made.push(`${first}+${second}`);
    return first === "every" ? `${first}+${second}` : null;
  };
  const segment = new SegmentRouter<string>({ pair });
  segment.add("ALL", "/*", "every");
  segment.add("GET", "/api/items/:id", "item");
  segment.add("GET", "/api/twice/:id", "twice 1");
  segment.add("GET", "/api/twice/:key", "twice 2");
  const handlers = (path: string) => segment.match("GET", path)[0].map(([h, p]) => [h, { ...p }]);
  expect(handlers("/api/items/abc")).toEqual([["every+item", { id: "abc" }]]);
  expect(handlers("/api/items/xyz")).toEqual([["every+item", { id: "xyz" }]]);
  expect(made).toEqual(["every+item"]);
  // three routes, or the middleware alone: as they are
  expect(handlers("/api/twice/abc")).toEqual([
    ["every", {}],
    ["twice 1", { id: "abc" }],
    ["twice 2", { key: "abc" }],
  ]);
  expect(handlers("/api/nothing")).toEqual([["every", {}]]);
  // a pair `pair` refuses stays two handlers
  const plain = new SegmentRouter<string>({ pair });
  plain.add("GET", "/a/:x", "first");
  plain.add("GET", "/a/:y", "second");
  expect(plain.match("GET", "/a/1")[0].map(([h, p]) => [h, { ...p }])).toEqual([
    ["first", { x: "1" }],
    ["second", { y: "1" }],
  ]);
  expect(made).toEqual(["every+item", "first+second"]);
});
