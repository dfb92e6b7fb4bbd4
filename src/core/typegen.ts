import type { JsonSchema } from "../tools/jsonschema/schema.ts";
import { docComment, propertyKey, typeScriptMembers, typeScriptType } from "../tools/jsonschema/typescript.ts";
import type { Collection } from "./collection-model.ts";
import { sharedValueSchemas } from "./field-value-schema.ts";
import { type CollectionRecordSchema, describeRecords, recordTypeName } from "./record-schema.ts";

/** Type aliases whose TypeScript differs from what their JSON Schema says (an upload is a File or Blob). */
const aliasOverrides: Partial<Record<keyof typeof sharedValueSchemas, string>> = { FileUpload: "File | Blob" };

/**
 * generateTypeScript writes the TypeScript types of every collection's records: `Collections`, and per
 * collection `<Name>Record` (every field, as server code reads it), `<Name>Response<Texpand>` (the API's
 * JSON), `<Name>Expand`, `<Name>Create` and `<Name>Update` (bodies; views have none), the maps keyed by
 * collection name, and `TypedPocketBase` for the official SDK:
 *
 *   const pb = new PocketBase(url) as TypedPocketBase;
 *   const post = await pb.collection("posts").getOne(id); // PostsResponse
 */
export function generateTypeScript(collections: readonly Collection[], appName = ""): string {
  const schemas = describeRecords(collections, "superuser");
  const app = appName === "" ? "" : ` of ${JSON.stringify(appName)}`;
  const parts = [
    `// The types of the records${app}, written by \`satchel typegen\` from the collections as they stand.\n` +
      "// Generate them again after a schema change rather than edit them.\n\n" +
      'import type PocketBase from "pocketbase";\nimport type { RecordOptions, RecordService } from "pocketbase";\n',
    collectionsConst(schemas),
    sharedAliases(),
    ...schemas.map(collectionTypes),
    maps(schemas),
    sdkTypes(schemas),
  ];
  return `${parts.join("\n")}`;
}

function collectionsConst(schemas: readonly CollectionRecordSchema[]): string {
  const entries = schemas.map((s) => `  ${propertyKey(s.typeName)}: ${JSON.stringify(s.collection.name)},\n`);
  return (
    "/** The collections, by the prefix of their type names. */\n" +
    `export const Collections = {\n${entries.join("")}} as const;\n` +
    "export type Collections = (typeof Collections)[keyof typeof Collections];\n"
  );
}

function sharedAliases(): string {
  let out = "";
  for (const [name, schema] of Object.entries(sharedValueSchemas) as [keyof typeof sharedValueSchemas, JsonSchema][]) {
    out += docComment(schema.description);
    const override = aliasOverrides[name];
    if (override) out += `export type ${name} = ${override};\n`;
    else if (schema.type === "object") out += `export interface ${name} {\n${typeScriptMembers(schema)}}\n`;
    else out += `export type ${name} = ${typeScriptType(schema)};\n`;
  }
  return out;
}

function withoutKey(schema: JsonSchema, key: string): JsonSchema {
  const { [key]: _, ...properties } = schema.properties ?? {};
  return { ...schema, properties };
}

function interfaceOf(name: string, schema: JsonSchema, head = name, extra = ""): string {
  const members = typeScriptMembers(schema) + extra;
  return `${docComment(schema.description)}export interface ${head} {${members === "" ? "" : `\n${members}`}}\n`;
}

function collectionTypes(s: CollectionRecordSchema): string {
  const name = (suffix: Parameters<typeof recordTypeName>[1]) => recordTypeName(s.typeName, suffix);
  const expandDoc = docComment(s.response.properties?.expand?.description, "  ");
  let out = `// ${s.collection.name} (${s.collection.type})\n\n`;
  out += interfaceOf(name("Record"), s.record);
  out += interfaceOf(
    name("Response"),
    withoutKey(s.response, "expand"),
    `${name("Response")}<Texpand = ${name("Expand")}>`,
    `${expandDoc}  expand?: Texpand;\n`,
  );
  out += interfaceOf(name("Expand"), s.expand);
  if (s.create) out += interfaceOf(name("Create"), s.create);
  if (s.update) out += interfaceOf(name("Update"), s.update);
  return out;
}

function map(title: string, name: string, entries: [string, string][]): string {
  const lines = entries.map(([k, v]) => `  ${propertyKey(k)}: ${v};\n`);
  return `/** ${title} */\nexport interface ${name} {\n${lines.join("")}}\n`;
}

function maps(schemas: readonly CollectionRecordSchema[]): string {
  const writable = schemas.filter((s) => s.create !== null);
  const of = (list: readonly CollectionRecordSchema[], suffix: Parameters<typeof recordTypeName>[1]) =>
    list.map((s): [string, string] => [s.collection.name, recordTypeName(s.typeName, suffix)]);
  return [
    map(
      "Every collection's records as server code reads them, by collection name.",
      "CollectionRecords",
      of(schemas, "Record"),
    ),
    map(
      "Every collection's records as the API answers them, by collection name.",
      "CollectionResponses",
      of(schemas, "Response"),
    ),
    map(
      "The create bodies of the collections that take them (views are read-only).",
      "CollectionCreates",
      of(writable, "Create"),
    ),
    map("The update bodies of the collections that take them.", "CollectionUpdates", of(writable, "Update")),
  ].join("\n");
}

function sdkTypes(schemas: readonly CollectionRecordSchema[]): string {
  const services = schemas.map((s): [string, string] => {
    const name = (suffix: Parameters<typeof recordTypeName>[1]) => recordTypeName(s.typeName, suffix);
    const bodies = s.create ? `${name("Create")}, ${name("Update")}` : "never, never";
    return [s.collection.name, `TypedRecordService<${name("Response")}, ${bodies}>`];
  });
  return (
    "/** The SDK's RecordService with typed create and update bodies (a view's take none: it is read-only). */\n" +
    'export type TypedRecordService<TResponse, TCreate, TUpdate> = Omit<RecordService<TResponse>, "create" | "update"> & {\n' +
    "  create<T = TResponse>(bodyParams?: TCreate | FormData, options?: RecordOptions): Promise<T>;\n" +
    "  update<T = TResponse>(id: string, bodyParams?: TUpdate | FormData, options?: RecordOptions): Promise<T>;\n" +
    "};\n\n" +
    map("The typed record service of each collection, by collection name.", "CollectionServices", services) +
    "\n/**\n * The official SDK's client, typed with these collections:\n *\n" +
    " *   const pb = new PocketBase(url) as TypedPocketBase;\n" +
    ' *   const post = await pb.collection("posts").getOne(id); // PostsResponse\n */\n' +
    "export interface TypedPocketBase extends PocketBase {\n" +
    "  collection<K extends keyof CollectionServices>(idOrName: K): CollectionServices[K];\n" +
    "  collection(idOrName: string): RecordService;\n" +
    "}\n"
  );
}
