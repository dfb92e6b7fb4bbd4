/** A JSON value a schema may name as a constant or in an enumeration. */
export type JsonScalar = string | number | boolean | null;

export type JsonSchemaType = "string" | "number" | "integer" | "boolean" | "null" | "array" | "object";

/**
 * JsonSchema is the part of JSON Schema 2020-12 (the dialect of OpenAPI 3.1) that Satchel describes values
 * with. An empty schema accepts any JSON value.
 */
export interface JsonSchema {
  $ref?: string;
  type?: JsonSchemaType | JsonSchemaType[];
  const?: JsonScalar;
  enum?: JsonScalar[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  title?: string;
  description?: string;
  format?: string;
  contentMediaType?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  readOnly?: boolean;
  writeOnly?: boolean;
  deprecated?: boolean;
  default?: unknown;
  examples?: unknown[];
}

/** refName is the last segment of a `$ref` (`#/components/schemas/Post` → `Post`). */
export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf("/") + 1);
}

/** objectSchema builds an object schema; `required` lists the keys that are always present. */
export function objectSchema(
  properties: Record<string, JsonSchema>,
  required: readonly string[] = [],
  extra: Omit<JsonSchema, "type" | "properties" | "required"> = {},
): JsonSchema {
  const schema: JsonSchema = { type: "object", properties };
  if (required.length > 0) schema.required = [...required];
  return { ...schema, ...extra };
}

/** arrayOf is a list of values of one schema. */
export function arrayOf(items: JsonSchema, extra: Omit<JsonSchema, "type" | "items"> = {}): JsonSchema {
  return { type: "array", items, ...extra };
}

/** oneOrMany accepts a single value or a list of them (how PocketBase reads list fields). */
export function oneOrMany(item: JsonSchema): JsonSchema {
  return { anyOf: [item, arrayOf(item)] };
}
