import { pseudorandomString } from "../tools/security/random.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import type { Field } from "./field.ts";
import { BoolField } from "./field-bool.ts";
import { JSONField } from "./field-json.ts";
import { NumberField } from "./field-number.ts";
import { RelationField } from "./field-relation.ts";
import { TextField } from "./field-text.ts";
import { FieldsList } from "./fields-list.ts";
import { fieldFromJSON } from "./fields-registry.ts";
import { hasMultipleStatements, parseSelect } from "./view-query-parser.ts";

const castPattern = /^cast\s*\(.*\s+as\s+(\w+)\s*\)$/is;

/** normalizeViewQuery trims the query and refuses more than one statement. */
export function normalizeViewQuery(query: string): string {
  const q = query.trim().replace(/^;+|;+$/g, "");
  if (hasMultipleStatements(q)) throw new Error("multiple statements are not supported");
  return q;
}

function viewIdField(): TextField {
  return new TextField({ name: "id", system: true, required: true, primaryKey: true, pattern: "^[a-z0-9]+$" });
}

function defaultViewField(name: string): Field {
  return name === "id" ? viewIdField() : new JSONField({ name, maxSize: 1 });
}

/** inferFields guesses a field for each selected column from the SQL text and the known collections. */
function inferFields(app: App, query: string): Map<string, Field> {
  const parsed = parseSelect(query);
  const byAlias = new Map<string, Collection>();
  for (const t of parsed.tables) {
    if (t.alias.includes("(")) continue;
    const c = app.findAllCollections().find((x) => x.name === t.original);
    if (c) byAlias.set(t.alias, c);
  }
  const main = parsed.tables[0];
  const out = new Map<string, Field>();
  for (const col of parsed.columns) {
    if (col.alias === "*") {
      throw new Error(
        "wildcard columns (*) are not supported - manually type the collection field names you want the view query to have",
      );
    }
    const lower = col.original.toLowerCase();
    if (col.alias === "id") {
      out.set(col.alias, viewIdField());
      continue;
    }
    if (lower.startsWith("count(")) {
      out.set(col.alias, new NumberField({ name: col.alias, onlyInt: true }));
      continue;
    }
    if (lower.startsWith("total(")) {
      out.set(col.alias, new NumberField({ name: col.alias }));
      continue;
    }
    const cast = castPattern.exec(lower)?.[1];
    if (cast === "real" || cast === "decimal" || cast === "numeric") {
      out.set(col.alias, new NumberField({ name: col.alias }));
      continue;
    }
    if (cast === "int" || cast === "integer") {
      out.set(col.alias, new NumberField({ name: col.alias, onlyInt: true }));
      continue;
    }
    if (cast === "text") {
      out.set(col.alias, new TextField({ name: col.alias }));
      continue;
    }
    if (cast === "boolean" || cast === "bool") {
      out.set(col.alias, new BoolField({ name: col.alias }));
      continue;
    }
    const parts = col.original.split(".");
    const fieldName = parts.length === 2 ? (parts[1] ?? "") : (parts[0] ?? "");
    const source = parts.length === 2 ? byAlias.get(parts[0] ?? "") : main ? byAlias.get(main.alias) : undefined;
    const field = source?.fields.find((f) => f.name.toLowerCase() === fieldName.toLowerCase());
    if (!source || !field) {
      out.set(col.alias, defaultViewField(col.alias));
      continue;
    }
    if (fieldName.toLowerCase() === "id") {
      out.set(col.alias, new RelationField({ name: col.alias, maxSelect: 1, collectionId: source.id }));
      continue;
    }
    const copy = fieldFromJSON({ ...field.toJSON(), id: `_clone_${pseudorandomString(4)}`, name: col.alias });
    out.set(col.alias, copy);
  }
  return out;
}

/** queryColumns runs the query as a temporary view (inside a savepoint) and returns its column names and types. */
async function queryColumns(app: App, query: string): Promise<{ name: string; type: string }[]> {
  const temp = `_temp_${pseudorandomString(6)}`;
  const d = app.db.dialect;
  return app.db.transaction(async (tx) => {
    await tx.exec(d.createViewSql(temp, `SELECT * FROM (${query})`));
    try {
      const info = d.tableColumnsSql(temp);
      return d.tableColumns(await tx.all(info.text, info.params));
    } finally {
      await tx.exec(d.dropViewSql(temp));
    }
  });
}

/**
 * createViewFields infers a view collection's fields from its query: known collection fields are copied,
 * `table.id` becomes a relation, count()/total()/CAST(...) give numbers, text or bools, anything else json.
 */
export async function createViewFields(app: App, query: string): Promise<FieldsList> {
  const q = normalizeViewQuery(query);
  const suggested = inferFields(app, q);
  const columns = await queryColumns(app, q);
  const fields = new FieldsList();
  for (const col of columns) fields.add(suggested.get(col.name) ?? defaultViewField(col.name));
  if (!columns.some((c) => c.name === "id")) {
    throw new Error("missing required id column (you can use `(ROW_NUMBER() OVER()) as id` if you don't have one)");
  }
  return fields;
}

/** A view's id must be text: a query returning another type is wrapped to CAST it. */
async function normalizeViewQueryId(app: App, query: string): Promise<string> {
  const columns = await queryColumns(app, query);
  if (columns.some((c) => c.name.toLowerCase() === "id" && c.type.toUpperCase() === "TEXT")) return query;
  const d = app.db.dialect;
  const parsed = parseSelect(query);
  const cols = parsed.columns.map((c) =>
    c.alias === "id" ? `CAST(${d.quote("id")} as TEXT) ${d.quote("id")}` : d.quote(c.alias),
  );
  return `SELECT ${cols.join(",")} FROM (${query})`;
}

/** saveView (re)creates the SQL view of a view collection (dropping the old one, also under an old name). */
export async function saveView(app: App, name: string, oldName: string | null, query: string): Promise<void> {
  const d = app.db.dialect;
  const q = await normalizeViewQueryId(app, normalizeViewQuery(query));
  if (oldName) await app.db.exec(d.dropViewSql(oldName));
  await app.db.exec(d.dropViewSql(name));
  await app.db.exec(d.createViewSql(name, `SELECT * FROM (${q})`));
}
