import { arrayOf, type JsonSchema, oneOrMany } from "../tools/jsonschema/schema.ts";

/**
 * The named schemas field values refer to, shared by the generated TypeScript (as type aliases) and the
 * OpenAPI document (as components): a value typed `IsoDateString` reads the same in both.
 */
export const sharedValueSchemas = {
  RecordIdString: { type: "string", description: "A record id." },
  IsoDateString: {
    type: "string",
    description: 'A UTC datetime as `2006-01-02 15:04:05.000Z`, or "" when unset.',
  },
  FileNameString: { type: "string", description: "The stored name of a file of the record." },
  HTMLString: { type: "string", description: "Rich text (HTML)." },
  GeoPoint: {
    type: "object",
    description: "A point on Earth, in degrees.",
    properties: { lon: { type: "number" }, lat: { type: "number" } },
    required: ["lon", "lat"],
  },
  FileUpload: {
    type: "string",
    format: "binary",
    contentMediaType: "application/octet-stream",
    description: "A file uploaded in a multipart/form-data body.",
  },
} as const satisfies Record<string, JsonSchema>;

export type SharedValueSchemaName = keyof typeof sharedValueSchemas;

/** The `$ref` prefix of named schemas (OpenAPI's components; the TypeScript output names them alike). */
export const schemaRefPrefix = "#/components/schemas/";

/** schemaRef refers to a named schema. */
export function schemaRef(name: string): JsonSchema {
  return { $ref: `${schemaRefPrefix}${name}` };
}

/** A body key that changes a field's value relative to the current one (`tags+`, `+tags`, `count-`, ...). */
export interface FieldModifier {
  key: string;
  schema: JsonSchema;
  description: string;
  /** Whether it changes the current value (so it means something in an update only). */
  relative: boolean;
}

/**
 * FieldValueSchema says how a field's value looks on the wire: in a record's JSON, and in the bodies that
 * create and update records (a `FileUpload` there is a multipart part). Both generated outputs, the
 * TypeScript types and the OpenAPI document, are built from it.
 */
export interface FieldValueSchema {
  /** The value in a record's JSON (when the field is exported at all). */
  response: JsonSchema;
  /** What a create body may send; null when clients can't set it. */
  create: JsonSchema | null;
  /** What an update body may send; null when clients can't change it. */
  update: JsonSchema | null;
  /** Whether a create must send a value (the field is required and nothing generates one). */
  requiredOnCreate: boolean;
  /** The modifier keys the field accepts in create and update bodies. */
  modifiers: FieldModifier[];
}

/** sameInput is a FieldValueSchema whose response, create and update values share one schema. */
export function sameInput(schema: JsonSchema, requiredOnCreate: boolean, modifiers: FieldModifier[] = []) {
  return { response: schema, create: schema, update: schema, requiredOnCreate, modifiers } satisfies FieldValueSchema;
}

/** removeModifier is the `name-` key of a select, relation or file field. */
export function removeModifier(name: string, remove: JsonSchema): FieldModifier {
  return { key: `${name}-`, schema: oneOrMany(remove), description: `Removes from \`${name}\`.`, relative: true };
}

/**
 * listModifiers are the `+name`, `name+` and `name-` keys of a multiple select, relation or file field. A
 * single one takes them too, but they only replace or clear its value: none are listed for it.
 */
export function listModifiers(name: string, add: JsonSchema, remove: JsonSchema, multiple: boolean): FieldModifier[] {
  if (!multiple) return [];
  return [
    { key: `+${name}`, schema: oneOrMany(add), description: `Prepends to \`${name}\`.`, relative: true },
    { key: `${name}+`, schema: oneOrMany(add), description: `Appends to \`${name}\`.`, relative: true },
    removeModifier(name, remove),
  ];
}

/**
 * listValue is the value of a single or multiple field: one item ("" when empty) or a list, of unique items
 * unless they are uploads (each upload is stored under a new name, so none is a duplicate).
 */
export function listValue(item: JsonSchema, multiple: boolean, maxSelect: number, unique = true): JsonSchema {
  if (!multiple) return item;
  return arrayOf(item, { ...(unique ? { uniqueItems: true } : {}), ...(maxSelect > 0 ? { maxItems: maxSelect } : {}) });
}
