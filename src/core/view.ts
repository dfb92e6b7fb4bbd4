import type { Queryable } from "../db/driver.ts";
import { pseudorandomString, randomString } from "../tools/security/random.ts";
import { ValidationError, ValidationErrors } from "../tools/validation/validation.ts";
import type { App } from "./app.ts";
import { Collection } from "./collection-model.ts";
import type { Field } from "./field.ts";
import { BoolField } from "./field-bool.ts";
import { JSONField } from "./field-json.ts";
import { NumberField } from "./field-number.ts";
import { RelationField } from "./field-relation.ts";
import { TextField } from "./field-text.ts";
import { FieldsList } from "./fields-list.ts";
import { fieldFromJSON } from "./fields-registry.ts";
import { RecordModel } from "./record-model.ts";
import { hasMultipleStatements, parseSelect } from "./view-query-parser.ts";

const castPattern = /^cast\s*\(.*\s+as\s+(\w+)\s*\)$/is;

/**
 * ViewQueryError is a view query that can't be turned into fields. `fields` holds what could be inferred
 * before the failure (the columns of a query without an id column), so that validation can report on them.
 */
export class ViewQueryError extends Error {
  constructor(
    message: string,
    readonly fields: FieldsList = new FieldsList(),
  ) {
    super(message);
  }
}

/** normalizeViewQuery trims the query and its semicolons, and refuses more than one statement. */
export function normalizeViewQuery(query: string): string {
  const q = query.trim().replace(/^;+|;+$/g, "");
  if (hasMultipleStatements(q)) throw new ViewQueryError("multiple statements are not supported");
  return q;
}

function viewIdField(): TextField {
  return new TextField({ name: "id", system: true, required: true, primaryKey: true, pattern: "^[a-z0-9]+$" });
}

function defaultViewField(name: string): Field {
  return name === "id" ? viewIdField() : new JSONField({ name, maxSize: 1 });
}

/** castField is the field of a `CAST(... AS type)` column, if the type is one we map. */
function castField(type: string | undefined, name: string): Field | null {
  switch (type) {
    case "real":
    case "decimal":
    case "numeric":
      return new NumberField({ name });
    case "int":
    case "integer":
      return new NumberField({ name, onlyInt: true });
    case "text":
      return new TextField({ name });
    case "boolean":
    case "bool":
      return new BoolField({ name });
    default:
      return null;
  }
}

/** inferFields guesses a field for each selected column from the SQL text and the known collections. */
function inferFields(app: App, query: string): Map<string, Field> {
  const parsed = parseSelect(query);
  const byAlias = new Map<string, Collection>();
  const collections = app.findAllCollections();
  for (const t of parsed.tables) {
    if (t.alias.includes("(")) continue;
    const c = collections.find((x) => x.name === t.original);
    if (c) byAlias.set(t.alias, c);
  }
  const main = parsed.tables[0];
  const out = new Map<string, Field>();
  for (const col of parsed.columns) {
    if (col.alias === "*") {
      throw new ViewQueryError(
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
    const cast = castField(castPattern.exec(lower)?.[1], col.alias);
    if (cast) {
      out.set(col.alias, cast);
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
    // a fresh id, so that the same source field can be selected twice under different aliases
    const copy = fieldFromJSON({ ...field.toJSON(), id: `_clone_${pseudorandomString(4)}`, name: col.alias });
    out.set(col.alias, copy);
  }
  return out;
}

/** queryColumns runs the query as a temporary view (inside a savepoint) and returns its column names and types. */
async function queryColumns(db: Queryable, query: string): Promise<{ name: string; type: string }[]> {
  const temp = `_temp_${pseudorandomString(6)}`;
  const d = db.dialect;
  try {
    return await db.transaction(async (tx) => {
      await tx.exec(d.createViewSql(temp, `SELECT * FROM ${d.subquery(query)}`));
      try {
        const info = d.tableColumnsSql(temp);
        return d.tableColumns(await tx.all(info.text, info.params));
      } finally {
        await tx.exec(d.dropViewSql(temp));
      }
    });
  } catch (err) {
    throw err instanceof ViewQueryError ? err : new ViewQueryError(err instanceof Error ? err.message : String(err));
  }
}

/**
 * createViewFields infers a view collection's fields from its query: known collection fields are copied,
 * `table.id` becomes a relation, count()/total()/CAST(...) give numbers, text or bools, anything else json.
 * Every failure is a ViewQueryError.
 */
export async function createViewFields(app: App, query: string): Promise<FieldsList> {
  let suggested: Map<string, Field>;
  try {
    suggested = inferFields(app, query);
  } catch (err) {
    throw err instanceof ViewQueryError ? err : new ViewQueryError(err instanceof Error ? err.message : String(err));
  }
  const columns = await queryColumns(app.db, query);
  const fields = new FieldsList();
  for (const col of columns) fields.add(suggested.get(col.name) ?? defaultViewField(col.name));
  if (!columns.some((c) => c.name === "id")) {
    throw new ViewQueryError(
      "missing required id column (you can use `(ROW_NUMBER() OVER()) as id` if you don't have one)",
      fields,
    );
  }
  return fields;
}

/**
 * keepViewFieldIds gives each inferred field of a view the id of the field of the same name and type it
 * had before (PocketBase draws new `_clone_` ids at every save), so that saving a view again, or rebuilding
 * it from a migration file, keeps its field ids.
 */
export function keepViewFieldIds(inferred: FieldsList, previous: readonly Field[]): FieldsList {
  const taken = new Set(inferred.map((f) => f.id));
  for (const f of inferred) {
    const old = previous.find((p) => p.name === f.name && p.type === f.type);
    if (!old || old.id === "" || old.id === f.id || taken.has(old.id)) continue;
    taken.delete(f.id);
    f.id = old.id;
    taken.add(old.id);
  }
  return inferred;
}

/** The outcome of a dry run: the inferred fields and the first records the query returns. */
export interface DryRunViewResult {
  fields: FieldsList;
  sample: RecordModel[];
}

/**
 * dryRunView checks a view query without saving anything: it infers and validates the fields, then reads a
 * sample and refuses empty or repeated ids (a quick hint, not a guarantee for the whole result).
 */
export async function dryRunView(app: App, query: string, sampleSize: number): Promise<DryRunViewResult> {
  const q = normalizeViewQuery(query);
  const fields = await createViewFields(app, q);
  const temp = Collection.create("view", `temp_view_${randomString(5)}`);
  temp.fields = fields;
  for (const [i, f] of fields.entries()) {
    const errs = f.validateSettings({ app, collection: temp, original: null, originalField: null });
    if (!errs.isEmpty) throw new ViewQueryError(`invalid field "${f.name}" (${i}): ${describeErrors(errs)}`);
  }
  const d = app.db.dialect;
  const normalized = await normalizeViewQueryId(app.db, q);
  let rows: Record<string, unknown>[];
  try {
    rows = await app.db.all(
      `SELECT * FROM (SELECT * FROM ${d.subquery(normalized)}) AS ${d.quote(temp.name)} LIMIT ${sampleSize}`,
    );
  } catch (err) {
    throw new ViewQueryError(`failed to retrieve query records: ${err instanceof Error ? err.message : String(err)}`);
  }
  const sample = rows.map((r) => new RecordModel(temp, r));
  const ids = new Set<string>();
  for (const r of sample) {
    if (r.id === "") throw new ViewQueryError("the query could return records with empty or invalid ids");
    if (ids.has(r.id)) throw new ViewQueryError("the query could return records with non-unique ids");
    ids.add(r.id);
  }
  return { fields, sample };
}

/** describeErrors writes nested validation errors as one line: `key: message; other: (nested: message.).` */
function describeErrors(errs: ValidationErrors): string {
  const parts = Object.keys(errs.errors)
    .sort()
    .map((key) => {
      const e = errs.errors[key];
      return e instanceof ValidationErrors ? `${key}: (${describeErrors(e)})` : `${key}: ${e?.message ?? ""}`;
    });
  return `${parts.join("; ")}.`;
}

/** A view's id must be text: a query returning another type is wrapped to CAST it. */
async function normalizeViewQueryId(db: Queryable, query: string): Promise<string> {
  const columns = await queryColumns(db, query);
  if (columns.some((c) => c.name.toLowerCase() === "id" && c.type.toUpperCase() === "TEXT")) return query;
  const d = db.dialect;
  const cols = parseSelect(query).columns.map((c) =>
    c.alias === "id" ? `CAST(${d.quote("id")} as TEXT) ${d.quote("id")}` : d.quote(c.alias),
  );
  return `SELECT ${cols.join(",")} FROM ${d.subquery(query)}`;
}

/** saveView (re)creates the SQL view of a view collection (dropping the old one, also under an old name). */
export async function saveView(app: App, name: string, oldName: string | null, query: string): Promise<void> {
  if (oldName) await app.db.exec(app.db.dialect.dropViewSql(oldName));
  await app.db.exec(app.db.dialect.dropViewSql(name));
  await createView(app.db, name, query);
}

/** createView creates the SQL view of a view collection from its query, as saveView does. */
export async function createView(db: Queryable, name: string, query: string): Promise<void> {
  const d = db.dialect;
  const q = await normalizeViewQueryId(db, normalizeViewQuery(query));
  await db.exec(d.createViewSql(name, `SELECT * FROM ${d.subquery(q)}`));
}

/** checkViewQuery validates a view query with a dry run, giving the `viewQuery` error of a collection. */
export async function checkViewQuery(app: App, query: string): Promise<ValidationError | null> {
  if (query === "") return null;
  try {
    await dryRunView(app, query, 10);
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return new ValidationError("validation_invalid_view_query", `Invalid query - ${message.slice(0, 500)}`);
  }
}

/** fieldsSignature is a view's fields as JSON without their ids, to tell whether a re-inference changed them. */
function fieldsSignature(fields: readonly Field[]): string {
  return JSON.stringify(fields.map((f) => ({ ...f.toJSON(), id: "" }))).toLowerCase();
}

/**
 * resaveViewsWithChangedFields re-infers the fields of every view (except the excluded ones) and saves
 * those whose fields changed, so that views follow the collections they read. It throws one error naming
 * every view whose query no longer works or whose save failed.
 */
export async function resaveViewsWithChangedFields(app: App, ...excludeIds: string[]): Promise<void> {
  const views = app.findAllCollections("view").filter((v) => !excludeIds.includes(v.id));
  if (views.length === 0) return;
  await app.runInTransaction(async (txApp) => {
    const failures: string[] = [];
    for (const view of views) {
      try {
        const fresh = await createViewFields(txApp, normalizeViewQuery(view.viewQuery));
        if (fieldsSignature(fresh) === fieldsSignature(view.fields)) continue;
        await txApp.saveCollection(view.clone());
      } catch (err) {
        const message =
          err instanceof ValidationErrors ? describeErrors(err) : err instanceof Error ? err.message : String(err);
        failures.push(`[${view.name}] ${message}`);
      }
    }
    if (failures.length > 0) throw new Error(failures.join("\n"));
  });
}
