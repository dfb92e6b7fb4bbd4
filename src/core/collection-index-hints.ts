import { findIndexLedBy } from "../db/index-sql.ts";
import type { Collection } from "./collection-model.ts";
import { RelationField } from "./field-relation.ts";

/** An index a collection would gain from, with the statement that adds it. */
export interface IndexHint {
  field: string;
  index: string;
}

/**
 * relationIndexHints lists the single relation fields of a collection that no index starts with, among those
 * that are new or changed since `previous`. Filters through such a field (`author.name = 'x'`, as a list
 * rule `author.verified = true`), its back-relations (`posts_via_author`) and expands of them look rows up
 * by it: without an index, each lookup reads the whole table (bench/scale/README.md). Multiple relations
 * hold JSON arrays, which an index doesn't help with.
 */
export function relationIndexHints(collection: Collection, previous?: Collection): IndexHint[] {
  if (collection.type === "view") return [];
  const hints: IndexHint[] = [];
  for (const field of collection.fields) {
    if (!(field instanceof RelationField) || field.isMultiple()) continue;
    const before = previous?.fields.byName(field.name);
    if (before instanceof RelationField && !before.isMultiple() && before.collectionId === field.collectionId) continue;
    if (findIndexLedBy(collection.indexes, field.name)) continue;
    const name = `idx_${collection.name}_${field.name}`;
    hints.push({ field: field.name, index: `CREATE INDEX \`${name}\` ON \`${collection.name}\` (\`${field.name}\`)` });
  }
  return hints;
}
