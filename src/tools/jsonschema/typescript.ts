import { type JsonScalar, type JsonSchema, type JsonSchemaType, refName } from "./schema.ts";

/** How schemas become TypeScript. */
export interface TypeScriptOptions {
  /** The TypeScript name a `$ref` stands for (default: the ref's last segment). */
  refType?: (ref: string) => string;
}

const identifier = /^[A-Za-z_$][\w$]*$/;

/** propertyKey is a property name as TypeScript writes it: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return identifier.test(name) ? name : JSON.stringify(name);
}

/** docComment is a JSDoc block for a text (empty for no text), indented to sit above a declaration. */
export function docComment(text: string | undefined, indent = ""): string {
  if (!text) return "";
  const lines = text.replaceAll("*/", "*\\/").split("\n");
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l === "" ? "" : ` ${l}`}`).join("\n")}\n${indent} */\n`;
}

/** typeScriptType is the TypeScript type of the values a schema accepts (`unknown` for the empty schema). */
export function typeScriptType(schema: JsonSchema, options: TypeScriptOptions = {}, indent = ""): string {
  if (schema.$ref !== undefined) return (options.refType ?? refName)(schema.$ref);
  if (schema.const !== undefined) return literal(schema.const);
  if (schema.enum) return union(schema.enum.map(literal));
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return union(alternatives.map((s) => typeScriptType(s, options, indent)));
  let types: JsonSchemaType[] = schema.type === undefined ? [] : [schema.type].flat();
  if (types.length === 0) {
    if (schema.properties) types = ["object"];
    else if (schema.items) types = ["array"];
    else return "unknown";
  }
  return union(types.map((t) => typeOf(t, schema, options, indent)));
}

/**
 * typeScriptMembers are the property lines of an object schema (each with its description as a doc comment),
 * for an interface body: optional unless the schema requires them.
 */
export function typeScriptMembers(schema: JsonSchema, options: TypeScriptOptions = {}, indent = "  "): string {
  const required = new Set(schema.required ?? []);
  let out = "";
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    out += docComment(prop.description, indent);
    const optional = required.has(name) ? "" : "?";
    out += `${indent}${propertyKey(name)}${optional}: ${typeScriptType(prop, options, indent)};\n`;
  }
  return out;
}

function typeOf(type: JsonSchemaType, schema: JsonSchema, options: TypeScriptOptions, indent: string): string {
  switch (type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array": {
      const item = schema.items ? typeScriptType(schema.items, options, indent) : "unknown";
      // wrapping a type that merely contains a union somewhere inside is harmless, leaving out one is not
      return item.includes(" | ") ? `(${item})[]` : `${item}[]`;
    }
    case "object":
      return objectType(schema, options, indent);
  }
}

function objectType(schema: JsonSchema, options: TypeScriptOptions, indent: string): string {
  if (schema.properties && Object.keys(schema.properties).length > 0) {
    return `{\n${typeScriptMembers(schema, options, `${indent}  `)}${indent}}`;
  }
  const extra = schema.additionalProperties;
  if (extra === false) return "Record<string, never>";
  if (extra === undefined || extra === true) return "Record<string, unknown>";
  return `Record<string, ${typeScriptType(extra, options, indent)}>`;
}

function literal(value: JsonScalar): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** union joins alternatives once each; `unknown` absorbs the others, `string` the string literals. */
function union(types: string[]): string {
  let unique = [...new Set(types)];
  if (unique.includes("unknown")) return "unknown";
  if (unique.includes("string")) unique = unique.filter((t) => !t.startsWith('"'));
  if (unique.length === 0) return "never";
  return unique.join(" | ");
}
