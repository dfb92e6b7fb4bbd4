import { buildIndex, findSingleColumnUniqueIndex, isValidIndex, parseIndex } from "../db/index-sql.ts";
import { sql } from "../db/sql.ts";
import {
  inList,
  length,
  match,
  type Rule,
  required,
  ValidationError,
  ValidationErrors,
  validate,
  validateObject,
} from "../tools/validation/validation.ts";
import type { App } from "./app.ts";
import { Collection, collectionTypes, ruleNames } from "./collection-model.ts";
import { collectionsTable } from "./collection-query.ts";
import { hasTable } from "./collection-record-table-sync.ts";
import { validateAuthOptions } from "./collection-validate-auth.ts";
import { checkRule, systemRuleUnchanged } from "./collection-validate-rules.ts";
import { noVia } from "./field.ts";
import { BoolField } from "./field-bool.ts";
import { EmailField } from "./field-email.ts";
import { PasswordField } from "./field-password.ts";
import { TextField } from "./field-text.ts";
import { FieldsList } from "./fields-list.ts";
import { checkViewQuery, createViewFields, keepViewFieldIds, ViewQueryError } from "./view.ts";

const namePattern = /^\w+$/;
const idPattern = /^\w+$/;
const reservedAuthFieldNames = ["passwordConfirm", "oldPassword"];

/**
 * validateCollection checks a collection about to be saved against the stored one (null when new) and
 * throws ValidationErrors keyed by the collection's JSON keys.
 */
export async function validateCollection(app: App, next: Collection, stored: Collection | null): Promise<void> {
  const original = stored ?? Collection.create(next.type, "");
  const isNew = stored === null;
  if (next.type === "view") {
    // a view's fields always come from its query, whatever the body said
    try {
      next.fields = keepViewFieldIds(await createViewFields(app, next.viewQuery), next.fields);
    } catch (err) {
      next.fields = err instanceof ViewQueryError ? err.fields : new FieldsList();
    }
  }
  const errs = validateObject(
    { id: next.id, system: next.system, type: next.type, name: next.name, indexes: next.indexes },
    {
      id: isNew
        ? [required, length(1, 100), match(idPattern), await uniqueId(app, next.id)]
        : [
            required,
            (v) =>
              v === original.id ? null : new ValidationError("validation_values_mismatch", "Values don't match."),
          ],
      system: [
        (v) =>
          !isNew && v !== original.system
            ? new ValidationError(
                "validation_collection_system_flag_change",
                "System collection state cannot be changed.",
              )
            : null,
      ],
      type: [
        required,
        inList(...collectionTypes),
        (v) =>
          !isNew && v !== original.type
            ? new ValidationError("validation_collection_type_change", "Collection type cannot be changed.")
            : null,
      ],
      name: [
        required,
        length(1, Math.min(255, app.db.dialect.maxIdentifierLength)),
        noVia,
        match(namePattern),
        (v) =>
          !isNew && original.system && v !== original.name
            ? new ValidationError(
                "validation_collection_system_name_change",
                "System collection name cannot be changed.",
              )
            : null,
        await uniqueName(app, next, original),
      ],
      indexes: [await checkIndexes(app, next, original, isNew)],
    },
  );
  errs.set("fields", checkFields(app, next, original, isNew));
  const ruleSyntax = checkRule(app, next);
  for (const r of ruleNames) {
    const viewWrite = next.type === "view" && r !== "listRule" && r !== "viewRule";
    errs.set(
      r,
      validate(
        next[r],
        (v) => (viewWrite && v !== null ? new ValidationError("validation_nil", "must be blank") : null),
        ruleSyntax,
        systemRuleUnchanged(original, isNew, original[r]),
      ),
    );
  }
  const optionErrs =
    next.type === "auth"
      ? validateAuthOptions(app, next, original, isNew)
      : next.type === "view"
        ? await validateViewOptions(app, next)
        : null;
  if (optionErrs) for (const [k, v] of Object.entries(optionErrs.errors)) errs.set(k, v);
  errs.throwIfAny();
}

async function uniqueId(app: App, id: string): Promise<Rule> {
  const exists = id !== "" && (await app.db.get(sql`SELECT 1 AS x FROM ${collectionsTable} WHERE id = ${id}`));
  return () =>
    exists
      ? new ValidationError("validation_invalid_or_existing_id", "The model id is invalid or already exists.")
      : null;
}

async function uniqueName(app: App, next: Collection, original: Collection): Promise<Rule> {
  const name = next.name;
  const lower = name.toLowerCase();
  const sameName = app.findAllCollections().find((c) => c.name.toLowerCase() === lower && c.id !== original.id);
  const sameId = name !== "" && (await app.db.get(sql`SELECT 1 AS x FROM ${collectionsTable} WHERE id = ${name}`));
  const tableTaken =
    name !== "" &&
    original.name !== name &&
    !sameName &&
    !app.findAllCollections().some((c) => c.name.toLowerCase() === lower) &&
    (await hasTable(app.db, name));
  return () => {
    if (sameName)
      return new ValidationError(
        "validation_collection_name_exists",
        "Collection name must be unique (case insensitive).",
      );
    if (sameId)
      return new ValidationError(
        "validation_collection_name_id_duplicate",
        "The name must not match an existing collection id.",
      );
    if (tableTaken)
      return new ValidationError(
        "validation_collection_name_invalid",
        "The name shouldn't match with an existing internal table.",
      );
    return null;
  };
}

function checkFields(
  app: App,
  next: Collection,
  original: Collection,
  isNew: boolean,
): ValidationError | ValidationErrors | null {
  const fields = next.fields;
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const [i, f] of fields.entries()) {
    if (ids.has(f.id)) {
      return new ValidationErrors({
        [i]: new ValidationErrors({
          id: new ValidationError(
            "validation_duplicated_field_id",
            `Duplicated or invalid field id ${JSON.stringify(f.id)}`,
          ),
        }),
      });
    }
    const lower = f.name.toLowerCase();
    if (names.has(lower)) {
      return new ValidationErrors({
        [i]: new ValidationErrors({
          name: new ValidationError(
            "validation_duplicated_field_name",
            "Duplicated or invalid field name {{.fieldName}}",
            { fieldName: f.name },
          ),
        }),
      });
    }
    ids.add(f.id);
    names.add(lower);
  }
  const minErr = checkMinFields(next);
  if (minErr) return minErr;
  if (next.type !== "view" && !isNew) {
    for (const old of original.fields) {
      if (!old.system) continue;
      const now = fields.byId(old.id);
      if (!now || now.name !== old.name)
        return new ValidationError("validation_system_field_change", "System fields cannot be deleted or renamed.");
    }
    const typeErrs = new ValidationErrors();
    for (const [i, f] of fields.entries()) {
      const old = original.fields.byId(f.id);
      if (old && old.type !== f.type)
        typeErrs.set(String(i), new ValidationError("validation_field_type_change", "Field type cannot be changed."));
    }
    if (!typeErrs.isEmpty) return typeErrs;
  }
  if (next.type === "auth") {
    const reserved = new ValidationErrors();
    for (const [i, f] of fields.entries()) {
      if (reservedAuthFieldNames.includes(f.name)) {
        reserved.set(
          String(i),
          new ValidationErrors({
            name: new ValidationError(
              "validation_reserved_field_name",
              "The field name is reserved and cannot be used.",
            ),
          }),
        );
      }
    }
    if (!reserved.isEmpty) return reserved;
  }
  const settingsErrs = new ValidationErrors();
  for (const [i, f] of fields.entries()) {
    const originalField = isNew ? null : (original.fields.byId(f.id) ?? null);
    settingsErrs.set(
      String(i),
      f.validateSettings({ app, collection: next, original: isNew ? null : original, originalField }),
    );
  }
  return settingsErrs.isEmpty ? null : settingsErrs;
}

function checkMinFields(c: Collection): ValidationError | ValidationErrors | null {
  if (c.fields.length === 0) return new ValidationError("validation_required", "cannot be blank");
  const id = c.fields.byName("id");
  if (!(id instanceof TextField) || !id.primaryKey)
    return new ValidationError("validation_missing_primary_key", 'Missing or invalid "id" PK field.');
  if (c.type !== "auth") return null;
  const mustBeSystemAndHidden = () =>
    new ValidationError("validation_must_be_system_and_hidden", 'The field must be marked as "System" and "Hidden".');
  const mustBeSystem = () => new ValidationError("validation_must_be_system", 'The field must be marked as "System".');
  const password = c.fields.byName("password");
  if (!(password instanceof PasswordField))
    return new ValidationError("validation_missing_password_field", 'System "password" field is required.');
  if (!password.hidden || !password.system) return new ValidationErrors({ password: mustBeSystemAndHidden() });
  const tokenKey = c.fields.byName("tokenKey");
  if (!(tokenKey instanceof TextField))
    return new ValidationError("validation_missing_tokenKey_field", 'System "tokenKey" field is required.');
  if (!tokenKey.hidden || !tokenKey.system) return new ValidationErrors({ tokenKey: mustBeSystemAndHidden() });
  const email = c.fields.byName("email");
  if (!(email instanceof EmailField))
    return new ValidationError("validation_missing_email_field", 'System "email" field is required.');
  if (!email.system) return new ValidationErrors({ email: mustBeSystem() });
  for (const name of ["emailVisibility", "verified"]) {
    const f = c.fields.byName(name);
    if (!(f instanceof BoolField))
      return new ValidationError(`validation_missing_${name}_field`, `System "${name}" field is required.`);
    if (!f.system) return new ValidationErrors({ [name]: mustBeSystem() });
  }
  return null;
}

async function checkIndexes(app: App, next: Collection, original: Collection, isNew: boolean): Promise<Rule> {
  const usedElsewhere = new Map<string, string>();
  const listed = app.db.dialect.listIndexesSql();
  const rows = await app.db.all<{ name: string; table: string }>(listed.text, listed.params);
  for (const r of rows) {
    const tbl = r.table.toLowerCase();
    if (tbl !== original.name.toLowerCase() && tbl !== next.name.toLowerCase())
      usedElsewhere.set(r.name.toLowerCase(), r.table);
  }
  return (value) => {
    const indexes = value as string[];
    if (next.type === "view" && indexes.length > 0) {
      return new ValidationError("validation_indexes_not_supported", "View collections don't support indexes.");
    }
    const names = new Set<string>();
    const definitions = new Set<string>();
    for (const [i, raw] of indexes.entries()) {
      const idx = parseIndex(raw);
      idx.tableName = "validator";
      if (!isValidIndex(idx)) {
        return new ValidationErrors({
          [i]: new ValidationError("validation_invalid_index_expression", "Invalid CREATE INDEX expression."),
        });
      }
      const longest = app.db.dialect.maxIdentifierLength;
      if (Buffer.byteLength(idx.indexName) > longest) {
        return new ValidationErrors({
          [i]: new ValidationError(
            "validation_length_out_of_range",
            "The index name must be no longer than {{.max}} bytes on this database.",
            { max: longest },
          ),
        });
      }
      const lower = idx.indexName.toLowerCase();
      if (names.has(lower)) {
        return new ValidationErrors({
          [i]: new ValidationError("validation_duplicated_index_name", "The index name already exists."),
        });
      }
      names.add(lower);
      const usedTable = usedElsewhere.get(lower);
      if (usedTable) {
        return new ValidationErrors({
          [i]: new ValidationError(
            "validation_existing_index_name",
            "The index name is already used in {{.usedTableName}} collection.",
            {
              usedTableName: usedTable,
            },
          ),
        });
      }
      const definition = buildIndex({ ...idx, schemaName: "validator", indexName: "validator" });
      if (definitions.has(definition)) {
        return new ValidationErrors({
          [i]: new ValidationError("validation_duplicated_index_definition", "The index definition already exists."),
        });
      }
      definitions.add(definition);
    }
    if (!isNew) {
      const err = checkSystemUniqueIndexesKept(original, indexes);
      if (err) return err;
    }
    if (next.type === "auth") {
      for (const name of ["tokenKey", "email"]) {
        if (!findSingleColumnUniqueIndex(indexes, name)) {
          return new ValidationError(
            "validation_missing_required_unique_index",
            'Missing required unique index for field "{{.fieldName}}".',
            {
              fieldName: name,
            },
          );
        }
      }
    }
    return null;
  };
}

/** Unique indexes on system fields can't be dropped or changed (only renamed or re-collated). */
function checkSystemUniqueIndexesKept(original: Collection, indexes: string[]): ValidationError | null {
  const shape = (raw: string) => {
    const idx = parseIndex(raw);
    return { ...idx, columns: idx.columns.map((c) => ({ ...c, collate: "", sort: "" })) };
  };
  for (const oldRaw of original.indexes) {
    const old = shape(oldRaw);
    if (!old.unique) continue;
    const systemField = original.fields.find(
      (f) => f.system && old.columns.some((c) => c.name.toLowerCase() === f.name.toLowerCase()),
    );
    if (!systemField) continue;
    const oldText = buildIndex(old);
    const kept = indexes.some((raw) => {
      const n = shape(raw);
      return (
        buildIndex({
          ...n,
          schemaName: old.schemaName,
          indexName: old.indexName,
          tableName: old.tableName,
          where: old.where,
        }) === oldText
      );
    });
    if (!kept) {
      return new ValidationError(
        "validation_invalid_unique_system_field_index",
        "Unique index definition on system fields ({{.fieldName}}) is invalid or missing.",
        {
          fieldName: systemField.name,
        },
      );
    }
  }
  return null;
}

async function validateViewOptions(app: App, c: Collection): Promise<ValidationErrors> {
  const queryErr = await checkViewQuery(app, c.viewQuery);
  return validateObject({ viewQuery: c.viewQuery }, { viewQuery: [required, () => queryErr] });
}
