import packageJson from "../../package.json" with { type: "json" };
import { type Collection, ruleNames } from "../core/collection-model.ts";
import { sharedValueSchemas } from "../core/field-value-schema.ts";
import { describeRecords, recordTypeName, type SchemaAudience } from "../core/record-schema.ts";
import type { JsonSchema } from "../tools/jsonschema/schema.ts";
import { adminPaths, adminSchemas, openApiPath } from "./openapi-admin.ts";
import {
  authScheme,
  errors,
  type HttpMethod,
  type Paths,
  sharedParameters,
  sharedResponses,
  sharedSchemas,
} from "./openapi-common.ts";
import { authSchemas, recordAuthPaths } from "./openapi-record-auth.ts";
import { recordPaths } from "./openapi-records.ts";
import { systemPaths } from "./openapi-system.ts";

export interface OpenApiOptions {
  /** Superusers get every collection and the admin APIs; the public document what others may use. */
  audience: SchemaAudience;
  /** Whether the document itself is public (`--publicOpenAPI`). */
  isPublic: boolean;
  appName: string;
}

/** An OpenAPI 3.1 document (JSON). */
export type OpenApiDocument = Record<string, unknown>;

const methods: readonly HttpMethod[] = ["get", "head", "post", "put", "patch", "delete"];

/**
 * buildOpenApiDocument describes the whole API as it stands: every collection's records endpoints with their
 * real field schemas (from the same description as the generated TypeScript), the enabled auth flows, files,
 * realtime, batch, and for superusers the admin APIs.
 */
export function buildOpenApiDocument(collections: readonly Collection[], options: OpenApiOptions): OpenApiDocument {
  // the public document leaves out the collections only superusers may reach (auth ones sign anybody in)
  const records = describeRecords(collections, options.audience).filter(
    ({ collection: c }) =>
      options.audience === "superuser" || c.type === "auth" || ruleNames.some((r) => c[r] !== null),
  );
  const paths: Paths = {};
  const schemas: Record<string, JsonSchema> = { ...sharedValueSchemas, ...sharedSchemas, ...authSchemas };
  if (options.audience === "superuser") Object.assign(schemas, adminSchemas);
  systemPaths(paths);
  for (const s of records) {
    recordPaths(paths, s, options.audience);
    if (s.collection.type === "auth") recordAuthPaths(paths, s, options.audience);
    schemas[recordTypeName(s.typeName, "Response")] = s.response;
    schemas[recordTypeName(s.typeName, "Expand")] = s.expand;
    if (s.create) schemas[recordTypeName(s.typeName, "Create")] = s.create;
    if (s.update) schemas[recordTypeName(s.typeName, "Update")] = s.update;
  }
  if (options.audience === "superuser") adminPaths(paths);
  openApiPath(paths, options.isPublic);
  addCommonAnswers(paths);
  const title = options.appName === "" ? "Satchel API" : `${options.appName} API`;
  return {
    openapi: "3.1.0",
    info: {
      title,
      version: packageJson.version,
      description:
        "The PocketBase-compatible API of this Satchel server, as its collections stand: generated from the schema, and generated again when a collection changes.",
    },
    servers: [{ url: "/" }],
    tags: tags(records.map((s) => s.collection.name)),
    paths,
    components: {
      schemas,
      parameters: sharedParameters,
      responses: sharedResponses,
      securitySchemes: {
        [authScheme]: {
          type: "apiKey",
          in: "header",
          name: "Authorization",
          description:
            "An auth record's token (a `Bearer ` prefix is optional); superusers send a `_superusers` record's.",
        },
      },
    },
  };
}

/** Any operation may meet a rate limit (when the settings turn them on), and a body may be too large. */
function addCommonAnswers(paths: Paths): void {
  for (const item of Object.values(paths)) {
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      op.responses = { ...op.responses, ...errors(429), ...(op.requestBody ? errors(413) : {}) };
    }
  }
}

function tags(collectionNames: readonly string[]): { name: string; description: string }[] {
  return [
    ...collectionNames.map((name) => ({ name, description: `The \`${name}\` collection's records.` })),
    { name: "Files", description: "Record files and file tokens." },
    { name: "Realtime", description: "Record changes and custom messages, as they happen." },
    { name: "Batch", description: "Several record writes in one transaction." },
    { name: "Health", description: "Whether the server is up." },
    { name: "Collections", description: "The schema (superusers)." },
    { name: "Settings", description: "The application settings (superusers)." },
    { name: "Types", description: "Generated descriptions of the API." },
  ];
}
