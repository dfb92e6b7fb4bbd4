import type { ReadScope } from "../db/driver.ts";
import { ident, join, raw, type Sql, type SqlValue, sql } from "../db/sql.ts";
import { buildFilterTree, maxFilterLength } from "../tools/search/filter-sql.ts";
import { renderFilterTree } from "../tools/search/filter-tree.ts";
import { identifierMacros } from "../tools/search/identifier-macros.ts";
import { joinClauses } from "../tools/search/resolver-result.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import { newReadScope } from "./read-scope.ts";
import { compileRowPredicate, type RowPredicate } from "./realtime-rule-memory.ts";
import { RecordFieldResolver } from "./record-field-resolver.ts";
import type { RequestInfo } from "./request-event.ts";

/** The SQL that checks access against a snapshot of a record's values (bound first, in field order). */
export interface SnapshotQuery {
  text: string;
  params: SqlValue[];
  fieldCount: number;
  /** What `text` asks of the snapshot, its request values bound: batchQuery puts several in one statement. */
  condition: Sql;
  /**
   * Joins that can multiply rows without bound (a back-relation, `@collection`, two multi-valued paths compared
   * item by item), as a list's filter that runs isolated: the check runs off the main thread, within a budget.
   */
  risky: boolean;
}

/**
 * The time one subscriber (its auth record, else its IP) may take for one record event, never more than the
 * query timeout: once for its database checks (but those asked in a batch with other subscribers'), once for
 * its messages. Past it, the event isn't sent to the subscriptions still waiting (README's "Limits"). A
 * subscription's filter and options are the client's own, and an event's subscribers are served one after
 * another: without a budget one slow filter, or a thousand subscriptions with options of their own, would
 * hold every subscriber's events back.
 */
export const realtimeSubscriberBudget = { ms: 1000 };

/**
 * AccessCheck is a compiled decision for one requester: fixed (no rule to run, or one that can never pass),
 * or a check of the record's values, in memory when the rule and filter allow it, else in SQL.
 */
export type AccessCheck =
  | { kind: "fixed"; allowed: boolean }
  | {
      kind: "check";
      memory: RowPredicate | null;
      /** The SQL form, made when first read (a check settled in memory may never need it); null: it can't be made. */
      readonly query: SnapshotQuery | null;
      cacheable: boolean;
    };

const snapshotTable = "__rt_snapshot";
const superuserOnlyFilterFields = ["@collection.", "@request."];
const macroNames = Object.keys(identifierMacros);

function isSuperuser(info: RequestInfo): boolean {
  return info.auth?.collection.name === "_superusers";
}

/**
 * compileAccessCheck compiles what a realtime subscriber must pass to receive a record event, as PocketBase
 * checks it: the collection rule (superusers skip it, `null` refuses everyone else, hidden fields allowed),
 * then the subscription's own `filter` (never with hidden fields; `@collection.`/`@request.` in the filter or
 * sort refuse non-superusers). A rule or filter that doesn't compile refuses.
 */
export function compileAccessCheck(
  app: App,
  collection: Collection,
  rule: string | null,
  info: RequestInfo,
): AccessCheck {
  const superuser = isSuperuser(info);
  if (!superuser && rule === null) return { kind: "fixed", allowed: false };
  const ruleText = superuser ? "" : (rule ?? "");
  const filter = info.query.filter ?? "";
  if (filter !== "") {
    if (filter.length > maxFilterLength) return { kind: "fixed", allowed: false };
    if (!superuser) {
      for (const param of [filter, info.query.sort ?? ""]) {
        if (superuserOnlyFilterFields.some((f) => param.includes(f))) return { kind: "fixed", allowed: false };
      }
    }
  }
  if (ruleText === "" && filter === "") return { kind: "fixed", allowed: true };

  const cacheable = !macroNames.some((m) => ruleText.includes(m) || filter.includes(m));
  const sqlForm = (): SnapshotQuery | null => {
    try {
      return snapshotQuery(app, collection, ruleText, filter, info);
    } catch {
      return null;
    }
  };
  const memory = memoryPredicate(app, collection, ruleText, filter, info);
  if (memory === null) {
    const query = sqlForm();
    return query ? { kind: "check", memory, query, cacheable } : { kind: "fixed", allowed: false };
  }
  // compiling both forms for each of 10,000 subscribers took the first event after a rule change twice as long
  let made: SnapshotQuery | null | undefined;
  return {
    kind: "check",
    memory,
    cacheable,
    get query() {
      if (made === undefined) made = sqlForm();
      return made;
    },
  };
}

function memoryPredicate(
  app: App,
  collection: Collection,
  ruleText: string,
  filter: string,
  info: RequestInfo,
): RowPredicate | null {
  const parts: RowPredicate[] = [];
  if (ruleText !== "") {
    const p = compileRowPredicate(
      ruleText,
      new RecordFieldResolver(app, collection, info, { allowHiddenFields: true }),
    );
    if (!p) return null;
    parts.push(p);
  }
  if (filter !== "") {
    const p = compileRowPredicate(filter, new RecordFieldResolver(app, collection, info, { allowHiddenFields: false }));
    if (!p) return null;
    parts.push(p);
  }
  const [a, b] = parts;
  if (!a) return null;
  if (!b) return a;
  return (row) => {
    const x = a(row);
    if (x === false) return false;
    const y = b(row);
    if (y === false) return false;
    return x === undefined || y === undefined ? undefined : true;
  };
}

/**
 * snapshotQuery builds `WITH snapshot AS (SELECT ? AS f1, ...) SELECT 1 WHERE EXISTS(rule) AND EXISTS(filter)`:
 * the record's own values come from the snapshot (as they were at the event), related records from the
 * tables. Rule and filter are separate queries, as PocketBase runs them.
 */
function snapshotQuery(
  app: App,
  collection: Collection,
  ruleText: string,
  filter: string,
  info: RequestInfo,
): SnapshotQuery {
  const exists: Sql[] = [];
  const parts: [string, boolean][] = [];
  if (ruleText !== "") parts.push([ruleText, true]);
  if (filter !== "") parts.push([filter, false]);
  let risky = false;
  for (const [text, allowHiddenFields] of parts) {
    const resolver = new RecordFieldResolver(app, collection, info, { allowHiddenFields, baseTable: snapshotTable });
    const tree = buildFilterTree(text, resolver);
    const cond = renderFilterTree(tree);
    const qp = resolver.queryParts();
    risky ||= resolver.mayRunAway([tree, ...qp.conditions]);
    const where = join(
      [cond, ...qp.conditions.map(renderFilterTree)].map((c) => sql`(${c})`),
      " AND ",
    );
    exists.push(
      sql`EXISTS (SELECT 1 FROM ${ident(snapshotTable)} ${ident(collection.name)}${joinClauses(qp.joins)} WHERE ${where})`,
    );
  }
  const condition = join(exists, " AND ");
  const stmt = sql`${snapshotWith(app, collection)} SELECT 1 AS ${ident("ok")} WHERE ${condition}`;
  const rendered = app.db.dialect.render(stmt);
  return { text: rendered.text, params: rendered.params, fieldCount: collection.fields.length, condition, risky };
}

/** snapshotWith is the `WITH` of the snapshot: one column per field, each a bound parameter, in field order. */
function snapshotWith(app: App, collection: Collection): Sql {
  const dialect = app.db.dialect;
  const columns = collection.fields.map(
    (f) => sql`${dialect.columnValue(sql`${null}`, f.columnKind())} AS ${ident(f.name)}`,
  );
  return sql`WITH ${ident(snapshotTable)} AS (SELECT ${join(columns, ", ")})`;
}

/** snapshotValues lists a record's stored values in field order, as the snapshot query binds them. */
export function snapshotValues(collection: Collection, row: Readonly<Record<string, SqlValue>>): SqlValue[] {
  return collection.fields.map((f) => row[f.name] ?? null);
}

/**
 * runAccessCheck decides a compiled check for a record snapshot: in memory when possible, else with one
 * query on `app`'s database (use the app outside any transaction: it reads the last committed state).
 */
export async function runAccessCheck(
  app: App,
  check: AccessCheck,
  row: Readonly<Record<string, SqlValue>>,
  values: readonly SqlValue[],
): Promise<boolean> {
  if (check.kind === "fixed") return check.allowed;
  const inMemory = check.memory?.(row);
  if (inMemory !== undefined) return inMemory;
  return check.query ? queryAccessCheck(app, check.query, values) : false;
}

/** subscriberScope starts one requester's budget (realtimeSubscriberBudget) for one event. */
export function subscriberScope(app: App, requester: string): ReadScope {
  const scope = newReadScope(app, () => requester);
  return { deadline: Math.min(scope.deadline, performance.now() + realtimeSubscriberBudget.ms), requester };
}

/**
 * queryAccessCheck asks the database, within the requester's budget when given; a risky check runs isolated,
 * within a budget of its own when not given one.
 */
async function queryAccessCheck(
  app: App,
  query: SnapshotQuery,
  values: readonly SqlValue[],
  scope?: ReadScope,
): Promise<boolean> {
  const params = [...values, ...query.params.slice(query.fieldCount)];
  try {
    if (query.risky) {
      const options = { isolate: true, scope: scope ?? subscriberScope(app, "realtime") };
      return (await app.db.all(query.text, params, options)).length > 0;
    }
    if (scope) return (await app.db.all(query.text, params, { scope })).length > 0;
    return (await app.db.get(query.text, params)) !== undefined;
  } catch (err) {
    app.logger().debug("realtime access check failed", { error: String(err) });
    return false;
  }
}

/** The most checks one batched statement asks, and the most request values it binds beside the snapshot's. */
const batchChecks = 32;
const batchParams = 4000;

/**
 * runAccessChecks decides many checks of one record snapshot (one per subscriber group): in memory where
 * possible; the checks that need the database and share their SQL (one rule, each group's own auth values)
 * go several to a statement, `SELECT i WHERE <check i> UNION ALL ...` over one snapshot, instead of a query
 * each. A batch the database refuses is asked again check by check, so that one failing check (a refused
 * value) refuses only its own group.
 */
export async function runAccessChecks(
  app: App,
  collection: Collection,
  checks: readonly AccessCheck[],
  row: Readonly<Record<string, SqlValue>>,
  values: readonly SqlValue[],
  requesterOf: (i: number) => string,
): Promise<boolean[]> {
  const allowed = new Array<boolean>(checks.length).fill(false);
  const byText = new Map<string, number[]>();
  const risky: number[] = [];
  for (const [i, check] of checks.entries()) {
    if (check.kind === "fixed") {
      allowed[i] = check.allowed;
      continue;
    }
    const inMemory = check.memory?.(row);
    if (inMemory !== undefined) {
      allowed[i] = inMemory;
      continue;
    }
    const query = check.query;
    if (query === null) continue;
    if (query.risky) {
      risky.push(i);
      continue;
    }
    const same = byText.get(query.text);
    if (same) same.push(i);
    else byText.set(query.text, [i]);
  }
  // every check listed above has its SQL form
  const queryOf = (i: number) => (checks[i] as Extract<AccessCheck, { kind: "check" }>).query as SnapshotQuery;
  // each requester's checks asked on their own share one budget for the event; risky ones run isolated
  const scopes = new Map<string, ReadScope>();
  const scopeOf = (i: number): ReadScope => {
    const requester = requesterOf(i);
    let scope = scopes.get(requester);
    if (!scope) {
      scope = subscriberScope(app, requester);
      scopes.set(requester, scope);
    }
    return scope;
  };
  for (const i of risky) allowed[i] = await queryAccessCheck(app, queryOf(i), values, scopeOf(i));
  for (const indexes of byText.values()) {
    for (const chunk of batches(indexes, (i) => queryOf(i).params.length - queryOf(i).fieldCount)) {
      if (chunk.length === 1) {
        const i = chunk[0] as number;
        allowed[i] = await queryAccessCheck(app, queryOf(i), values, scopeOf(i));
        continue;
      }
      const text = batchText(app, collection, chunk.map(queryOf));
      const params = [...values];
      for (const i of chunk) {
        const q = queryOf(i);
        for (let p = q.fieldCount; p < q.params.length; p++) params.push(q.params[p] as SqlValue);
      }
      try {
        for (const r of await app.db.all<{ i: number }>(text, params)) {
          const i = chunk[Number(r.i)];
          if (i !== undefined) allowed[i] = true;
        }
      } catch {
        for (const i of chunk) allowed[i] = await queryAccessCheck(app, queryOf(i), values, scopeOf(i));
      }
    }
  }
  return allowed;
}

/** The text of a batch, by the text of its checks and their number: rendering it for each event cost more than its run. */
const batchTexts = new Map<string, string>();
const batchTextsLimit = 200;

/**
 * batchText is the statement asking `queries` (checks of one text) at once: the snapshot's values bound first,
 * then each check's request values in turn, as each single check's follow its snapshot's.
 */
function batchText(app: App, collection: Collection, queries: readonly SnapshotQuery[]): string {
  const key = `${queries.length}\u0000${queries[0]?.text}`;
  const known = batchTexts.get(key);
  if (known !== undefined) return known;
  const branches = queries.map((q, n) => sql`SELECT ${raw(String(n))} AS ${ident("i")} WHERE ${q.condition}`);
  const { text } = app.db.dialect.render(
    sql`${snapshotWith(app, collection)} SELECT ${ident("i")} FROM (${join(branches, " UNION ALL ")}) ${ident("__rt_batch")}`,
  );
  if (batchTexts.size >= batchTextsLimit) batchTexts.clear();
  batchTexts.set(key, text);
  return text;
}

/** batches cuts a list of checks into runs of at most batchChecks checks and batchParams request values. */
function batches(indexes: readonly number[], paramsOf: (i: number) => number): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  let params = 0;
  for (const i of indexes) {
    const n = paramsOf(i);
    if (current.length > 0 && (current.length >= batchChecks || params + n > batchParams)) {
      out.push(current);
      current = [];
      params = 0;
    }
    current.push(i);
    params += n;
  }
  if (current.length > 0) out.push(current);
  return out;
}
