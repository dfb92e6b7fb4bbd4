import type { Result, Router } from "hono/router";
import { TrieRouter } from "hono/router/trie-router";

type Params = Record<string, string>;

interface Route<T> {
  method: string;
  handler: T;
  /** The route's place among all routes: Hono runs the handlers a path matches in the order they were added. */
  order: number;
  /** The `:name` segments: their position in the path (1 for the first segment) and name. */
  params: [number, string][];
  /** The handler made of a route matched before this one and this one (SegmentRouterOptions.pair). */
  paired?: { first: Route<T>; handler: T | null };
}

export interface SegmentRouterOptions<T> {
  /**
   * pair makes one handler of two a path matches (say, a middleware of every path and a route), or says
   * null: a path matching exactly these two gets that one (made once per pair).
   */
  pair?: (first: T, second: T) => T | null;
}

class Node<T> {
  readonly statics = new Map<string, Node<T>>();
  param: Node<T> | null = null;
  readonly routes: Route<T>[] = [];
}

/**
 * How a route's path is matched: its segments when each is a text or a `:name`; "empty" when one is empty
 * (`/`, a trailing `/`): such a route matches only paths with an empty segment, which TrieRouter answers;
 * "other" when a segment is a pattern, optional or a wildcard.
 */
function routeSegments(path: string): string[] | "empty" | "other" {
  const segments = path.split("/");
  if (segments[0] !== "" || segments.length < 2) return "other";
  let empty = false;
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i] as string;
    if (/[*?{}]/.test(s) || (s.startsWith(":") && !/^:\w+$/.test(s))) return "other";
    if (s === "") empty = true;
  }
  return empty ? "empty" : segments;
}

const noParams: Params = Object.freeze(Object.create(null));

/**
 * SegmentRouter is Hono's router for Satchel's routes: a path is matched one segment at a time against the
 * routes' texts and `:name` parameters, which is all Satchel's own routes use, with the allocations of a
 * match only (Hono's TrieRouter took 0.7 µs a match on them, and its SmartRouter can't use the faster
 * RegExpRouter: a text and a parameter at the same place, `/api/logs/stats` beside `/api/logs/:id`, are
 * beyond it). A TrieRouter holds the same routes and answers what this one leaves to it: a path with an
 * empty segment (`/`, `//`, a trailing `/`), and any path under a route written otherwise (`/_/*`, a
 * `{name...}` parameter of a route bound by a hook): from the route's first segment that is not a text on,
 * or every path when that is its first. What a match returns is TrieRouter's answer in every case:
 * each route the method and path match (`*` routes everywhere), in the order they were added, each with
 * its parameters (tests/api/segment-router.test.ts compares the two).
 */
export class SegmentRouter<T> implements Router<T> {
  readonly name = "SegmentRouter";
  readonly #trie = new TrieRouter<T>();
  readonly #root = new Node<T>();
  /** Routes matching every path (`/*`, what `use` binds without a path). */
  readonly #everywhere: Route<T>[] = [];
  /** The paths, as their leading segments, whose matches TrieRouter gives (`["_"]` for `/_/*`); [] for every path. */
  readonly #delegated: string[][] = [];
  #order = 0;
  readonly #pair: SegmentRouterOptions<T>["pair"];

  constructor(options: SegmentRouterOptions<T> = {}) {
    this.#pair = options.pair;
  }

  add(method: string, path: string, handler: T): void {
    this.#trie.add(method, path, handler);
    const route: Route<T> = { method, handler, order: this.#order++, params: [] };
    if (path === "/*" || path === "*") {
      this.#everywhere.push(route);
      return;
    }
    const segments = routeSegments(path);
    if (segments === "empty") return;
    if (segments === "other") {
      const parts = path.split("/");
      let lead = 0;
      while (lead + 1 < parts.length && /^[\w.~-]+$/.test(parts[lead + 1] as string)) lead++;
      this.#delegated.push(parts.slice(1, lead + 1));
      return;
    }
    let node = this.#root;
    for (let i = 1; i < segments.length; i++) {
      const s = segments[i] as string;
      if (s.startsWith(":")) {
        route.params.push([i, s.slice(1)]);
        node.param ??= new Node<T>();
        node = node.param;
      } else {
        let next = node.statics.get(s);
        if (!next) {
          next = new Node<T>();
          node.statics.set(s, next);
        }
        node = next;
      }
    }
    node.routes.push(route);
  }

  match(method: string, path: string): Result<T> {
    const segments = path.split("/");
    if (segments[0] !== "" || segments.indexOf("", 1) !== -1 || this.#isDelegated(segments))
      return this.#trie.match(method, path);
    const found: Route<T>[] = [];
    for (const r of this.#everywhere) if (r.method === method || r.method === "ALL") found.push(r);
    collect(this.#root, segments, 1, method, found);
    if (!inOrder(found)) found.sort((a, b) => a.order - b.order);
    if (found.length === 2 && this.#pair) {
      const [first, second] = found as [Route<T>, Route<T>];
      if (second.paired?.first !== first) second.paired = { first, handler: this.#pair(first.handler, second.handler) };
      const handler = second.paired.handler;
      if (handler !== null) return [[[handler, paramsOf(second, segments)]]];
    }
    const matches = new Array<[T, Params]>(found.length);
    for (let i = 0; i < found.length; i++) {
      const r = found[i] as Route<T>;
      matches[i] = [r.handler, paramsOf(r, segments)];
    }
    return [matches];
  }

  /** Whether a path (its segments, none empty) lies under a route this router leaves to TrieRouter. */
  #isDelegated(segments: string[]): boolean {
    for (const lead of this.#delegated) {
      if (lead.length >= segments.length) continue;
      let under = true;
      for (let i = 0; under && i < lead.length; i++) under = lead[i] === segments[i + 1];
      if (under) return true;
    }
    return false;
  }
}

/** inOrder says whether routes are in the order they were added (most matches are: the sort is then skipped). */
function inOrder<T>(routes: Route<T>[]): boolean {
  for (let i = 1; i < routes.length; i++)
    if ((routes[i - 1] as Route<T>).order > (routes[i] as Route<T>).order) return false;
  return true;
}

/** collect adds the routes of node's subtree that segments[i...] and the method match. */
function collect<T>(node: Node<T>, segments: string[], i: number, method: string, found: Route<T>[]): void {
  if (i === segments.length) {
    for (const r of node.routes) if (r.method === method || r.method === "ALL") found.push(r);
    return;
  }
  const next = node.statics.get(segments[i] as string);
  if (next) collect(next, segments, i + 1, method, found);
  if (node.param) collect(node.param, segments, i + 1, method, found);
}

function paramsOf<T>(route: Route<T>, segments: string[]): Params {
  if (route.params.length === 0) return noParams;
  const params: Params = Object.create(null);
  // a name given twice is the first one's, as TrieRouter has it
  for (const [at, name] of route.params) if (!(name in params)) params[name] = segments[at] as string;
  return params;
}
