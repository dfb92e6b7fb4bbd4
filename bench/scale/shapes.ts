/**
 * The query shapes the scale bench times: each is one API request (as a guest, a user or a superuser) and
 * the SQL a person who knows the data would write for the same answer (the ceiling). The hand-written SQL
 * may use what the schema guarantees (a post's author is one row, ids are unique, the rules' meaning for
 * the requester), never what only this data happens to hold.
 */
import type { Database, SQLQueryBindings, Statement } from "bun:sqlite";
import { post, userId } from "./schema.ts";

export type Who = "guest" | "user" | "superuser";

/** The user the `user` requests authenticate as. */
export const benchUser = 4;

/** What the hand-written SQL answers: the page's rows (expanded rows under `expand`) and the total. */
export interface HandAnswer {
  items: Record<string, unknown>[];
  /** -1 when the request skips the total. */
  total: number;
}

/** HandSql runs hand-written statements, prepared once per text. */
export class HandSql {
  readonly #statements = new Map<string, Statement>();
  constructor(readonly db: Database) {}

  all(text: string, ...params: SQLQueryBindings[]): Record<string, unknown>[] {
    return this.#prepare(text).all(...params) as Record<string, unknown>[];
  }

  count(text: string, ...params: SQLQueryBindings[]): number {
    const row = this.#prepare(text).get(...params) as { n: number } | null;
    return row?.n ?? 0;
  }

  #prepare(text: string): Statement {
    let s = this.#statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.#statements.set(text, s);
    }
    return s;
  }
}

/** The page a hand query returns: `limit` -1 is every match (used to check unsorted answers). */
export interface Page {
  limit: number;
  offset: number;
}

export interface Shape {
  name: string;
  title: string;
  who: Who;
  collection: string;
  /** The query string (without `?`). */
  query: string;
  /** The sort orders every match: items must come back in the same order from every server. */
  ordered: boolean;
  /** The answer is one record (a view), not a list. */
  view?: boolean;
  /** The page size the query asks for (PocketBase's default: 30). */
  perPage?: number;
  hand: (h: HandSql, page: Page) => HandAnswer;
}

const perPage = 30;
const page = (p: Page) => `LIMIT ${p.limit} OFFSET ${p.offset}`;
const q = (params: Record<string, string | number>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join("&");

/**
 * The posts a guest or user may list, the rule `author.verified = true` as a hand-writer puts it: counted
 * through the author index, and where other columns are read anyway, checked on each post read in turn
 * (`+author`: an author's posts looked up at random cost more than reading them all).
 */
const visiblePosts = "author IN (SELECT id FROM authors WHERE verified = 1)";
const visibleScanned = "+author IN (SELECT id FROM authors WHERE verified = 1)";
const verified = (n: number) => n % 2 === 0;

/** firstVisiblePostFrom is the first post from number n on whose author is verified. */
function firstVisiblePostFrom(n: number): number {
  let i = n;
  while (!verified(Number.parseInt(post(i).author.slice(1), 36))) i++;
  return i;
}

/** expandRows adds the expanded rows (by id, in order) to each row, under `expand`. */
function expandRows(
  h: HandSql,
  rows: Record<string, unknown>[],
  key: string,
  table: string,
  idsOf: (r: Record<string, unknown>) => string[],
  extraWhere = "",
): void {
  const ids = [...new Set(rows.flatMap(idsOf))];
  if (ids.length === 0) return;
  const found = h.all(
    `SELECT * FROM ${table} WHERE id IN (SELECT value FROM json_each(?))${extraWhere}`,
    JSON.stringify(ids),
  );
  const byId = new Map(found.map((r) => [r.id as string, r]));
  for (const r of rows) {
    const list = idsOf(r).flatMap((id) => byId.get(id) ?? []);
    if (list.length === 0) continue;
    r.expand = { ...((r.expand as object) ?? {}), [key]: list };
  }
}

const editorIds = (r: Record<string, unknown>) => JSON.parse(String(r.editors)) as string[];

export function shapes(): Shape[] {
  const visibleTitle = post(firstVisiblePostFrom(500_000)).title;
  const someTitle = post(500_000).title;
  const viewId = post(firstVisiblePostFrom(400_000)).id;
  const me = userId(benchUser);
  const list: Shape[] = [
    {
      name: "list",
      title: "posts sort `-created`, with total (rule through `author`)",
      who: "guest",
      collection: "posts",
      query: q({ sort: "-created" }),
      ordered: true,
      hand: (h, p) => ({
        items: h.all(`SELECT * FROM posts WHERE ${visibleScanned} ORDER BY created DESC ${page(p)}`),
        total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${visiblePosts}`),
      }),
    },
    {
      name: "list-skiptotal",
      title: "same, `skipTotal`",
      who: "guest",
      collection: "posts",
      query: q({ sort: "-created", skipTotal: 1 }),
      ordered: true,
      hand: (h, p) => ({
        items: h.all(`SELECT * FROM posts WHERE ${visibleScanned} ORDER BY created DESC ${page(p)}`),
        total: -1,
      }),
    },
    {
      name: "list-nosort",
      title: "posts, no sort, with total",
      who: "guest",
      collection: "posts",
      query: "",
      ordered: false,
      hand: (h, p) => ({
        items: h.all(`SELECT * FROM posts WHERE ${visiblePosts} ${page(p)}`),
        total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${visiblePosts}`),
      }),
    },
    {
      name: "list-user",
      title: "posts sort `-created`, with total, as a user",
      who: "user",
      collection: "posts",
      query: q({ sort: "-created" }),
      ordered: true,
      hand: (h, p) => ({
        items: h.all(`SELECT * FROM posts WHERE ${visibleScanned} ORDER BY created DESC ${page(p)}`),
        total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${visiblePosts}`),
      }),
    },
    {
      name: "list-superuser",
      title: "posts sort `-created`, with total, as superuser (no rule)",
      who: "superuser",
      collection: "posts",
      query: q({ sort: "-created" }),
      ordered: true,
      hand: (h, p) => ({
        items: h.all(`SELECT * FROM posts ORDER BY created DESC ${page(p)}`),
        total: h.count("SELECT COUNT(*) AS n FROM posts"),
      }),
    },
    {
      name: "sort-relation",
      title: "posts sort `author.name,-created`, with total",
      who: "guest",
      collection: "posts",
      query: q({ sort: "author.name,-created" }),
      ordered: true,
      hand: (h, p) => ({
        // the authors in name order first (LIMIT -1 keeps the subquery's order), then each one's posts
        items: h.all(
          `SELECT p.* FROM (SELECT id, name FROM authors WHERE verified = 1 ORDER BY name LIMIT -1) a CROSS JOIN posts p ON p.author = a.id ORDER BY a.name, p.created DESC ${page(p)}`,
        ),
        total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${visiblePosts}`),
      }),
    },
    {
      name: "sort-own",
      title: "posts sort `-views,-created` (no index), `skipTotal`",
      who: "guest",
      collection: "posts",
      query: q({ sort: "-views,-created", skipTotal: 1 }),
      ordered: true,
      hand: (h, p) => ({
        items: h.all(`SELECT * FROM posts WHERE ${visibleScanned} ORDER BY views DESC, created DESC ${page(p)}`),
        total: -1,
      }),
    },
    {
      name: "deep-page",
      title: "posts sort `-created`, page 20,000 (offset 599,970), `skipTotal`",
      who: "guest",
      collection: "posts",
      query: q({ sort: "-created", page: 20_000, skipTotal: 1 }),
      ordered: true,
      hand: (h, p) => ({
        items: h.all(
          `SELECT * FROM posts WHERE ${visibleScanned} ORDER BY created DESC ${page({ ...p, offset: p.offset + perPage * 19_999 })}`,
        ),
        total: -1,
      }),
    },
    {
      name: "view",
      title: "view one post by id (rule through `author`)",
      who: "guest",
      collection: "posts",
      query: "",
      ordered: true,
      view: true,
      hand: (h) => ({ items: h.all(`SELECT * FROM posts WHERE id = ? AND ${visiblePosts}`, viewId), total: -1 }),
    },
    {
      name: "fwd-eq",
      title: "posts `author.name = 'author 2'` (forward relation), no sort",
      who: "guest",
      collection: "posts",
      query: q({ filter: "author.name = 'author 2'" }),
      ordered: false,
      hand: (h, p) => {
        const cond = "author IN (SELECT id FROM authors WHERE name = 'author 2' AND verified = 1)";
        return {
          items: h.all(`SELECT * FROM posts WHERE ${cond} ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${cond}`),
        };
      },
    },
    {
      name: "fwd-eq-sorted",
      title: "same, sort `-created`",
      who: "guest",
      collection: "posts",
      query: q({ filter: "author.name = 'author 2'", sort: "-created" }),
      ordered: true,
      hand: (h, p) => {
        const cond = "author IN (SELECT id FROM authors WHERE name = 'author 2' AND verified = 1)";
        return {
          items: h.all(`SELECT * FROM posts WHERE ${cond} ORDER BY created DESC ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${cond}`),
        };
      },
    },
    {
      name: "fwd-like",
      title: "posts `author.name ~ 'author 12'`, sort `-created`",
      who: "guest",
      collection: "posts",
      query: q({ filter: "author.name ~ 'author 12'", sort: "-created" }),
      ordered: true,
      hand: (h, p) => {
        const cond = "author IN (SELECT id FROM authors WHERE name LIKE '%author 12%' AND verified = 1)";
        return {
          items: h.all(`SELECT * FROM posts WHERE ${cond} ORDER BY created DESC ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${cond}`),
        };
      },
    },
    {
      name: "fwd-neq",
      title: "posts `author.name != 'author 2'`, sort `-created`, `skipTotal`",
      who: "guest",
      collection: "posts",
      query: q({ filter: "author.name != 'author 2'", sort: "-created", skipTotal: 1 }),
      ordered: true,
      hand: (h, p) => ({
        items: h.all(
          `SELECT * FROM posts WHERE +author IN (SELECT id FROM authors WHERE verified = 1 AND name != 'author 2') ORDER BY created DESC ${page(p)}`,
        ),
        total: -1,
      }),
    },
    {
      name: "fwd-two-hops",
      title: `posts \`author.owner.name = 'user ${benchUser}'\` (two relations), sort \`-created\`, as a user`,
      who: "user",
      collection: "posts",
      query: q({ filter: `author.owner.name = 'user ${benchUser}'`, sort: "-created" }),
      ordered: true,
      hand: (h, p) => {
        // users' list rule lets a user see only themselves, so the name is their own
        const cond = "author IN (SELECT id FROM authors WHERE verified = 1 AND owner = ?1)";
        return {
          items: h.all(`SELECT * FROM posts WHERE ${cond} ORDER BY created DESC ${page(p)}`, me),
          total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${cond}`, me),
        };
      },
    },
    {
      name: "range-own",
      title: "posts `views >= 990 && views < 995`, sort `-created`",
      who: "guest",
      collection: "posts",
      query: q({ filter: "views >= 990 && views < 995", sort: "-created" }),
      ordered: true,
      hand: (h, p) => {
        const cond = `views >= 990 AND views < 995 AND ${visibleScanned}`;
        return {
          items: h.all(`SELECT * FROM posts WHERE ${cond} ORDER BY created DESC ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${cond}`),
        };
      },
    },
    {
      name: "range-relation",
      title: "posts `author.created < '2024-01-01 00:01:00.000Z' && views > 900`, sort `-created`",
      who: "guest",
      collection: "posts",
      query: q({ filter: "author.created < '2024-01-01 00:01:00.000Z' && views > 900", sort: "-created" }),
      ordered: true,
      hand: (h, p) => {
        const cond =
          "views > 900 AND author IN (SELECT id FROM authors WHERE verified = 1 AND created < '2024-01-01 00:01:00.000Z')";
        return {
          items: h.all(`SELECT * FROM posts WHERE ${cond} ORDER BY created DESC ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${cond}`),
        };
      },
    },
    {
      name: "multi-any",
      title: "posts `editors.name ?= 'author 7'` (to-many, any), sort `-created`",
      who: "guest",
      collection: "posts",
      query: q({ filter: "editors.name ?= 'author 7'", sort: "-created" }),
      ordered: true,
      hand: (h, p) => {
        const cond = `${visibleScanned} AND EXISTS (SELECT 1 FROM json_each(posts.editors) je WHERE je.value IN (SELECT id FROM authors WHERE name = 'author 7'))`;
        return {
          items: h.all(`SELECT * FROM posts WHERE ${cond} ORDER BY created DESC ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${cond}`),
        };
      },
    },
    {
      name: "multi-all",
      title: "posts `editors.verified = true` (to-many, all), sort `-created`",
      who: "guest",
      collection: "posts",
      query: q({ filter: "editors.verified = true", sort: "-created" }),
      ordered: true,
      hand: (h, p) => {
        // at least one editor (the join's row must match) and none unverified or missing
        const cond = `${visibleScanned} AND EXISTS (SELECT 1 FROM json_each(posts.editors) je JOIN authors e ON e.id = je.value WHERE e.verified = 1) AND NOT EXISTS (SELECT 1 FROM json_each(posts.editors) je LEFT JOIN authors e ON e.id = je.value WHERE e.verified IS NOT 1)`;
        return {
          items: h.all(`SELECT * FROM posts WHERE ${cond} ORDER BY created DESC ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${cond}`),
        };
      },
    },
    {
      name: "multi-length",
      title: "posts `editors:length = 2`, sort `-created`",
      who: "guest",
      collection: "posts",
      query: q({ filter: "editors:length = 2", sort: "-created" }),
      ordered: true,
      hand: (h, p) => {
        const cond = `json_array_length(editors) = 2 AND ${visibleScanned}`;
        return {
          items: h.all(`SELECT * FROM posts WHERE ${cond} ORDER BY created DESC ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${cond}`),
        };
      },
    },
    {
      name: "each-any",
      title: "posts `tags:each ?= 'a' && tags:length > 2`, sort `-created`",
      who: "guest",
      collection: "posts",
      query: q({ filter: "tags:each ?= 'a' && tags:length > 2", sort: "-created" }),
      ordered: true,
      hand: (h, p) => {
        const cond = `json_array_length(tags) > 2 AND EXISTS (SELECT 1 FROM json_each(posts.tags) WHERE value = 'a') AND ${visibleScanned}`;
        return {
          items: h.all(`SELECT * FROM posts WHERE ${cond} ORDER BY created DESC ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${cond}`),
        };
      },
    },
    {
      name: "each-all",
      title: "posts `tags:each = 'b'`, sort `-created`",
      who: "guest",
      collection: "posts",
      query: q({ filter: "tags:each = 'b'", sort: "-created" }),
      ordered: true,
      hand: (h, p) => {
        const cond = `tags = '["b"]' AND ${visibleScanned}`;
        return {
          items: h.all(`SELECT * FROM posts WHERE ${cond} ORDER BY created DESC ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${cond}`),
        };
      },
    },
    {
      name: "expand",
      title: "posts sort `-created`, `expand=author,editors`, `skipTotal`",
      who: "guest",
      collection: "posts",
      query: q({ sort: "-created", expand: "author,editors", skipTotal: 1 }),
      ordered: true,
      hand: (h, p) => {
        const items = h.all(`SELECT * FROM posts WHERE ${visibleScanned} ORDER BY created DESC ${page(p)}`);
        expandRows(h, items, "author", "authors", (r) => [String(r.author)]);
        expandRows(h, items, "editors", "authors", editorIds);
        return { items, total: -1 };
      },
    },
    {
      name: "back-all",
      title: "authors `posts_via_author.views > 997` (back-relation, all)",
      who: "guest",
      collection: "authors",
      query: q({ filter: "posts_via_author.views > 997" }),
      ordered: false,
      hand: (h, p) => {
        // the visible posts (the rule holds for all of an author's posts or none) all above 997, and one at least
        const cond =
          "verified = 1 AND EXISTS (SELECT 1 FROM posts WHERE author = authors.id) AND NOT EXISTS (SELECT 1 FROM posts WHERE author = authors.id AND NOT (views > 997))";
        return {
          items: h.all(`SELECT * FROM authors WHERE ${cond} ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM authors WHERE ${cond}`),
        };
      },
    },
    {
      name: "back-all-superuser",
      title: "same as superuser",
      who: "superuser",
      collection: "authors",
      query: q({ filter: "posts_via_author.views > 997" }),
      ordered: false,
      hand: (h, p) => {
        const cond =
          "EXISTS (SELECT 1 FROM posts WHERE author = authors.id) AND NOT EXISTS (SELECT 1 FROM posts WHERE author = authors.id AND NOT (views > 997))";
        return {
          items: h.all(`SELECT * FROM authors WHERE ${cond} ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM authors WHERE ${cond}`),
        };
      },
    },
    {
      name: "back-all-title",
      title: `authors \`posts_via_author.title = '${someTitle}'\` (all)`,
      who: "guest",
      collection: "authors",
      query: q({ filter: `posts_via_author.title = '${someTitle}'` }),
      ordered: false,
      hand: (h, p) => {
        const cond =
          "verified = 1 AND EXISTS (SELECT 1 FROM posts WHERE author = authors.id) AND NOT EXISTS (SELECT 1 FROM posts WHERE author = authors.id AND title != ?1)";
        return {
          items: h.all(`SELECT * FROM authors WHERE ${cond} ${page(p)}`, someTitle),
          total: h.count(`SELECT COUNT(*) AS n FROM authors WHERE ${cond}`, someTitle),
        };
      },
    },
    {
      name: "back-any-title",
      title: `authors \`posts_via_author.title ?= '${visibleTitle}'\` (any)`,
      who: "guest",
      collection: "authors",
      query: q({ filter: `posts_via_author.title ?= '${visibleTitle}'` }),
      ordered: false,
      hand: (h, p) => {
        const cond = "verified = 1 AND id IN (SELECT author FROM posts WHERE title = ?1)";
        return {
          items: h.all(`SELECT * FROM authors WHERE ${cond} ${page(p)}`, visibleTitle),
          total: h.count(`SELECT COUNT(*) AS n FROM authors WHERE ${cond}`, visibleTitle),
        };
      },
    },
    {
      name: "back-any-range",
      title: "authors `posts_via_author.views ?> 998 && posts_via_author.status ?= 'draft'`, sort `name`",
      who: "guest",
      collection: "authors",
      query: q({ filter: "posts_via_author.views ?> 998 && posts_via_author.status ?= 'draft'", sort: "name" }),
      ordered: true,
      hand: (h, p) => {
        // one joined post must meet both conditions (the same join alias); few do: collected once
        const cond = "verified = 1 AND id IN (SELECT author FROM posts WHERE views > 998 AND status = 'draft')";
        return {
          items: h.all(`SELECT * FROM authors WHERE ${cond} ORDER BY name ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM authors WHERE ${cond}`),
        };
      },
    },
    {
      name: "back-expand",
      title: "authors sort `name`, `perPage=5`, `expand=posts_via_author`",
      who: "guest",
      collection: "authors",
      query: q({ sort: "name", perPage: 5, expand: "posts_via_author" }),
      ordered: true,
      perPage: 5,
      hand: (h, p) => {
        const items = h.all(`SELECT * FROM authors ORDER BY name ${page(p)}`);
        for (const a of items) {
          const posts = a.verified ? h.all("SELECT * FROM posts WHERE author = ? LIMIT 1000", a.id as string) : [];
          if (posts.length > 0) a.expand = { posts_via_author: posts };
        }
        return { items, total: h.count("SELECT COUNT(*) AS n FROM authors") };
      },
    },
    {
      name: "back-comments",
      title: `posts \`comments_via_post.user ?= '${me}'\`, sort \`-created\``,
      who: "user",
      collection: "posts",
      query: q({ filter: `comments_via_post.user ?= '${me}'`, sort: "-created" }),
      ordered: true,
      hand: (h, p) => {
        const cond = `id IN (SELECT post FROM comments WHERE user = ?1) AND ${visiblePosts}`;
        return {
          items: h.all(`SELECT * FROM posts WHERE ${cond} ORDER BY created DESC ${page(p)}`, me),
          total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${cond}`, me),
        };
      },
    },
    {
      name: "collection-join",
      title: "posts `@collection.authors.id ?= author && @collection.authors.name ?= 'author 2'`, superuser",
      who: "superuser",
      collection: "posts",
      query: q({
        filter: "@collection.authors.id ?= author && @collection.authors.name ?= 'author 2'",
        sort: "-created",
      }),
      ordered: true,
      hand: (h, p) => {
        const cond = "author IN (SELECT id FROM authors WHERE name = 'author 2')";
        return {
          items: h.all(`SELECT * FROM posts WHERE ${cond} ORDER BY created DESC ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${cond}`),
        };
      },
    },
    {
      name: "collection-back",
      title: `posts \`@collection.comments.post ?= id && @collection.comments.user ?= '${me}'\`, superuser`,
      who: "superuser",
      collection: "posts",
      query: q({
        filter: `@collection.comments.post ?= id && @collection.comments.user ?= '${me}'`,
        sort: "-created",
      }),
      ordered: true,
      hand: (h, p) => {
        const cond = "id IN (SELECT post FROM comments WHERE user = ?1)";
        return {
          items: h.all(`SELECT * FROM posts WHERE ${cond} ORDER BY created DESC ${page(p)}`, me),
          total: h.count(`SELECT COUNT(*) AS n FROM posts WHERE ${cond}`, me),
        };
      },
    },
    {
      name: "comments-user",
      title:
        "comments sort `-created`, with total, as a user (rule `user = @request.auth.id || post.author.verified = true`)",
      who: "user",
      collection: "comments",
      query: q({ sort: "-created" }),
      ordered: true,
      hand: (h, p) => {
        // one post and its author looked up per comment (an IN list of the 500,000 visible posts costs more)
        const cond =
          "(user = ?1 OR EXISTS (SELECT 1 FROM posts p JOIN authors a ON a.id = p.author WHERE p.id = comments.post AND a.verified = 1))";
        return {
          items: h.all(`SELECT * FROM comments WHERE ${cond} ORDER BY created DESC ${page(p)}`, me),
          total: h.count(`SELECT COUNT(*) AS n FROM comments WHERE ${cond}`, me),
        };
      },
    },
    {
      name: "comments-guest-filter",
      title: "comments `post.author.name = 'author 2'`, sort `-created`, as guest",
      who: "guest",
      collection: "comments",
      query: q({ filter: "post.author.name = 'author 2'", sort: "-created" }),
      ordered: true,
      hand: (h, p) => {
        const cond = `post IN (SELECT id FROM posts WHERE author IN (SELECT id FROM authors WHERE name = 'author 2' AND verified = 1))`;
        return {
          items: h.all(`SELECT * FROM comments WHERE ${cond} ORDER BY created DESC ${page(p)}`),
          total: h.count(`SELECT COUNT(*) AS n FROM comments WHERE ${cond}`),
        };
      },
    },
  ];
  for (const s of list) if (s.view) s.query = viewId;
  return list;
}

/** shapePath is the request path of a shape. */
export function shapePath(s: Shape): string {
  const base = `/api/collections/${s.collection}/records`;
  if (s.view) return `${base}/${s.query}`;
  return s.query === "" ? base : `${base}?${s.query}`;
}
