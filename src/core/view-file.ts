import { ident, sql } from "../db/sql.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import { FileField } from "./field-file.ts";
import { RecordModel } from "./record-model.ts";
import { parseSelect } from "./view-query-parser.ts";

/** How many views may be stacked on each other before the source of a file column is given up on. */
const maxViewDepth = 5;

/** viewFileSource follows a view's file column back to the collection and field it is selected from. */
function viewFileSource(app: App, view: Collection, fieldName: string): { collection: Collection; field: FileField } {
  let current = view;
  let name = fieldName;
  for (let level = 1; level <= maxViewDepth; level++) {
    const parsed = parseSelect(current.viewQuery);
    const byAlias = new Map<string, Collection>();
    for (const t of parsed.tables) {
      const c = app.findAllCollections().find((x) => x.name === t.original);
      if (c) byAlias.set(t.alias, c);
    }
    const column = parsed.columns.find((c) => c.alias === name);
    const parts = column?.original.split(".") ?? [];
    const source = parts.length === 2 ? byAlias.get(parts[0] ?? "") : byAlias.get(parsed.tables[0]?.alias ?? "");
    const original = parts[parts.length - 1]?.toLowerCase();
    const field = source?.fields.find((f) => f.name.toLowerCase() === original);
    if (!source || !(field instanceof FileField)) throw new Error("no query file field found");
    if (source.type !== "view") return { collection: source, field };
    current = source;
    name = field.name;
  }
  throw new Error("reached the max recursion level of view collection file field queries");
}

/**
 * findRecordByViewFile finds the record of a non-view collection that holds a file shown by a view
 * collection (views have no storage folder of their own; their files live with their source records).
 */
export async function findRecordByViewFile(
  app: App,
  view: Collection,
  fieldName: string,
  filename: string,
): Promise<RecordModel | null> {
  const { collection, field } = viewFileSource(app, view, fieldName);
  const column = sql`${ident(collection.name)}.${ident(field.name)}`;
  const match = field.isMultiple()
    ? app.db.dialect.jsonArrayContains(column, sql`${filename}`)
    : sql`${column} = ${filename}`;
  const row = await app.db.get<Record<string, unknown>>(
    sql`SELECT * FROM ${ident(collection.name)} WHERE ${match} LIMIT 1`,
  );
  return row ? new RecordModel(collection, row) : null;
}
