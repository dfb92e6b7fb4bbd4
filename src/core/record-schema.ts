import { findSingleColumnUniqueIndex } from "../db/index-sql.ts";
import { arrayOf, type JsonSchema, objectSchema } from "../tools/jsonschema/schema.ts";
import type { Collection } from "./collection-model.ts";
import type { Field } from "./field.ts";
import { RelationField } from "./field-relation.ts";
import { schemaRef } from "./field-value-schema.ts";

/**
 * Who a description is for: superusers see every collection, hidden fields and the admin APIs; the public
 * description leaves out what only superusers can reach.
 */
export type SchemaAudience = "superuser" | "public";

/**
 * CollectionRecordSchema is the JSON shape of one collection's records in every direction, as JSON Schemas
 * whose `$ref`s name the shared value schemas and the other collections' types. The generated TypeScript and
 * the OpenAPI document are both rendered from it.
 */
export interface CollectionRecordSchema {
  collection: Collection;
  /** The prefix of the collection's type names, unique among them: `Posts` (`PostsResponse`, `PostsCreate`...). */
  typeName: string;
  /** Every field as server code reads it (`record.get`): hidden fields and the password included. */
  record: JsonSchema;
  /** The record's JSON as the API answers it, `expand` included. */
  response: JsonSchema;
  /** The relations `?expand=` can follow, each typed with the related collection's response. */
  expand: JsonSchema;
  /** A create body (null for views, which are read-only). */
  create: JsonSchema | null;
  /** An update body (null for views). */
  update: JsonSchema | null;
}

/** The names each collection's types take: `<typeName><suffix>`. */
export const recordTypeSuffixes = ["Record", "Response", "Expand", "Create", "Update"] as const;

/** recordTypeName is the name of a collection's type of one kind, as both outputs call it. */
export function recordTypeName(typeName: string, suffix: (typeof recordTypeSuffixes)[number]): string {
  return typeName + suffix;
}

const authHiddenKeys = new Set(["password", "tokenKey"]);

/** describeRecords describes the records of each collection, for an audience. */
export function describeRecords(
  collections: readonly Collection[],
  audience: SchemaAudience,
): CollectionRecordSchema[] {
  const names = typeNames(collections);
  const nameOf = (c: Collection) => names.get(c) ?? "";
  const byId = new Map(collections.map((c) => [c.id, c]));
  return collections.map((c) => ({
    collection: c,
    typeName: nameOf(c),
    record: recordSchema(c),
    response: responseSchema(c, audience, nameOf(c), byId),
    expand: expandSchema(c, collections, byId, audience, nameOf),
    create: c.type === "view" ? null : inputSchema(c, audience, "create", byId),
    update: c.type === "view" ? null : inputSchema(c, audience, "update", byId),
  }));
}

/** typeNames gives each collection a PascalCase prefix, numbered when two names would collide. */
export function typeNames(collections: readonly Collection[]): Map<Collection, string> {
  const out = new Map<Collection, string>();
  const taken = new Set<string>();
  for (const c of collections) {
    const words = c.name.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/).filter((w) => w !== "");
    let base = words.map((w) => (w[0] ?? "").toUpperCase() + w.slice(1)).join("");
    if (base === "" || /^[0-9]/.test(base)) base = `_${base}`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
    taken.add(name);
    out.set(c, name);
  }
  return out;
}

/** isExported tells whether a field appears in a record's JSON at all (for superusers, hidden ones do). */
function isExported(c: Collection, f: Field): boolean {
  return !(c.type === "auth" && authHiddenKeys.has(f.name));
}

function fieldDescription(f: Field, ...notes: string[]): string | undefined {
  const text = [f.help, ...notes].filter((t) => t !== "").join("\n\n");
  return text === "" ? undefined : text;
}

function describe(schema: JsonSchema, description: string | undefined): JsonSchema {
  if (description === undefined) return schema;
  // a $ref's siblings are honoured in OpenAPI 3.1; merging the text keeps the referenced one as well
  const text = schema.description ? `${description}\n\n${schema.description}` : description;
  return { ...schema, description: text };
}

function relationNote(f: Field, collections: ReadonlyMap<string, Collection>): string {
  if (!(f instanceof RelationField)) return "";
  const target = collections.get(f.collectionId);
  return target
    ? `${f.isMultiple() ? "Ids of" : "The id of a"} \`${target.name}\` record${f.isMultiple() ? "s" : ""}.`
    : "";
}

function recordSchema(c: Collection): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const f of c.fields) {
    properties[f.name] = f.type === "password" ? { type: "string" } : f.valueSchema().response;
  }
  return objectSchema(
    properties,
    c.fields.map((f) => f.name),
    { description: `A \`${c.name}\` record as server code reads it (\`record.get\`): every field.` },
  );
}

function responseSchema(
  c: Collection,
  audience: SchemaAudience,
  typeName: string,
  byId: ReadonlyMap<string, Collection>,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const f of c.fields) {
    if (!isExported(c, f)) continue;
    if (f.hidden && audience === "public") continue;
    const notes = [relationNote(f, byId)];
    if (f.hidden) notes.push("Hidden: only superusers see it.");
    const emailMayHide = c.type === "auth" && f.name === "email";
    if (emailMayHide) {
      notes.push(
        "Left out unless `emailVisibility` is true or the requester is the record itself, a superuser or a manager.",
      );
    }
    properties[f.name] = describe(f.valueSchema().response, fieldDescription(f, ...notes));
    if (!f.hidden && !emailMayHide) required.push(f.name);
  }
  properties.collectionId = { const: c.id };
  properties.collectionName = { const: c.name };
  properties.expand = describe(
    schemaRef(recordTypeName(typeName, "Expand")),
    "The relations asked for with `?expand=`.",
  );
  required.push("collectionId", "collectionName");
  return objectSchema(properties, required, { description: `A \`${c.name}\` record as the API answers it.` });
}

/** The keys of auth create and update bodies that are not fields. */
function authInputKeys(kind: "create" | "update"): Record<string, JsonSchema> {
  const password = { type: "string", writeOnly: true } as const;
  const keys: Record<string, JsonSchema> = {
    passwordConfirm: { ...password, description: "The new password again; required with `password`." },
  };
  if (kind === "update") {
    keys.oldPassword = {
      ...password,
      description: "The current password; required with `password` unless a superuser or a manager changes it.",
    };
  }
  return keys;
}

function inputSchema(
  c: Collection,
  audience: SchemaAudience,
  kind: "create" | "update",
  byId: ReadonlyMap<string, Collection>,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const isAuth = c.type === "auth";
  for (const f of c.fields) {
    const value = f.valueSchema();
    const schema = kind === "create" ? value.create : value.update;
    // the token key is the server's own: it changes with the password or the email
    if (schema === null || (isAuth && f.name === "tokenKey")) continue;
    // hidden fields sent by others than superusers are dropped (an auth record's password is the exception)
    const isPassword = isAuth && f.name === "password";
    if (f.hidden && !isPassword && audience === "public") continue;
    const notes = [relationNote(f, byId)];
    if (f.hidden && !isPassword) notes.push("Hidden: only superusers may set it.");
    if (isAuth && f.name === "verified") notes.push("Only superusers and managers may set it.");
    if (isAuth && f.name === "email" && kind === "update") {
      notes.push(
        "Only superusers and managers may change it here; a record changes its own with an email change request.",
      );
    }
    properties[f.name] = describe(schema, fieldDescription(f, ...notes));
    if (kind === "create" && value.requiredOnCreate) required.push(f.name);
    for (const m of value.modifiers) {
      if (kind === "update" || !m.relative) properties[m.key] = describe(m.schema, m.description);
    }
  }
  if (isAuth) {
    Object.assign(properties, authInputKeys(kind));
    if (kind === "create" && required.includes("password")) required.push("passwordConfirm");
  }
  const verb = kind === "create" ? "creates" : "updates";
  return objectSchema(properties, required, {
    description: `What a body that ${verb} a \`${c.name}\` record may send (JSON, or multipart/form-data with files).`,
  });
}

function expandSchema(
  c: Collection,
  collections: readonly Collection[],
  byId: ReadonlyMap<string, Collection>,
  audience: SchemaAudience,
  nameOf: (c: Collection) => string,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  // a collection only superusers may view is never expanded for anybody else
  const reachable = (target: Collection) => audience === "superuser" || target.viewRule !== null;
  const responseOf = (target: Collection) => schemaRef(recordTypeName(nameOf(target), "Response"));
  for (const f of c.fields) {
    if (!(f instanceof RelationField) || (f.hidden && audience === "public")) continue;
    const target = byId.get(f.collectionId);
    if (!target || !reachable(target)) continue;
    properties[f.name] = describe(
      f.isMultiple() ? arrayOf(responseOf(target)) : responseOf(target),
      `The \`${target.name}\` record${f.isMultiple() ? "s" : ""} of \`${f.name}\`.`,
    );
  }
  // back-relations: `<collection>_via_<field>`, one record when a unique index holds the field
  for (const other of collections) {
    if (!reachable(other)) continue;
    for (const f of other.fields) {
      if (!(f instanceof RelationField) || f.collectionId !== c.id || (f.hidden && audience === "public")) continue;
      const single = findSingleColumnUniqueIndex(other.indexes, f.name) !== null;
      properties[`${other.name}_via_${f.name}`] = describe(
        single ? responseOf(other) : arrayOf(responseOf(other)),
        `The \`${other.name}\` record${single ? "" : "s"} whose \`${f.name}\` points at this one.`,
      );
    }
  }
  return objectSchema(properties, [], {
    description: `The relations of a \`${c.name}\` record that \`?expand=\` can follow.`,
  });
}
