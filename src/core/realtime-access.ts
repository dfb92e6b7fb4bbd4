import { ident, join, type Sql, type SqlValue, sql } from "../db/sql.ts";
import { buildFilter, maxFilterLength } from "../tools/search/filter-sql.ts";
import { renderFilterTree } from "../tools/search/filter-tree.ts";
import { identifierMacros } from "../tools/search/identifier-macros.ts";
import { joinClauses } from "../tools/search/resolver-result.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import { compileRowPredicate, type RowPredicate } from "./realtime-rule-memory.ts";
import { RecordFieldResolver } from "./record-field-resolver.ts";
import type { RequestInfo } from "./request-event.ts";

/** The SQL that checks access against a snapshot of a record's values (bound first, in field order). */
export interface SnapshotQuery {
  text: string;
  params: SqlValue[];
  fieldCount: number;
}

/**
 * AccessCheck is a compiled decision for one requester: fixed (no rule to run, or one that can never pass),
 * or a check of the record's values, in memory when the rule and filter allow it, else in SQL.
 */
export type AccessCheck =
  | { kind: "fixed"; allowed: boolean }
  | { kind: "check"; memory: RowPredicate | null; query: SnapshotQuery; cacheable: boolean };

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

  let query: SnapshotQuery;
  try {
    query = snapshotQuery(app, collection, ruleText, filter, info);
  } catch {
    return { kind: "fixed", allowed: false };
  }
  const cacheable = !macroNames.some((m) => ruleText.includes(m) || filter.includes(m));
  return { kind: "check", memory: memoryPredicate(app, collection, ruleText, filter, info), query, cacheable };
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
  for (const [text, allowHiddenFields] of parts) {
    const resolver = new RecordFieldResolver(app, collection, info, { allowHiddenFields, baseTable: snapshotTable });
    const cond = buildFilter(text, resolver);
    const qp = resolver.queryParts();
    const where = join(
      [cond, ...qp.conditions.map(renderFilterTree)].map((c) => sql`(${c})`),
      " AND ",
    );
    exists.push(
      sql`EXISTS (SELECT 1 FROM ${ident(snapshotTable)} ${ident(collection.name)}${joinClauses(qp.joins)} WHERE ${where})`,
    );
  }
  const dialect = app.db.dialect;
  const columns = collection.fields.map(
    (f) => sql`${dialect.columnValue(sql`${null}`, f.columnKind())} AS ${ident(f.name)}`,
  );
  const stmt = sql`WITH ${ident(snapshotTable)} AS (SELECT ${join(columns, ", ")}) SELECT 1 AS ${ident("ok")} WHERE ${join(exists, " AND ")}`;
  const rendered = app.db.dialect.render(stmt);
  return { text: rendered.text, params: rendered.params, fieldCount: collection.fields.length };
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
  const params = [...values, ...check.query.params.slice(check.query.fieldCount)];
  try {
    return (await app.db.get(check.query.text, params)) !== undefined;
  } catch (err) {
    app.logger().debug("realtime access check failed", { error: String(err) });
    return false;
  }
}
