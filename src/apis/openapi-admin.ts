import { schemaRef } from "../core/field-value-schema.ts";
import { arrayOf, type JsonSchema, objectSchema } from "../tools/jsonschema/schema.ts";
import {
  addOperation,
  errors,
  jsonBody,
  jsonResponse,
  listResult,
  type Operation,
  type Paths,
  parameterRefs,
  pathParameter,
  query,
  responseRef,
  superusersOnly,
} from "./openapi-common.ts";

const string = { type: "string" } as const;

/** The JSON every admin API about collections answers. */
export const collectionSchema: JsonSchema = objectSchema(
  {
    id: string,
    name: string,
    type: { enum: ["base", "auth", "view"] },
    system: { type: "boolean" },
    fields: arrayOf(
      objectSchema(
        {
          id: string,
          name: string,
          type: {
            enum: [
              "text",
              "number",
              "bool",
              "email",
              "url",
              "editor",
              "date",
              "autodate",
              "select",
              "file",
              "relation",
              "json",
              "geoPoint",
              "password",
            ],
          },
          system: { type: "boolean" },
          hidden: { type: "boolean" },
          presentable: { type: "boolean" },
        },
        ["id", "name", "type"],
        { description: "A field: the common keys and the options of its type." },
      ),
    ),
    indexes: arrayOf(string),
    listRule: { type: ["string", "null"] },
    viewRule: { type: ["string", "null"] },
    createRule: { type: ["string", "null"] },
    updateRule: { type: ["string", "null"] },
    deleteRule: { type: ["string", "null"] },
    viewQuery: { type: "string", description: "Views only." },
    created: string,
    updated: string,
  },
  [
    "id",
    "name",
    "type",
    "system",
    "fields",
    "indexes",
    "listRule",
    "viewRule",
    "createRule",
    "updateRule",
    "deleteRule",
  ],
  {
    description:
      "A collection; auth collections also have their auth options (`passwordAuth`, `oauth2`, `mfa`, `otp`, token settings, templates).",
  },
);

/** The settings, as `GET /api/settings` answers them (secrets left out). */
const settingsSchema: JsonSchema = objectSchema(
  {
    meta: objectSchema({
      appName: string,
      appURL: string,
      senderName: string,
      senderAddress: string,
      hideControls: { type: "boolean" },
    }),
    smtp: { type: "object" },
    s3: { type: "object" },
    backups: { type: "object" },
    batch: { type: "object" },
    rateLimits: { type: "object" },
    trustedProxy: { type: "object" },
    logs: { type: "object" },
    superuserIPs: arrayOf(string),
  },
  ["meta", "smtp", "s3", "backups", "batch", "rateLimits", "trustedProxy", "logs"],
  { description: "The application settings (secrets are never answered)." },
);

/** The schemas of the admin APIs. */
export const adminSchemas: Record<string, JsonSchema> = { Collection: collectionSchema, Settings: settingsSchema };

const admin = (tag: string, op: Omit<Operation, "tags" | "security">): Operation => ({
  ...op,
  tags: [tag],
  security: superusersOnly,
  description: `${op.description ?? ""}${op.description ? " " : ""}Superusers only.`,
});

/** adminPaths adds the superusers' APIs: collections, settings and the generated descriptions. */
export function adminPaths(paths: Paths): void {
  const collection = schemaRef("Collection");
  const idOrName = pathParameter("collection", "The collection id or name.");
  const refused = errors(401, 403);
  addOperation(
    paths,
    "/api/collections",
    "get",
    admin("Collections", {
      operationId: "listCollections",
      summary: "Lists the collections",
      parameters: parameterRefs("page", "perPage", "sort", "filter", "skipTotal", "fields"),
      responses: {
        "200": jsonResponse(listResult(collection)),
        ...errors(400),
        ...refused,
      },
    }),
  );
  addOperation(
    paths,
    "/api/collections",
    "post",
    admin("Collections", {
      operationId: "createCollection",
      summary: "Creates a collection",
      description: "`type` and `name` pick the scaffold the rest of the body is laid over.",
      parameters: parameterRefs("fields"),
      requestBody: jsonBody({ type: "object", description: "A collection's JSON (see Collection)." }),
      responses: { "200": jsonResponse(collection), ...errors(400), ...refused },
    }),
  );
  addOperation(
    paths,
    "/api/collections/{collection}",
    "get",
    admin("Collections", {
      operationId: "viewCollection",
      summary: "Views a collection",
      parameters: [idOrName, ...parameterRefs("fields")],
      responses: { "200": jsonResponse(collection), ...errors(400, 404), ...refused },
    }),
  );
  addOperation(
    paths,
    "/api/collections/{collection}",
    "patch",
    admin("Collections", {
      operationId: "updateCollection",
      summary: "Updates a collection",
      description: "The body is laid over the collection; `fields` replaces the whole list.",
      parameters: [idOrName, ...parameterRefs("fields")],
      requestBody: jsonBody({ type: "object", description: "Keys of a collection's JSON." }),
      responses: { "200": jsonResponse(collection), ...errors(400, 404), ...refused },
    }),
  );
  addOperation(
    paths,
    "/api/collections/{collection}",
    "delete",
    admin("Collections", {
      operationId: "deleteCollection",
      summary: "Deletes a collection and its records",
      parameters: [idOrName],
      responses: { "204": responseRef("NoContent"), ...errors(400, 404), ...refused },
    }),
  );
  addOperation(
    paths,
    "/api/collections/{collection}/truncate",
    "delete",
    admin("Collections", {
      operationId: "truncateCollection",
      summary: "Deletes every record of a collection",
      parameters: [idOrName],
      responses: { "204": responseRef("NoContent"), ...errors(400, 404), ...refused },
    }),
  );
  addOperation(
    paths,
    "/api/collections/import",
    "put",
    admin("Collections", {
      operationId: "importCollections",
      summary: "Creates, updates (and with deleteMissing deletes) collections in one transaction",
      requestBody: jsonBody(
        objectSchema({ collections: arrayOf({ type: "object" }), deleteMissing: { type: "boolean" } }, ["collections"]),
      ),
      responses: { "204": responseRef("NoContent"), ...errors(400), ...refused },
    }),
  );
  addOperation(
    paths,
    "/api/collections/meta/scaffolds",
    "get",
    admin("Collections", {
      operationId: "collectionScaffolds",
      summary: "The default collection of each type",
      responses: {
        "200": jsonResponse(objectSchema({ base: collection, auth: collection, view: collection })),
        ...refused,
      },
    }),
  );
  addOperation(
    paths,
    "/api/collections/meta/oauth2-providers",
    "get",
    admin("Collections", {
      operationId: "oauth2Providers",
      summary: "The OAuth2 providers an auth collection may use",
      responses: {
        "200": jsonResponse(
          arrayOf(objectSchema({ name: string, displayName: string, logo: string }, ["name", "displayName"])),
        ),
        ...refused,
      },
    }),
  );
  addOperation(
    paths,
    "/api/collections/meta/dry-run-view",
    "post",
    admin("Collections", {
      operationId: "dryRunView",
      summary: "Tries a view query: its fields and up to 10 records",
      requestBody: jsonBody(objectSchema({ query: { type: "string", maxLength: 5000 } }, ["query"])),
      responses: {
        "200": jsonResponse(
          objectSchema({ fields: arrayOf({ type: "object" }), sample: arrayOf({ type: "object" }) }, [
            "fields",
            "sample",
          ]),
        ),
        ...errors(400),
        ...refused,
      },
    }),
  );
  const settings = schemaRef("Settings");
  addOperation(
    paths,
    "/api/settings",
    "get",
    admin("Settings", {
      operationId: "getSettings",
      summary: "The application settings",
      parameters: parameterRefs("fields"),
      responses: { "200": jsonResponse(settings), ...errors(400), ...refused },
    }),
  );
  addOperation(
    paths,
    "/api/settings",
    "patch",
    admin("Settings", {
      operationId: "updateSettings",
      summary: "Changes the application settings",
      description: "The body is laid over the current settings.",
      parameters: parameterRefs("fields"),
      requestBody: jsonBody({ type: "object", description: "Keys of the settings." }),
      responses: { "200": jsonResponse(settings), ...errors(400), ...refused },
    }),
  );
  addOperation(
    paths,
    "/api/settings/test/s3",
    "post",
    admin("Settings", {
      operationId: "testS3",
      summary: "Checks the S3 storage settings",
      requestBody: jsonBody(objectSchema({ filesystem: { enum: ["storage", "backups"] } }, ["filesystem"])),
      responses: { "204": responseRef("NoContent"), ...errors(400), ...refused },
    }),
  );
  addOperation(
    paths,
    "/api/settings/test/email",
    "post",
    admin("Settings", {
      operationId: "testEmail",
      summary: "Sends a test email of a template",
      requestBody: jsonBody(
        objectSchema(
          {
            email: { type: "string", format: "email" },
            template: { enum: ["verification", "password-reset", "email-change", "otp", "login-alert"] },
            collection: { type: "string", description: "An auth collection (default `_superusers`)." },
          },
          ["email", "template"],
        ),
      ),
      responses: { "204": responseRef("NoContent"), ...errors(400), ...refused },
    }),
  );
  addOperation(
    paths,
    "/api/crons",
    "get",
    admin("Crons", {
      operationId: "listCrons",
      summary: "The scheduled jobs: the app's by id, then the system's",
      responses: {
        "200": jsonResponse(arrayOf(objectSchema({ id: string, expression: string }, ["id", "expression"]))),
        ...refused,
      },
    }),
  );
  addOperation(
    paths,
    "/api/crons/{id}",
    "post",
    admin("Crons", {
      operationId: "runCron",
      summary: "Runs a job now, in the background",
      parameters: [pathParameter("id", "The job's id.")],
      responses: { "204": responseRef("NoContent"), ...errors(404), ...refused },
    }),
  );
  addOperation(
    paths,
    "/api/sql",
    "post",
    admin("SQL", {
      operationId: "runSql",
      summary: "Runs SQL on the data database (at most 1000 rows back, stopped at the time limit)",
      requestBody: jsonBody(objectSchema({ query: { type: "string", maxLength: 5000 } }, ["query"])),
      responses: {
        "200": jsonResponse(
          objectSchema(
            {
              execTime: { type: "number" },
              affectedRows: { type: "integer" },
              columns: arrayOf(objectSchema({ name: string, type: string, nullable: { type: "boolean" } }, ["name"])),
              rows: arrayOf(arrayOf({})),
            },
            ["execTime", "affectedRows", "columns", "rows"],
          ),
        ),
        ...errors(400),
        ...refused,
      },
    }),
  );
  backupPaths(paths);
  const log = objectSchema(
    {
      id: string,
      created: string,
      data: { type: "object", description: "For a request: method, url, status, execTime (ms), auth, ..." },
      message: string,
      level: { type: "integer", description: "-4 debug, 0 info, 4 warn, 8 error." },
    },
    ["id", "created", "data", "message", "level"],
  );
  addOperation(
    paths,
    "/api/logs",
    "get",
    admin("Logs", {
      operationId: "listLogs",
      summary: "Lists the request and app logs",
      description: "Filter and sort on id, created, level, message, data and `data.<path>`.",
      parameters: parameterRefs("page", "perPage", "sort", "filter", "skipTotal", "fields"),
      responses: {
        "200": jsonResponse(listResult(log)),
        ...errors(400),
        ...refused,
      },
    }),
  );
  addOperation(
    paths,
    "/api/logs/stats",
    "get",
    admin("Logs", {
      operationId: "logsStats",
      summary: "How many logs (matching the filter) each hour holds",
      parameters: parameterRefs("filter", "fields"),
      responses: {
        "200": jsonResponse(arrayOf(objectSchema({ date: string, total: { type: "integer" } }, ["date", "total"]))),
        ...errors(400),
        ...refused,
      },
    }),
  );
  addOperation(
    paths,
    "/api/logs/{id}",
    "get",
    admin("Logs", {
      operationId: "viewLog",
      summary: "One log",
      parameters: [pathParameter("id", "The log's id."), ...parameterRefs("fields")],
      responses: { "200": jsonResponse(log), ...errors(404), ...refused },
    }),
  );
  addOperation(
    paths,
    "/api/typegen",
    "get",
    admin("Types", {
      operationId: "typegen",
      summary: "The TypeScript types of every collection's records",
      description: "What `satchel typegen` writes: for the official SDK (`TypedPocketBase`) and for hooks.",
      responses: {
        "200": { description: "A TypeScript module.", content: { "text/plain": { schema: string } } },
        ...refused,
      },
    }),
  );
}

/** openApiPath adds `GET /api/openapi.json` itself, with who may read it. */
export function openApiPath(paths: Paths, isPublic: boolean): void {
  addOperation(paths, "/api/openapi.json", "get", {
    operationId: "openapi",
    summary: "This document",
    description: isPublic
      ? "Superusers get the whole API; anybody else the part they may use."
      : "Superusers only (it shows the schema, as the collections API does).",
    tags: ["Types"],
    security: isPublic ? [{}, { authToken: [] }] : superusersOnly,
    responses: {
      "200": {
        description: "The OpenAPI 3.1 document.",
        content: { "application/json": { schema: { type: "object" } } },
      },
      ...(isPublic ? {} : errors(401, 403)),
    },
  });
}

/** backupPaths adds the backups API: list, create, upload, download (with a file token), delete, restore. */
function backupPaths(paths: Paths): void {
  const refused = errors(401, 403);
  const key = pathParameter("key", "The backup's file name.");
  addOperation(
    paths,
    "/api/backups",
    "get",
    admin("Backups", {
      operationId: "listBackups",
      summary: "Lists the backups, by key",
      responses: {
        "200": jsonResponse(
          arrayOf(
            objectSchema({ modified: string, key: string, size: { type: "integer" } }, ["modified", "key", "size"]),
          ),
        ),
        ...errors(400),
        ...refused,
      },
    }),
  );
  addOperation(
    paths,
    "/api/backups",
    "post",
    admin("Backups", {
      operationId: "createBackup",
      summary: "Makes a backup of the data directory",
      description:
        "A zip of a consistent snapshot of the data directory, without `backups/`; the name is generated when left out.",
      requestBody: jsonBody(objectSchema({ name: { type: "string", pattern: "^[a-z0-9_-]+\\.zip$", maxLength: 150 } })),
      responses: { "204": responseRef("NoContent"), ...errors(400), ...refused },
    }),
  );
  addOperation(
    paths,
    "/api/backups/upload",
    "post",
    admin("Backups", {
      operationId: "uploadBackup",
      summary: "Adds a backup zip, kept under the name it is sent with",
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: objectSchema({ file: { type: "string", format: "binary" } }, ["file"]),
          },
        },
      },
      responses: { "204": responseRef("NoContent"), ...errors(400, 413), ...refused },
    }),
  );
  addOperation(paths, "/api/backups/{key}", "get", {
    operationId: "downloadBackup",
    summary: "Downloads a backup",
    description: "Takes a superuser's file token (`POST /api/files/token`) in `token`, not the Authorization header.",
    tags: ["Backups"],
    security: [{}],
    parameters: [key, query("token", { type: "string" }, "A superuser's file token.")],
    responses: {
      "200": { description: "The zip.", content: { "application/zip": { schema: {} } } },
      ...errors(403, 404),
    },
  });
  addOperation(
    paths,
    "/api/backups/{key}",
    "delete",
    admin("Backups", {
      operationId: "deleteBackup",
      summary: "Deletes a backup",
      parameters: [key],
      responses: { "204": responseRef("NoContent"), ...errors(400), ...refused },
    }),
  );
  addOperation(
    paths,
    "/api/backups/{key}/restore",
    "post",
    admin("Backups", {
      operationId: "restoreBackup",
      summary: "Restores a backup, restarting the app in place",
      description:
        "The backup is checked first (a 400 changes nothing); after the answer, the app restarts on the restored data once the requests in flight are done.",
      parameters: [key],
      responses: { "204": responseRef("NoContent"), ...errors(400), ...refused },
    }),
  );
}
