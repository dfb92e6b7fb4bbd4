import { QueryTimeoutError } from "../db/driver.ts";
import { findSingleColumnUniqueIndex } from "../db/index-sql.ts";
import { ident, raw, type Sql, sql } from "../db/sql.ts";
import { ApiError, badRequest } from "../tools/router/api-error.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import { defaultExpandLimits, type ExpandLimits } from "./expand-limits.ts";
import type { Field } from "./field.ts";
import { RelationField } from "./field-relation.ts";
import type { Expand, RecordModel } from "./record-model.ts";

/**
 * Which related records to load: those with these ids, or the rows a condition on the collection's table
 * picks (a back-relation's first rows), in row order.
 */
export type ExpandSelection = { ids: string[] } | { where: Sql };

/** Loads related records (API expands apply the target's view rule here). */
export type ExpandFetch = (collection: Collection, selection: ExpandSelection) => Promise<RecordModel[]>;

export interface ExpandOptions {
  limits?: ExpandLimits;
  /**
   * The records and bytes expanded so far by other expands the limits hold together with this one (a
   * realtime subscriber's messages of one record event); this expand adds to it. Its own count otherwise.
   */
  tally?: ExpandTally;
}

/** What expands held to one set of limits have written so far. */
export interface ExpandTally {
  records: number;
  bytes: number;
  /** Set when one of them passed the limits: the others then fail before loading anything. */
  passed?: ApiError;
}

const maxExpandDepth = 6;
const backRelationLimit = 1000;
const viaPattern = /^(\w+)_via_(\w+)$/;
const legacyViaPattern = /^(\w+)\((\w+)\)$/;

/**
 * normalizeExpands drops spaces and dangling dots, and paths that are a prefix of a longer one
 * (`author` is covered by `author.team`).
 */
export function normalizeExpands(paths: readonly string[]): string[] {
  const cleaned = paths.map((p) => p.replaceAll(" ", "").replace(/^\.+|\.+$/g, "")).filter((p) => p !== "");
  const kept = cleaned.filter((p, i) => !cleaned.some((q, j) => i !== j && q.startsWith(`${p}.`)));
  return [...new Set(kept)];
}

/** What the paths of one response have expanded so far, against its limits. */
class ExpandBudget {
  /** Path prefixes already counted (`a.b` and `a.c` write the `a` records once). */
  readonly counted = new Set<string>();
  readonly sizes = new WeakMap<RecordModel, number>();

  constructor(
    readonly limits: ExpandLimits,
    readonly tally: ExpandTally,
  ) {}

  /** checkIds refuses a level before it is loaded when its distinct records alone pass the limit. */
  checkIds(n: number): void {
    if (this.tally.records + n > this.limits.maxRecords) throw this.#tooMany();
  }

  /** add counts a level's records, each as often as it will be written. */
  add(prefix: string, related: readonly RecordModel[], multiplicity: ReadonlyMap<RecordModel, number>): void {
    if (this.counted.has(prefix)) return;
    this.counted.add(prefix);
    for (const r of related) {
      const times = multiplicity.get(r) ?? 0;
      this.tally.records += times;
      if (this.tally.records > this.limits.maxRecords) throw this.#tooMany();
      let size = this.sizes.get(r);
      if (size === undefined) {
        size = estimatedJsonSize(r);
        this.sizes.set(r, size);
      }
      this.tally.bytes += times * size;
      if (this.tally.bytes > this.limits.maxBytes) {
        this.tally.passed = badRequest(
          `The expanded records would take more than ${formatBytes(this.limits.maxBytes)}; ` +
            "expand fewer or shorter paths, or ask for fewer records per page.",
        );
        throw this.tally.passed;
      }
    }
  }

  #tooMany(): ApiError {
    this.tally.passed = badRequest(
      `The expand would return more than ${this.limits.maxRecords} records; ` +
        "expand fewer or shorter paths, or ask for fewer records per page.",
    );
    return this.tally.passed;
  }
}

function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${Math.round((n / (1 << 20)) * 10) / 10} MiB` : `${Math.round(n / 1024)} KiB`;
}

/** estimatedJsonSize is about how many bytes a record takes in a response (hidden fields counted too). */
function estimatedJsonSize(r: RecordModel): number {
  const fields = r.collection.fields;
  let n = 80 + r.collection.name.length;
  for (let i = 0; i < fields.length; i++) {
    const name = (fields[i] as Field).name;
    n += name.length + 4 + valueSize(r.getRaw(name));
  }
  return n;
}

function valueSize(v: unknown): number {
  if (typeof v === "string") return v.length + 2;
  if (Array.isArray(v)) {
    let n = 2;
    for (let i = 0; i < v.length; i++) n += valueSize(v[i]) + 1;
    return n;
  }
  if (v !== null && typeof v === "object") return JSON.stringify(v)?.length ?? 4;
  return 8;
}

/**
 * expandRecords fills `record.expand` for each path (`rel`, `rel.sub`, `collection_via_field`), up to 6
 * levels. Failed paths are returned by path; the others still expand. Passing the limits, or the
 * request's deadline, fails the whole expand (an ApiError or a QueryTimeoutError).
 */
export async function expandRecords(
  app: App,
  records: RecordModel[],
  paths: readonly string[],
  fetch: ExpandFetch,
  options: ExpandOptions = {},
): Promise<Map<string, Error>> {
  const failed = new Map<string, Error>();
  const budget = new ExpandBudget(options.limits ?? defaultExpandLimits, options.tally ?? { records: 0, bytes: 0 });
  const multiplicity = new Map(records.map((r) => [r, 1]));
  for (const path of normalizeExpands(paths)) {
    try {
      await expandPath(app, records, multiplicity, path, "", fetch, 1, budget);
    } catch (err) {
      if (err instanceof ApiError || err instanceof QueryTimeoutError) throw err;
      failed.set(path, err instanceof Error ? err : new Error(String(err)));
    }
  }
  return failed;
}

interface Relation {
  key: string;
  multiple: boolean;
  collection: Collection;
  /** The ids each record points to (forward relations). */
  idsOf?: (r: RecordModel) => string[];
  /** The rows pointing at a record (back-relations): its first ones, as PocketBase takes them. */
  backOf?: (r: RecordModel) => Sql;
}

function resolveRelation(app: App, main: Collection, part: string): Relation {
  const via = viaPattern.exec(part) ?? legacyViaPattern.exec(part);
  if (!via) {
    const field = main.fields.byName(part);
    if (!(field instanceof RelationField))
      throw new Error(
        `couldn't find relation field ${JSON.stringify(part)} in collection ${JSON.stringify(main.name)}`,
      );
    const collection = app.findCachedCollectionByNameOrId(field.collectionId);
    if (!collection) throw new Error(`couldn't find related collection ${JSON.stringify(field.collectionId)}`);
    return { key: part, multiple: field.isMultiple(), collection, idsOf: (r) => r.getStringList(part) };
  }
  const back = app.findCachedCollectionByNameOrId(via[1] ?? "");
  if (!back) throw new Error(`couldn't find back-related collection ${JSON.stringify(via[1])}`);
  const backField = back.fields.byName(via[2] ?? "");
  if (!(backField instanceof RelationField) || backField.collectionId !== main.id) {
    throw new Error(
      `couldn't find back-relation field ${JSON.stringify(via[2])} in collection ${JSON.stringify(back.name)}`,
    );
  }
  const d = app.db.dialect;
  const unique = findSingleColumnUniqueIndex(back.indexes, backField.name) !== null;
  // the first rows pointing at the record, taken before the view rule applies (PocketBase takes their ids
  // first, then loads those the rule lets through): one query per record, each row read once
  const inner = "__back";
  const column = sql`${ident(inner)}.${ident(backField.name)}`;
  const key = (alias: string) => (back.type === "view" ? sql`${ident(alias)}.${ident("id")}` : raw(d.rowid(alias)));
  const backOf = (r: RecordModel) => {
    if (backField.isMultiple()) {
      const match = d.jsonArrayContains(column, sql`${r.id}`);
      return sql`${key(back.name)} IN (SELECT ${key(inner)} FROM ${ident(back.name)} ${ident(inner)} WHERE ${match} LIMIT ${raw(String(backRelationLimit))})`;
    }
    // every row taken points at the record: saying so lets the database settle the view rule's conditions on
    // the record (a posts rule `author.verified = true`) once, before it reads any of the rows
    const tie = sql`${ident(back.name)}.${ident(backField.name)} = ${r.id}`;
    return sql`${tie} AND ${key(back.name)} IN (SELECT ${key(inner)} FROM ${ident(back.name)} ${ident(inner)} WHERE ${column} = ${r.id} LIMIT ${raw(String(backRelationLimit))})`;
  };
  return { key: part, multiple: !unique, collection: back, backOf };
}

/**
 * expandPath expands one level of a path and recurses. `multiplicity` tells how many times each record
 * will be written in the response (once per parent that expands to it, and that parent's own count).
 */
async function expandPath(
  app: App,
  records: RecordModel[],
  multiplicity: ReadonlyMap<RecordModel, number>,
  path: string,
  prefix: string,
  fetch: ExpandFetch,
  level: number,
  budget: ExpandBudget,
): Promise<void> {
  if (path === "" || level > maxExpandDepth || records.length === 0) return;
  const main = (records[0] as RecordModel).collection;
  const dot = path.indexOf(".");
  const part = dot < 0 ? path : path.slice(0, dot);
  const rest = dot < 0 ? "" : path.slice(dot + 1);
  const rel = resolveRelation(app, main, part);
  // nothing more is loaded once an expand held to the same limits has passed them
  if (budget.tally.passed) throw budget.tally.passed;

  const foundOf = new Map<RecordModel, RecordModel[]>();
  const related: RecordModel[] = [];
  if (rel.idsOf) {
    const idsOf = rel.idsOf;
    const ids = [...new Set(records.flatMap((r) => idsOf(r)))];
    budget.checkIds(ids.length);
    const fetched = ids.length === 0 ? [] : await fetch(rel.collection, { ids });
    related.push(...fetched);
    const byId = new Map(fetched.map((r) => [r.id, r]));
    for (const record of records)
      foundOf.set(
        record,
        idsOf(record).flatMap((id) => byId.get(id) ?? []),
      );
  } else if (rel.backOf) {
    for (const record of records) {
      const fetched = await fetch(rel.collection, { where: rel.backOf(record) });
      related.push(...fetched);
      // each record's rows are loaded on their own: stop before loading more than the limit allows
      budget.checkIds(related.length);
      foundOf.set(record, fetched);
    }
  }
  const childMultiplicity = new Map<RecordModel, number>();
  for (const record of records) {
    const times = multiplicity.get(record) ?? 0;
    for (const r of foundOf.get(record) ?? []) childMultiplicity.set(r, (childMultiplicity.get(r) ?? 0) + times);
  }
  const levelPrefix = prefix === "" ? part : `${prefix}.${part}`;
  budget.add(levelPrefix, related, childMultiplicity);
  if (rest !== "") await expandPath(app, related, childMultiplicity, rest, levelPrefix, fetch, level + 1, budget);

  for (const record of records) {
    record.expand ??= {};
    const found = foundOf.get(record) ?? [];
    if (found.length === 0) continue;
    const expand: Expand = record.expand;
    const previous = expand[rel.key];
    const previousList = previous === undefined ? [] : Array.isArray(previous) ? previous : [previous];
    // keep what another path already expanded below the same records
    for (const old of previousList) {
      for (const r of found) if (r.id === old.id && old.expand) r.expand = { ...old.expand, ...(r.expand ?? {}) };
    }
    expand[rel.key] = rel.multiple ? found : (found[0] as RecordModel);
  }
}
