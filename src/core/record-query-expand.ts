import { findSingleColumnUniqueIndex } from "../db/index-sql.ts";
import { ident, raw, type Sql, sql } from "../db/sql.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import { RelationField } from "./field-relation.ts";
import type { Expand, RecordModel } from "./record-model.ts";

/**
 * Which related records to load: those with these ids, or the rows a condition on the collection's table
 * picks (a back-relation's first rows), in row order.
 */
export type ExpandSelection = { ids: string[] } | { where: Sql };

/** Loads related records (API expands apply the target's view rule here). */
export type ExpandFetch = (collection: Collection, selection: ExpandSelection) => Promise<RecordModel[]>;

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

/**
 * expandRecords fills `record.expand` for each path (`rel`, `rel.sub`, `collection_via_field`), up to 6
 * levels. Failed paths are returned by path; the others still expand.
 */
export async function expandRecords(
  app: App,
  records: RecordModel[],
  paths: readonly string[],
  fetch: ExpandFetch,
): Promise<Map<string, Error>> {
  const failed = new Map<string, Error>();
  for (const path of normalizeExpands(paths)) {
    try {
      await expandPath(app, records, path, fetch, 1);
    } catch (err) {
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
    const match = backField.isMultiple() ? d.jsonArrayContains(column, sql`${r.id}`) : sql`${column} = ${r.id}`;
    return sql`${key(back.name)} IN (SELECT ${key(inner)} FROM ${ident(back.name)} ${ident(inner)} WHERE ${match} LIMIT ${raw(String(backRelationLimit))})`;
  };
  return { key: part, multiple: !unique, collection: back, backOf };
}

async function expandPath(
  app: App,
  records: RecordModel[],
  path: string,
  fetch: ExpandFetch,
  level: number,
): Promise<void> {
  if (path === "" || level > maxExpandDepth || records.length === 0) return;
  const main = (records[0] as RecordModel).collection;
  const dot = path.indexOf(".");
  const part = dot < 0 ? path : path.slice(0, dot);
  const rest = dot < 0 ? "" : path.slice(dot + 1);
  const rel = resolveRelation(app, main, part);

  const foundOf = new Map<RecordModel, RecordModel[]>();
  const related: RecordModel[] = [];
  if (rel.idsOf) {
    const idsOf = rel.idsOf;
    const ids = [...new Set(records.flatMap((r) => idsOf(r)))];
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
      foundOf.set(record, fetched);
    }
  }
  if (rest !== "") await expandPath(app, related, rest, fetch, level + 1);

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
