import { findSingleColumnUniqueIndex } from "../db/index-sql.ts";
import { ident, sql } from "../db/sql.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import { RelationField } from "./field-relation.ts";
import type { Expand, RecordModel } from "./record-model.ts";

/** Loads the related records of a collection by ids (API expands apply the target's view rule here). */
export type ExpandFetch = (collection: Collection, ids: string[]) => Promise<RecordModel[]>;

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
  /** The ids each record points to (or is pointed at from, for back-relations). */
  idsOf: (r: RecordModel) => string[];
}

async function resolveRelation(app: App, main: Collection, records: RecordModel[], part: string): Promise<Relation> {
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
  const column = sql`${ident(back.name)}.${ident(backField.name)}`;
  const byRecord = new Map<RecordModel, string[]>();
  for (const r of records) {
    const match = backField.isMultiple()
      ? app.db.dialect.jsonArrayContains(column, sql`${r.id}`)
      : sql`${column} = ${r.id}`;
    const rows = await app.db.all<{ id: string }>(
      sql`SELECT ${ident(back.name)}.${ident("id")} AS id FROM ${ident(back.name)} WHERE ${match} LIMIT ${backRelationLimit}`,
    );
    byRecord.set(
      r,
      rows.map((x) => x.id),
    );
  }
  const unique = findSingleColumnUniqueIndex(back.indexes, backField.name) !== null;
  return { key: part, multiple: !unique, collection: back, idsOf: (r) => byRecord.get(r) ?? [] };
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
  const rel = await resolveRelation(app, main, records, part);

  const ids = [...new Set(records.flatMap((r) => rel.idsOf(r)))];
  const related = await fetch(rel.collection, ids);
  if (rest !== "") await expandPath(app, related, rest, fetch, level + 1);
  const byId = new Map(related.map((r) => [r.id, r]));

  for (const record of records) {
    record.expand ??= {};
    const found = rel.idsOf(record).flatMap((id) => {
      const r = byId.get(id);
      return r ? [r] : [];
    });
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
