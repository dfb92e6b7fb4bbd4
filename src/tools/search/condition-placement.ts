import { Identifier, ident, join, raw, Sql, sql } from "../../db/sql.ts";
import { type FilterAtom, type FilterTree, renderFilterTree } from "./filter-tree.ts";
import { type Join, joinClauses, type MultiMatchSubquery } from "./resolver-result.ts";

/**
 * Condition placement: a records query as PocketBase writes it is `SELECT DISTINCT base.* FROM base LEFT JOIN
 * ... WHERE conditions`, which keeps a row when some combination of joined rows (a missing one counting as
 * one all-NULL row) satisfies the conditions. placeConditions writes the same answer with the joins that can
 * repeat a row (to-many relations, back-relations, `@collection`, `:each`) moved into EXISTS subqueries
 * around the conditions that read them, so no DISTINCT is needed, a count is a plain count, and SQLite can
 * stop at the first matching row instead of walking every combination.
 *
 * The rewrite, for a to-many join R and the conditions G that read it (and what hangs off it):
 *   "some row of R, or its NULL row when it has none, satisfies G"
 *   = EXISTS (SELECT 1 FROM R WHERE on(R) AND G)  OR  (G with R's columns NULL AND NOT EXISTS (rows of R))
 * The second part is left out when G can't hold for a NULL row (FilterAtom.nullRejects). Conditions joined
 * with AND that read the same join stay in one subquery (they must hold for the same row); OR splits.
 */

export interface PlacementInput {
  baseAlias: string;
  /** Every join, each with its parent (Join.parent); in an order where a parent comes before its children. */
  joins: readonly Join[];
  /** Conditions that must all hold. */
  conditions: readonly FilterTree[];
  /** Aliases read outside the WHERE (by the ORDER BY): they stay joins of the main query. */
  pinned: ReadonlySet<string>;
  /**
   * Move the to-one joins into subqueries as well (multi-match checks, which have no main query to keep
   * them in); by default they stay joins of the main query, where SQLite plans them as it likes.
   */
  scopeToOne?: boolean;
  /**
   * Writes an outer key so that SQLite won't look rows up through an index on it (Dialect.unindexed): the IN
   * list of a to-one join on conditions that keep most rows is then checked row by row, not driven from.
   * Without it the list may drive (a count that reads nothing else of the rows walks the key's index).
   */
  unindexed?: (expr: Sql) => Sql;
  /**
   * The query reads a few rows picked by key (a view, an expand): looking each one's related rows up costs
   * less than collecting an IN list, so subqueries stay per-row EXISTS and to-one joins stay joins.
   */
  fewRows?: boolean;
  /**
   * The query reads every row (a count, or a sort no index serves), so a to-one join on conditions that keep
   * most rows is an IN list, collected once; where the query can stop after a page, it stays a join.
   */
  readsAll?: boolean;
}

export interface PlacedQuery {
  /** The joins the main query keeps (to-one joins, and those the sort reads). */
  joins: Join[];
  /** The kept to-one joins off the base row, not read by the sort, whose conditions all keep most rows. */
  broad: Set<string>;
  where: Sql | null;
  /** A kept join can repeat a row. */
  distinct: boolean;
}

// TRUE and FALSE: PostgreSQL's WHERE wants a boolean, SQLite reads them as 1 and 0
const constant = (t: FilterTree, text: string) =>
  t.kind === "atom" && t.sql.parts.length === 1 && t.sql.parts[0] === text;
const isFalse = (t: FilterTree) => constant(t, "FALSE");
const isTrue = (t: FilterTree) => constant(t, "TRUE");
const falseAtom: FilterTree = { kind: "atom", sql: raw("FALSE") };
const trueAtom: FilterTree = { kind: "atom", sql: raw("TRUE") };

/** aliasesRead lists the table aliases a fragment reads columns of (`alias`.`column`). */
export function aliasesRead(fragment: Sql, into = new Set<string>()): Set<string> {
  const parts = fragment.parts;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p instanceof Sql) aliasesRead(p, into);
    else if (p instanceof Identifier) {
      const next = parts[i + 1];
      if (typeof next === "string" && next.startsWith(".")) into.add(p.name);
    }
  }
  return into;
}

function treeAliases(t: FilterTree, into = new Set<string>()): Set<string> {
  if (t.kind === "atom") return aliasesRead(t.sql, into);
  for (const item of t.items) treeAliases(item, into);
  return into;
}

/** renamed reads the columns of one alias from another (`from`.`column`: a table named alike stays). */
function renamed(fragment: Sql, from: string, to: string): Sql {
  let changed = false;
  const parts = fragment.parts.map((p, i) => {
    if (p instanceof Sql) {
      const n = renamed(p, from, to);
      changed ||= n !== p;
      return n;
    }
    const next = fragment.parts[i + 1];
    if (p instanceof Identifier && p.name === from && typeof next === "string" && next.startsWith(".")) {
      changed = true;
      return ident(to);
    }
    return p;
  });
  return changed ? new Sql(parts) : fragment;
}

function renamedTree(t: FilterTree, from: string, to: string): FilterTree {
  if (t.kind !== "atom") return { kind: t.kind, items: t.items.map((i) => renamedTree(i, from, to)) };
  const atom = { ...t, sql: renamed(t.sql, from, to) };
  if (t.nullRejects) atom.nullRejects = t.nullRejects.map((a) => (a === from ? to : a));
  if (t.nullRowOf === from) atom.nullRowOf = to;
  if (t.equals)
    atom.equals = { ...t.equals, left: renamed(t.equals.left, from, to), right: renamed(t.equals.right, from, to) };
  return atom;
}

/** nulled replaces the columns of the given aliases with NULL (their rows being the missing, all-NULL one). */
function nulled(fragment: Sql, aliases: ReadonlySet<string>): Sql {
  const parts = fragment.parts;
  const out: (typeof parts)[number][] = [];
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as (typeof parts)[number];
    if (p instanceof Sql) {
      const n = nulled(p, aliases);
      changed ||= n !== p;
      out.push(n);
    } else if (
      p instanceof Identifier &&
      aliases.has(p.name) &&
      parts[i + 1] === "." &&
      parts[i + 2] instanceof Identifier
    ) {
      out.push("NULL");
      i += 2;
      changed = true;
    } else out.push(p);
  }
  return changed ? new Sql(out) : fragment;
}

function nulledTree(t: FilterTree, aliases: ReadonlySet<string>): FilterTree {
  if (t.kind === "atom") {
    if (t.nullRowOf !== undefined && aliases.has(t.nullRowOf)) return trueAtom;
    const { equals: _equals, selective: _selective, ...rest } = t;
    return { ...rest, sql: nulled(t.sql, aliases) };
  }
  return simplified({ kind: t.kind, items: t.items.map((i) => nulledTree(i, aliases)) });
}

/** simplified drops the constant TRUE/FALSE items of an and/or, and flattens nested ones of the same kind. */
function simplified(t: FilterTree): FilterTree {
  if (t.kind === "atom") return t;
  const items = t.items.flatMap((i) => (i.kind === t.kind ? i.items : [i]));
  if (t.kind === "and") {
    if (items.some(isFalse)) return falseAtom;
    const kept = items.filter((i) => !isTrue(i));
    return kept.length === 0 ? trueAtom : kept.length === 1 ? (kept[0] as FilterTree) : { kind: "and", items: kept };
  }
  if (items.some(isTrue)) return trueAtom;
  const kept = items.filter((i) => !isFalse(i));
  return kept.length === 0 ? falseAtom : kept.length === 1 ? (kept[0] as FilterTree) : { kind: "or", items: kept };
}

/** cannotHoldWhenNull tells whether a condition is certainly not true when the aliases' rows are all NULL. */
function cannotHoldWhenNull(t: FilterTree, aliases: ReadonlySet<string>): boolean {
  if (t.kind === "atom") {
    if (t.nullRowOf !== undefined) return false;
    return (t.nullRejects ?? []).some((a) => aliases.has(a));
  }
  if (t.kind === "and") return t.items.some((i) => cannotHoldWhenNull(i, aliases));
  return t.items.every((i) => cannotHoldWhenNull(i, aliases));
}

/** rejectsNullRow tells whether conditions that must all hold can't hold where the alias's row is missing. */
export function rejectsNullRow(conditions: readonly FilterTree[], alias: string): boolean {
  return cannotHoldWhenNull(simplified({ kind: "and", items: [...conditions] }), new Set([alias]));
}

/**
 * withRealRow drops the "row is missing" checks of an alias whose row is a real one (inside its EXISTS):
 * record ids are never empty, so `alias.id = '' OR alias.id IS NULL` is false there.
 */
function withRealRow(t: FilterTree, alias: string): FilterTree {
  if (t.kind === "atom") return t.nullRowOf === alias ? falseAtom : t;
  return simplified({ kind: t.kind, items: t.items.map((i) => withRealRow(i, alias)) });
}

const conjuncts = (t: FilterTree): FilterTree[] => (t.kind === "and" ? t.items : [t]);
const allOf = (items: FilterTree[]): FilterTree => simplified({ kind: "and", items });

function atomsOf(t: FilterTree, into: FilterAtom[] = []): FilterAtom[] {
  if (t.kind === "atom") into.push(t);
  else for (const i of t.items) atomsOf(i, into);
  return into;
}

const within = (read: ReadonlySet<string>, set: ReadonlySet<string>) => [...read].every((a) => set.has(a));
const meets = (read: ReadonlySet<string>, set: ReadonlySet<string>) => [...read].some((a) => set.has(a));

/** idOf is the alias whose `id` column an expression is, if it is one. */
function idOf(e: Sql): string | null {
  const [alias, dot, column] = e.parts;
  return e.parts.length === 3 &&
    alias instanceof Identifier &&
    dot === "." &&
    column instanceof Identifier &&
    column.name === "id"
    ? alias.name
    : null;
}

class Placement {
  readonly byAlias: Map<string, Join>;
  readonly children = new Map<string, Join[]>();

  constructor(readonly input: PlacementInput) {
    this.byAlias = new Map(input.joins.map((j) => [j.alias, j]));
    for (const j of input.joins) {
      const parent = this.parentOf(j.alias);
      const list = this.children.get(parent) ?? [];
      list.push(j);
      this.children.set(parent, list);
    }
  }

  parentOf(alias: string): string {
    const p = this.byAlias.get(alias)?.parent;
    return p === null || p === undefined || !this.byAlias.has(p) ? this.input.baseAlias : p;
  }

  subtree(root: string): Set<string> {
    const out = new Set<string>([root]);
    const walk = (a: string) => {
      for (const c of this.children.get(a) ?? []) {
        out.add(c.alias);
        walk(c.alias);
      }
    };
    walk(root);
    return out;
  }

  /**
   * closure adds to a set of aliases the to-one joins hanging off them (one row or NULL each), which then stay
   * joins; except those whose conditions in t are better read through an IN subquery (inSubquery).
   */
  closure(set: Set<string>, t: FilterTree | null): Set<string> {
    let grew = true;
    while (grew) {
      grew = false;
      for (const j of this.input.joins) {
        if (set.has(j.alias) || !j.toOne || !set.has(this.parentOf(j.alias))) continue;
        if (t && !this.input.fewRows && !this.input.pinned.has(j.alias) && this.inSubquery(j, t)) continue;
        set.add(j.alias);
        grew = true;
      }
    }
    return set;
  }

  /**
   * inSubquery tells whether a to-one join is better read as `parent.key IN (SELECT id FROM ... WHERE ...)`:
   * the conditions on it (and on what hangs off it) read nothing else and can't hold for a missing row, and
   * one is selective (an equality with a value: SQLite can start from the few matching rows), or all keep
   * most rows (a list checked row by row costs less than a join, see PlacementInput.unindexed).
   */
  inSubquery(j: Join, t: FilterTree): boolean {
    if (!j.equals || j.sameAs !== undefined) return false;
    const below = this.subtree(j.alias);
    const on = conjuncts(simplified(t)).filter((c) => meets(treeAliases(c), below));
    const atoms = on.flatMap((c) => atomsOf(c));
    return (
      on.length > 0 &&
      on.every((c) => within(treeAliases(c), below)) &&
      cannotHoldWhenNull(allOf(on), below) &&
      (atoms.some((a) => a.selective) || (!!this.input.readsAll && atoms.every((a) => a.broad)))
    );
  }

  /**
   * broadlyJoined tells whether every condition on a join (and what hangs off it) keeps most rows (true or
   * false, a difference): read from the joined side, it would pick out most rows again, one lookup each.
   */
  broadlyJoined(j: Join, t: FilterTree): boolean {
    const below = this.subtree(j.alias);
    const atoms = atomsOf(t).filter((a) => meets(aliasesRead(a.sql), below));
    return atoms.length > 0 && atoms.every((a) => a.broad);
  }

  /**
   * reductions are conditions implied by the query's, added so that SQLite can start from few rows: for each
   * condition on a to-one join kept in the main query that reads nothing else, can't hold for a missing row
   * and is selective, the same condition as `key IN (SELECT id ... WHERE condition)` (a semi-join). The
   * condition itself stays: the join is still needed by the others (`user = '' OR post.author.verified`).
   */
  reductions(t: FilterTree, top: ReadonlySet<string>, real: ReadonlySet<string>): Sql[] {
    const out: Sql[] = [];
    for (const c of conjuncts(t)) {
      const read = treeAliases(c);
      // the join off the base row the condition reads through
      const heads = new Set([...read].filter((a) => this.byAlias.has(a)).map((a) => this.frontier(a, real)));
      const j = heads.size === 1 ? this.byAlias.get([...heads][0] as string) : undefined;
      if (!j || !top.has(j.alias) || !j.toOne || !j.equals || j.sameAs !== undefined || this.input.pinned.has(j.alias))
        continue;
      const below = this.subtree(j.alias);
      if (!within(read, below) || !cannotHoldWhenNull(c, below) || !atomsOf(c).some((a) => a.selective)) continue;
      const outside = new Set([...top].filter((a) => !below.has(a)));
      out.push(this.exists(j.alias, c, outside, real));
    }
    return out;
  }

  /** frontier is the join on alias's path whose parent is fixed: the subquery that reaches alias. */
  frontier(alias: string, fixed: ReadonlySet<string>): string {
    let a = alias;
    while (!fixed.has(this.parentOf(a))) a = this.parentOf(a);
    return a;
  }

  /** outsideRoots lists the subqueries a condition needs: the frontiers of the joins it reads. */
  outsideRoots(t: FilterTree, fixed: ReadonlySet<string>): string[] {
    const roots = new Set<string>();
    for (const a of treeAliases(t)) {
      if (fixed.has(a) || !this.byAlias.has(a)) continue;
      roots.add(this.frontier(a, fixed));
    }
    return [...roots];
  }

  /**
   * place writes t where the rows of `fixed` are fixed (those of `real` are real rows, not a LEFT JOIN's
   * NULL one), with a subquery for each group of conditions that reads other joins.
   */
  place(tree: FilterTree, fixed: ReadonlySet<string>, real: ReadonlySet<string>): Sql {
    const t = simplified(tree);
    if (t.kind === "or")
      return sql`(${join(
        t.items.map((i) => this.place(i, fixed, real)),
        " OR ",
      )})`;
    // group the conditions by the subqueries they need: those sharing one must hold for the same row
    const groups: { roots: Set<string>; items: FilterTree[] }[] = [];
    const here: Sql[] = [];
    for (const item of conjuncts(t)) {
      const roots = this.outsideRoots(item, fixed);
      if (roots.length === 0) {
        here.push(item.kind === "atom" ? item.sql : this.place(item, fixed, real));
        continue;
      }
      const merged = { roots: new Set(roots), items: [item] };
      for (let g = groups.length - 1; g >= 0; g--) {
        const other = groups[g] as (typeof groups)[number];
        if ([...other.roots].some((r) => merged.roots.has(r))) {
          for (const r of other.roots) merged.roots.add(r);
          merged.items.unshift(...other.items);
          groups.splice(g, 1);
        }
      }
      groups.push(merged);
    }
    for (const g of groups) here.push(this.exists([...g.roots][0] as string, allOf(g.items), fixed, real));
    if (here.length === 0) return raw("TRUE");
    return here.length === 1 ? (here[0] as Sql) : sql`(${join(here, " AND ")})`;
  }

  /** exists is "some row of the join root (or its NULL row) satisfies t", t read with fixed rows fixed. */
  exists(root: string, t: FilterTree, fixed: ReadonlySet<string>, real: ReadonlySet<string>): Sql {
    const r = this.byAlias.get(root) as Join;
    const below = this.subtree(root);
    let inner = withRealRow(t, root);
    const scope = this.closure(new Set([root]), inner);
    let innerJoins = this.input.joins.filter((j) => j.alias !== root && scope.has(j.alias));
    // a join back to a row already fixed outside needs no join: read that row
    for (const j of innerJoins) {
      if (j.sameAs === undefined || j.parent !== root || !fixed.has(j.sameAs) || this.children.has(j.alias)) continue;
      inner = renamedTree(inner, j.alias, j.sameAs);
      innerJoins = innerJoins.filter((x) => x !== j);
    }
    const fixedInside = new Set([...fixed, ...scope]);
    const realInside = new Set([...real, root]);
    // conditions that read only rows fixed outside are the same for every row of the subquery: checked outside
    const outside: FilterTree[] = [];
    const rest: FilterTree[] = [];
    for (const c of conjuncts(inner)) (this.outsideRoots(c, fixed).length === 0 ? outside : rest).push(c);
    const from = sql`${r.table} ${new Identifier(r.alias)}${joinClauses(innerJoins)}`;
    const own = new Set([root, ...innerJoins.map((j) => j.alias)]);
    const some =
      this.inSubqueryForm(r, rest, below, own, fixedInside, real, realInside, from) ??
      this.existsForm(r, rest, fixedInside, realInside, from);
    const found =
      outside.length === 0 || isTrue(allOf(outside))
        ? some
        : sql`(${this.place(allOf(outside), fixed, real)} AND ${some})`;
    if (cannotHoldWhenNull(t, below)) return found;
    // no row at all: the LEFT JOIN's NULL row must satisfy t
    const whenNull = nulledTree(t, below);
    if (isFalse(whenNull)) return found;
    const none = sql`NOT EXISTS (SELECT 1 FROM ${r.table} ${new Identifier(r.alias)}${r.on ? sql` WHERE ${r.on}` : raw("")})`;
    return sql`(${found} OR (${this.place(whenNull, fixed, real)} AND ${none}))`;
  }

  existsForm(r: Join, rest: FilterTree[], fixed: ReadonlySet<string>, real: ReadonlySet<string>, from: Sql): Sql {
    const conds: Sql[] = [];
    if (r.on) conds.push(r.on);
    const all = allOf(rest);
    if (!isTrue(all)) conds.push(isFalse(all) ? raw("FALSE") : this.place(all, fixed, real));
    const where = conds.length === 0 ? raw("") : sql` WHERE ${join(conds, " AND ")}`;
    return sql`EXISTS (SELECT 1 FROM ${from}${where})`;
  }

  /**
   * inSubqueryForm writes `outer IN (SELECT inner FROM ... WHERE rest)` when the subquery's rows are tied to
   * the outer row by one equality (its ON, or a condition like `@collection.x.id ?= rel`) and by nothing
   * else, and that pays: the tie isn't an ON (an EXISTS would look at every row for each outer row), or a
   * selective condition means few rows to collect. Else null.
   */
  inSubqueryForm(
    r: Join,
    rest: FilterTree[],
    below: ReadonlySet<string>,
    own: ReadonlySet<string>,
    fixedInside: ReadonlySet<string>,
    real: ReadonlySet<string>,
    realInside: ReadonlySet<string>,
    from: Sql,
  ): Sql | null {
    if (this.input.fewRows) return null;
    let tie: { inner: Sql; outer: Sql } | null = null;
    let conds = rest;
    if (r.on) {
      if (!r.equals) return null;
      tie = { inner: r.equals[0], outer: r.equals[1] };
    } else {
      const i = rest.findIndex((c) => c.kind === "atom" && this.tieOf(c, own, fixedInside) !== null);
      if (i < 0) return null;
      tie = this.tieOf(rest[i] as FilterAtom, own, fixedInside);
      conds = rest.filter((_, j) => j !== i);
      if (!tie) return null;
      const { inner, outer } = tie;
      // NULL and "" compare alike, except against a real row's id, which is never either
      const plain =
        !(rest[i] as FilterAtom).equals?.coalesced ||
        [idOf(inner), idOf(outer)].some((a) => a !== null && (realInside.has(a) || real.has(a)));
      if (!plain) tie = { inner: sql`COALESCE(${inner}, '')`, outer: sql`COALESCE(${outer}, '')` };
    }
    if (conds.some((c) => !within(treeAliases(c), below) || atomsOf(c).some((a) => a.checked))) return null;
    const atoms = conds.flatMap((c) => atomsOf(c));
    const broad = atoms.length > 0 && atoms.every((a) => a.broad);
    const selective = atoms.some((a) => a.selective && meets(aliasesRead(a.sql), below));
    if (r.on && !selective && !(r.toOne && broad && this.input.readsAll)) return null;
    const all = allOf(conds);
    const where = isTrue(all) ? raw("") : sql` WHERE ${this.place(all, fixedInside, realInside)}`;
    const outer = broad && this.input.unindexed ? this.input.unindexed(tie.outer) : tie.outer;
    return sql`${outer} IN (SELECT ${tie.inner} FROM ${from}${where})`;
  }

  /**
   * tieOf reads an equality as "an expression of the subquery's own rows (own: its FROM) = one of the outer
   * row", if it is one.
   */
  tieOf(a: FilterAtom, own: ReadonlySet<string>, fixed: ReadonlySet<string>): { inner: Sql; outer: Sql } | null {
    if (!a.equals) return null;
    const l = aliasesRead(a.equals.left);
    const rr = aliasesRead(a.equals.right);
    const inside = (s: Set<string>) => s.size > 0 && within(s, own);
    // the outer side reads rows fixed outside (or a query around this one's)
    const outside = (s: Set<string>) =>
      s.size > 0 && [...s].every((x) => !own.has(x) && (fixed.has(x) || !this.byAlias.has(x)));
    if (inside(l) && outside(rr)) return { inner: a.equals.left, outer: a.equals.right };
    if (inside(rr) && outside(l)) return { inner: a.equals.right, outer: a.equals.left };
    return null;
  }
}

/** sqlKey is a fragment written out, to tell equal fragments apart from different ones. */
function sqlKey(f: Sql): string {
  return f.parts
    .map((p) =>
      typeof p === "string"
        ? p
        : p instanceof Identifier
          ? `\u0000${p.name}\u0000`
          : p instanceof Sql
            ? `(${sqlKey(p)})`
            : `\u0001${JSON.stringify(p.value)}\u0001`,
    )
    .join("");
}

/**
 * unifiedJoins merges the to-one joins that are the same row: the same table by its key, off the same row by
 * the same value (a filter and a joined collection's rule both reading `post.author`). The later alias reads
 * the earlier one's row.
 */
function unifiedJoins(input: PlacementInput): PlacementInput {
  const seen = new Map<string, string>();
  const renames = new Map<string, string>();
  const canonical = (a: string | null | undefined) => (a ? (renames.get(a) ?? a) : a);
  const joins: Join[] = [];
  for (const j0 of input.joins) {
    let j = j0;
    for (const [from, to] of renames) j = renamedJoin(j, from, to);
    // a join the sort reads keeps its alias: the ORDER BY names it
    if (j.toOne && j.equals && j.sameAs === undefined && !input.pinned.has(j.alias)) {
      const key = `${canonical(j.parent)}\u0002${sqlKey(j.table)}\u0002${sqlKey(j.equals[1])}`;
      const same = seen.get(key);
      if (same !== undefined) {
        renames.set(j.alias, same);
        continue;
      }
      seen.set(key, j.alias);
    }
    joins.push(j);
  }
  if (renames.size === 0) return input;
  let conditions = [...input.conditions];
  for (const [from, to] of renames) conditions = conditions.map((c) => renamedTree(c, from, to));
  const pinned = new Set([...input.pinned].map((a) => canonical(a) ?? a));
  return { ...input, joins, conditions, pinned };
}

function renamedJoin(j: Join, from: string, to: string): Join {
  const out: Join = { ...j, table: renamed(j.table, from, to), on: j.on ? renamed(j.on, from, to) : null };
  if (j.equals) out.equals = [renamed(j.equals[0], from, to), renamed(j.equals[1], from, to)];
  if (j.parent === from) out.parent = to;
  if (j.sameAs === from) out.sameAs = to;
  return out;
}

/** placeConditions rewrites the joins and conditions of a records query; see the top of this file. */
export function placeConditions(input: PlacementInput): PlacedQuery {
  const conditions = input.conditions;
  if (input.joins.some((j) => j.parent === undefined)) {
    // joins of unknown shape: the query as PocketBase writes it
    const where =
      conditions.length === 0
        ? null
        : join(
            conditions.map((c) => sql`(${renderFilterTree(c)})`),
            " AND ",
          );
    return { joins: [...input.joins], broad: new Set(), where, distinct: input.joins.some((j) => !j.toOne) };
  }
  const unified = unifiedJoins(input);
  const p = new Placement(unified);
  const top = new Set<string>([input.baseAlias]);
  for (const a of unified.pinned) {
    for (let x = a; x !== input.baseAlias && p.byAlias.has(x); x = p.parentOf(x)) top.add(x);
  }
  const sorted = new Set(top);
  const all = simplified({ kind: "and", items: [...unified.conditions] });
  if (!input.scopeToOne) p.closure(top, all);
  const real = new Set([input.baseAlias]);
  let where = conditions.length === 0 || isTrue(all) ? null : p.place(all, top, real);
  const reductions = input.scopeToOne || input.fewRows ? [] : p.reductions(all, top, real);
  if (reductions.length > 0) where = sql`(${join([...(where ? [where] : []), ...reductions], " AND ")})`;
  const joins = unified.joins.filter((j) => top.has(j.alias));
  const broad = new Set(
    joins
      // a join the sort reads is left to SQLite: walking it in sort order may pay (an index on the sorted field)
      .filter(
        (j) => j.toOne && !sorted.has(j.alias) && p.parentOf(j.alias) === input.baseAlias && p.broadlyJoined(j, all),
      )
      .map((j) => j.alias),
  );
  return { joins, broad, where, distinct: joins.some((j) => !j.toOne) };
}

/**
 * someMultiMatchRow is "some value of the multi-valued path, among the rows its guards let through,
 * satisfies cond": the path's joins placed as subqueries around the target row.
 */
export function someMultiMatchRow(m: MultiMatchSubquery, cond: FilterTree): Sql {
  const placed = placeConditions({
    baseAlias: m.fromAlias,
    joins: m.joins,
    conditions: [...m.where, cond],
    pinned: new Set(),
    scopeToOne: true,
  });
  const where = placed.where ?? raw("TRUE");
  // the from row is the target row: read the target's columns instead of joining it again by id
  if (m.fromIsTarget && placed.joins.length === 0) return sql`(${renamed(where, m.fromAlias, m.targetAlias)})`;
  const own = sql`${ident(m.fromAlias)}.${ident("id")} = ${ident(m.targetAlias)}.${ident("id")}`;
  return sql`EXISTS (SELECT 1 FROM ${ident(m.fromTable)} ${ident(m.fromAlias)}${joinClauses(placed.joins)} WHERE ${own} AND ${where})`;
}
