import { ident, sql } from "../db/sql.ts";
import { randomStringByRegex } from "../tools/security/random-by-regex.ts";
import { ValidationError, ValidationErrors } from "../tools/validation/validation.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import { RecordErrorEvent, RecordEvent } from "./events.ts";
import type { InterceptAction } from "./field.ts";
import { PasswordValue } from "./field-password.ts";
import { RelationField } from "./field-relation.ts";
import { TextField } from "./field-text.ts";
import { RecordModel } from "./record-model.ts";
import { findRecordById, statements } from "./record-query.ts";

/** runInterceptors wraps an action with every field's interceptor for that stage. */
export function runInterceptors(
  app: App,
  record: RecordModel,
  action: InterceptAction,
  fn: () => Promise<void>,
): Promise<void> {
  let next = fn;
  for (const field of record.collection.fields) {
    const inner = next;
    next = () => field.intercept(app, record, action, inner);
  }
  return next();
}

/** validateRecord runs onRecordValidate, whose default action checks every field's value. */
export async function validateRecord(app: App, record: RecordModel): Promise<void> {
  await app.hooks.get("onRecordValidate").trigger(new RecordEvent(app, record, "validate"), (e) =>
    runInterceptors(e.app, e.record, "validate", async () => {
      const errs = new ValidationErrors();
      for (const f of e.record.collection.fields)
        errs.set(f.name, await f.validateValue({ app: e.app, record: e.record }));
      errs.throwIfAny();
    }),
  );
}

/**
 * saveRecord creates or updates a record: onRecordCreate/Update → (validation) → onRecordCreate/UpdateExecute
 * → the write; the after-success hooks (and field cleanups such as replaced files) run after the commit.
 */
export async function saveRecord(app: App, record: RecordModel, withValidation: boolean): Promise<void> {
  if (record.collection.type === "view") throw new Error("view collections don't support saving records");
  const isNew = record.isNew();
  const type = isNew ? "create" : "update";
  const hooks = app.hooks;
  const event = new RecordEvent(app, record, type);
  try {
    await hooks.get(isNew ? "onRecordCreate" : "onRecordUpdate").trigger(event, (e) =>
      runInterceptors(e.app, e.record, type, async () => {
        if (withValidation) await validateRecord(e.app, e.record);
        await hooks
          .get(isNew ? "onRecordCreateExecute" : "onRecordUpdateExecute")
          .trigger(e, (x) =>
            runInterceptors(x.app, x.record, isNew ? "createExecute" : "updateExecute", () =>
              writeRecord(x.app, x.record),
            ),
          );
      }),
    );
  } catch (err) {
    if (isNew) record.markAsNew();
    const errEvent = new RecordErrorEvent(app, record, type, err);
    await runInterceptors(app, record, isNew ? "afterCreateError" : "afterUpdateError", () =>
      hooks.get(isNew ? "onRecordAfterCreateError" : "onRecordAfterUpdateError").trigger(errEvent),
    );
    throw err;
  }
  await app.onTxComplete(async (txErr) => {
    if (txErr) {
      if (isNew) record.markAsNew();
      await runInterceptors(app, record, isNew ? "afterCreateError" : "afterUpdateError", () =>
        hooks
          .get(isNew ? "onRecordAfterCreateError" : "onRecordAfterUpdateError")
          .trigger(new RecordErrorEvent(app, record, type, txErr)),
      );
      return;
    }
    await runInterceptors(app, record, isNew ? "afterCreate" : "afterUpdate", () =>
      hooks.get(isNew ? "onRecordAfterCreateSuccess" : "onRecordAfterUpdateSuccess").trigger(event),
    );
  });
}

/** writeRecord runs the INSERT or UPDATE, turning unique-constraint failures into field errors. */
async function writeRecord(app: App, record: RecordModel): Promise<void> {
  const c = record.collection;
  if (c.type === "auth") await prepareAuthRecord(app, record);
  if (record.id === "") {
    const idField = c.fields.byName("id");
    if (idField instanceof TextField && idField.autogeneratePattern)
      record.id = randomStringByRegex(idField.autogeneratePattern);
  }
  const stmts = statements(app.db, c);
  const row = record.dbExport();
  const values = stmts.insertColumns.map((name) => row[name] ?? null);
  try {
    if (record.isNew()) await app.db.run(stmts.insert, values);
    else {
      if (record.id !== record.lastSavedPk()) throw new Error("primary key change is not allowed");
      await app.db.run(stmts.update, [...values, record.lastSavedPk()]);
    }
  } catch (err) {
    throw normalizeUniqueError(app, record, err);
  }
  record.markAsNotNew();
}

/** A unique-constraint failure becomes `validation_not_unique` on the fields it names. */
function normalizeUniqueError(app: App, record: RecordModel, err: unknown): unknown {
  const v = app.db.dialect.uniqueViolation(err);
  if (!v) return err;
  const errs = new ValidationErrors();
  for (const col of v.columns) {
    if (record.collection.fields.byName(col))
      errs.set(col, new ValidationError("validation_not_unique", "Value must be unique"));
  }
  return errs.isEmpty ? err : errs;
}

/**
 * prepareAuthRecord refreshes the token key when the password or email changed (invalidating every token)
 * and refuses an id used by another auth collection's record.
 */
async function prepareAuthRecord(app: App, record: RecordModel): Promise<void> {
  if (!record.isNew()) {
    const stored = await findRecordById(app.db, record.collection, record.lastSavedPk());
    if (stored && stored.tokenKey() === record.tokenKey()) {
      const password = record.getRaw("password");
      const passwordChanged = password instanceof PasswordValue && password.plain !== "";
      if (passwordChanged || stored.email() !== record.email()) refreshTokenKey(record);
    }
  }
  for (const other of app.findAllCollections("auth")) {
    if (other.id === record.collection.id) continue;
    if (await findRecordById(app.db, other, record.id)) {
      throw new ValidationErrors({
        id: new ValidationError("validation_invalid_auth_id", "Invalid or duplicated auth record id."),
      });
    }
  }
}

/** refreshTokenKey gives an auth record a new random token key, invalidating all its tokens. */
export function refreshTokenKey(record: RecordModel): void {
  const field = record.collection.fields.byName("tokenKey");
  const pattern =
    field instanceof TextField && field.autogeneratePattern ? field.autogeneratePattern : "[a-zA-Z0-9]{50}";
  record.setRaw("tokenKey", randomStringByRegex(pattern));
}

/**
 * deleteRecord removes a record and, in the same transaction, updates or cascade-deletes the records that
 * reference it; a required reference that would become empty fails the whole delete.
 */
export async function deleteRecord(app: App, record: RecordModel): Promise<void> {
  if (record.collection.type === "view") throw new Error("view collections don't support deleting records");
  const hooks = app.hooks;
  const event = new RecordEvent(app, record, "delete");
  try {
    await hooks.get("onRecordDelete").trigger(event, (e) =>
      runInterceptors(e.app, e.record, "delete", () =>
        hooks.get("onRecordDeleteExecute").trigger(e, async (x) => {
          const refs = x.app.findCollectionReferences(x.record.collection);
          await x.app.runInTransaction(async (txApp) => {
            await txApp.db.run(statements(txApp.db, x.record.collection).deleteById, [x.record.id]);
            await cascade(txApp, x.record, refs);
          });
        }),
      ),
    );
  } catch (err) {
    await runInterceptors(app, record, "afterDeleteError", () =>
      hooks.get("onRecordAfterDeleteError").trigger(new RecordErrorEvent(app, record, "delete", err)),
    );
    throw err;
  }
  await app.onTxComplete(async (txErr) => {
    if (txErr) {
      await runInterceptors(app, record, "afterDeleteError", () =>
        hooks.get("onRecordAfterDeleteError").trigger(new RecordErrorEvent(app, record, "delete", txErr)),
      );
      return;
    }
    await runInterceptors(app, record, "afterDelete", async () => {
      await hooks.get("onRecordAfterDeleteSuccess").trigger(event);
    });
    await app
      .filesystem()
      .deletePrefix(`${record.collection.id}/${record.id}/`)
      .catch((err) =>
        app.logger.warn("failed to delete the files of a deleted record", { id: record.id, error: String(err) }),
      );
  });
}

/** RequiredReferenceError is the failure of a delete blocked by a required relation. */
export class RequiredReferenceError extends Error {}

async function cascade(app: App, main: RecordModel, refs: Map<Collection, string[]>): Promise<void> {
  const sorted = [...refs.entries()].sort(([a], [b]) => a.name.localeCompare(b.name));
  for (const [refCollection, fieldNames] of sorted) {
    if (refCollection.type === "view") continue;
    for (const name of fieldNames) {
      const field = refCollection.fields.byName(name);
      if (!(field instanceof RelationField)) continue;
      const column = sql`${ident(refCollection.name)}.${ident(name)}`;
      const match = field.isMultiple()
        ? app.db.dialect.jsonArrayContains(column, sql`${main.id}`)
        : sql`${column} = ${main.id}`;
      const selfExclusion =
        refCollection.id === main.collection.id
          ? sql` AND ${ident(refCollection.name)}.${ident("id")} != ${main.id}`
          : sql``;
      const rows = await app.db.all<Record<string, unknown>>(
        sql`SELECT * FROM ${ident(refCollection.name)} WHERE ${match}${selfExclusion}`,
      );
      for (const row of rows) {
        const ref = new RecordModel(refCollection, row);
        const ids = ref.getStringList(name).filter((id) => id !== main.id);
        if (field.cascadeDelete && ids.length === 0) {
          await app.delete(ref);
          continue;
        }
        if (field.required && ids.length === 0) {
          throw new RequiredReferenceError(
            `the record cannot be deleted because it is part of a required reference in record ${ref.id} (${refCollection.name} collection)`,
          );
        }
        ref.set(name, ids);
        await app.saveNoValidate(ref);
      }
    }
  }
}
