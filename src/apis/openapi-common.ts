import { schemaRef } from "../core/field-value-schema.ts";
import { arrayOf, type JsonSchema, objectSchema } from "../tools/jsonschema/schema.ts";

/**
 * The building blocks of the OpenAPI document: operations, the shared error answers and parameters, and who
 * may call what. One file per area of the API uses them (openapi-records.ts, openapi-record-auth.ts, ...).
 */

export interface MediaType {
  schema: JsonSchema;
}

export interface Parameter {
  name: string;
  in: "query" | "path" | "header";
  description?: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface ResponseObject {
  description: string;
  content?: Record<string, MediaType>;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

export interface RequestBody {
  required?: boolean;
  description?: string;
  content: Record<string, MediaType>;
}

export type SecurityRequirement = Record<string, string[]>;

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: RequestBody;
  responses: Record<string, ResponseObject | { $ref: string }>;
  security?: SecurityRequirement[];
}

export type HttpMethod = "get" | "head" | "post" | "put" | "patch" | "delete";
export type PathItem = Partial<Record<HttpMethod, Operation>> & { parameters?: Parameter[] };
export type Paths = Record<string, PathItem>;

/** addOperation puts an operation at a path (paths shared by several areas merge). */
export function addOperation(paths: Paths, path: string, method: HttpMethod, op: Operation): void {
  paths[path] = { ...paths[path], [method]: op };
}

/** The name of the security scheme: an auth record's token in the Authorization header. */
export const authScheme = "authToken";

/** Anybody may call it; a token makes the request an auth record's. */
export const anybody: SecurityRequirement[] = [{}, { [authScheme]: [] }];
/** Only an auth record (of any collection) may call it. */
export const authenticated: SecurityRequirement[] = [{ [authScheme]: [] }];
/** Only superusers may call it (they send a `_superusers` record's token). */
export const superusersOnly: SecurityRequirement[] = [{ [authScheme]: [] }];

/** The shared answers: `{status, message, data}` errors and a bare 204. */
export const sharedResponses = {
  BadRequest: errorResponse("The request is invalid: `data` tells what is wrong with each field."),
  Unauthorized: errorResponse("The request needs an auth token."),
  Forbidden: errorResponse("The requester is not allowed to do this."),
  NotFound: errorResponse("The resource is missing, or the requester may not see it."),
  TooLarge: errorResponse("The request body is larger than allowed."),
  TooManyRequests: errorResponse("A rate limit was reached."),
  NoContent: { description: "Done; no content." },
} satisfies Record<string, ResponseObject>;

export type SharedResponseName = keyof typeof sharedResponses;

function errorResponse(description: string): ResponseObject {
  return { description, content: { "application/json": { schema: schemaRef("ApiError") } } };
}

/** responseRef refers to a shared answer. */
export function responseRef(name: SharedResponseName): { $ref: string } {
  return { $ref: `#/components/responses/${name}` };
}

/** errors maps status codes to the shared error answers. */
export function errors(...codes: (400 | 401 | 403 | 404 | 413 | 429)[]): Record<string, { $ref: string }> {
  const names: Record<number, SharedResponseName> = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    413: "TooLarge",
    429: "TooManyRequests",
  };
  return Object.fromEntries(codes.map((c) => [String(c), responseRef(names[c] as SharedResponseName)]));
}

/** json is a 200 (or other) answer with a JSON body. */
export function jsonResponse(schema: JsonSchema, description = "Done."): ResponseObject {
  return { description, content: { "application/json": { schema } } };
}

/** jsonBody is a required JSON request body. */
export function jsonBody(schema: JsonSchema, description?: string): RequestBody {
  return { required: true, ...(description ? { description } : {}), content: { "application/json": { schema } } };
}

/** The schemas every area shares besides the field value ones. */
export const sharedSchemas: Record<string, JsonSchema> = {
  ApiError: {
    type: "object",
    description: "An error, as PocketBase answers one.",
    properties: {
      status: { type: "integer" },
      message: { type: "string" },
      data: {
        type: "object",
        description:
          "Per field (nested as the body is), `{code, message, params?}`: e.g. `validation_required`. Empty for errors that are not about the input.",
      },
    },
    required: ["status", "message", "data"],
  },
};

/** The shared query parameters. */
export const sharedParameters = {
  page: query("page", { type: "integer" }, "The page (of perPage items) to answer, from 1."),
  perPage: query("perPage", { type: "integer" }, "How many items a page holds (default 30, at most 1000)."),
  sort: query("sort", { type: "string" }, "Sort fields, `-` first for descending: `-created,title`."),
  filter: query("filter", { type: "string" }, "A filter expression: `title ~ 'abc' && created > '2024-01-01'`."),
  skipTotal: query(
    "skipTotal",
    { type: "boolean" },
    "Skips counting the items: `totalItems` and `totalPages` are -1 (faster).",
  ),
  expand: query(
    "expand",
    { type: "string" },
    "Relations to expand, comma separated, nested with dots: `author,tags.owner`.",
  ),
  fields: query(
    "fields",
    { type: "string" },
    "The keys to answer, comma separated (`*` for all at a level; `body:excerpt(200)` shortens a text): the answer then holds only those, whatever its schema requires.",
  ),
} satisfies Record<string, Parameter>;

export type SharedParameterName = keyof typeof sharedParameters;

/** parameterRefs refers to shared parameters. */
export function parameterRefs(...names: SharedParameterName[]): { $ref: string }[] {
  return names.map((n) => ({ $ref: `#/components/parameters/${n}` }));
}

export function query(name: string, schema: JsonSchema, description: string): Parameter {
  return { name, in: "query", description, schema };
}

export function pathParameter(name: string, description: string): Parameter {
  return { name, in: "path", required: true, description, schema: { type: "string" } };
}

/** listResult is the schema of a paginated list (records, collections, logs). */
export function listResult(items: JsonSchema): JsonSchema {
  return objectSchema(
    {
      page: { type: "integer" },
      perPage: { type: "integer" },
      totalItems: { type: "integer", description: "-1 with `skipTotal`." },
      totalPages: { type: "integer", description: "-1 with `skipTotal`." },
      items: arrayOf(items),
    },
    ["page", "perPage", "totalItems", "totalPages", "items"],
  );
}
