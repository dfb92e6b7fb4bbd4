import type { RuleName } from "../core/collection-model.ts";
import { FileField } from "../core/field-file.ts";
import { schemaRef } from "../core/field-value-schema.ts";
import { type CollectionRecordSchema, recordTypeName, type SchemaAudience } from "../core/record-schema.ts";
import { type JsonSchema, objectSchema } from "../tools/jsonschema/schema.ts";
import {
  addOperation,
  anybody,
  errors,
  jsonResponse,
  listResult,
  type Paths,
  parameterRefs,
  pathParameter,
  query,
  type RequestBody,
  responseRef,
  type SecurityRequirement,
  superusersOnly,
} from "./openapi-common.ts";

/** Who passes a rule, as the document tells it, and whether the operation is in the document at all. */
export interface Access {
  included: boolean;
  security: SecurityRequirement[];
  note: string;
}

/**
 * ruleAccess tells who may call an operation guarded by a collection rule: nobody but superusers when the
 * rule is null (left out of the public document), anybody when empty, else whoever the rule lets through
 * (the rule itself is shown to superusers only, as PocketBase's collections API shows it).
 */
export function ruleAccess(rule: string | null, name: string, audience: SchemaAudience): Access {
  if (rule === null) return { included: audience === "superuser", security: superusersOnly, note: "Only superusers." };
  if (rule === "") return { included: true, security: anybody, note: "Anybody." };
  const shown = audience === "superuser" ? ` \`${rule}\`` : "";
  return { included: true, security: anybody, note: `Whoever the ${name}${shown} lets through (superusers always).` };
}

/** withoutUploads is a body schema for JSON, where files can't be sent: uploads (and what needs them) go. */
export function withoutUploads(schema: JsonSchema): JsonSchema | null {
  if (schema.$ref?.endsWith("/FileUpload")) return null;
  if (schema.anyOf) {
    const kept = schema.anyOf.map(withoutUploads).filter((s): s is JsonSchema => s !== null);
    if (kept.length === 0) return null;
    return kept.length === 1 && Object.keys(schema).length === 1 ? (kept[0] as JsonSchema) : { ...schema, anyOf: kept };
  }
  if (schema.items) {
    const items = withoutUploads(schema.items);
    return items === null ? null : { ...schema, items };
  }
  if (schema.properties) {
    const properties: Record<string, JsonSchema> = {};
    for (const [k, v] of Object.entries(schema.properties)) {
      const kept = withoutUploads(v);
      if (kept !== null) properties[k] = kept;
    }
    const required = (schema.required ?? []).filter((k) => k in properties);
    const out: JsonSchema = { ...schema, properties };
    if (required.length > 0) out.required = required;
    else delete out.required;
    return out;
  }
  return schema;
}

/** recordBody is a create or update body: JSON without files, or multipart/form-data with them. */
function recordBody(schema: JsonSchema, required: boolean): RequestBody {
  const multipart = objectSchema(
    {
      ...schema.properties,
      "@jsonPayload": {
        type: "string",
        contentMediaType: "application/json",
        description: "The non-file keys as one JSON object (what the official SDK sends beside the files).",
      },
    },
    [],
    { description: schema.description },
  );
  return {
    required,
    content: {
      "application/json": { schema: withoutUploads(schema) ?? { type: "object" } },
      "multipart/form-data": { schema: multipart },
    },
  };
}

/** recordPaths adds a collection's records CRUD (views: list and view only) and its files. */
export function recordPaths(paths: Paths, s: CollectionRecordSchema, audience: SchemaAudience): void {
  const c = s.collection;
  const base = `/api/collections/${c.name}/records`;
  const tags = [c.name];
  const type = (suffix: Parameters<typeof recordTypeName>[1]) => schemaRef(recordTypeName(s.typeName, suffix));
  const id = pathParameter("id", "The record id.");
  const access = (rule: RuleName, label: string) => ruleAccess(c[rule], label, audience);

  const list = access("listRule", "list rule");
  if (list.included) {
    addOperation(paths, base, "get", {
      operationId: `list${s.typeName}`,
      summary: `Lists \`${c.name}\` records`,
      description: `${list.note} A requester that the rule doesn't let through sees fewer records, not an error.`,
      tags,
      security: list.security,
      parameters: parameterRefs("page", "perPage", "sort", "filter", "skipTotal", "expand", "fields"),
      responses: { "200": jsonResponse(listResult(type("Response")), "A page of records."), ...errors(400, 403) },
    });
  }
  const view = access("viewRule", "view rule");
  if (view.included) {
    addOperation(paths, `${base}/{id}`, "get", {
      operationId: `view${s.typeName}`,
      summary: `Views a \`${c.name}\` record`,
      description: view.note,
      tags,
      security: view.security,
      parameters: [id, ...parameterRefs("expand", "fields")],
      responses: { "200": jsonResponse(type("Response"), "The record."), ...errors(400, 403, 404) },
    });
  }
  if (s.create && s.update) {
    const create = access("createRule", "create rule");
    if (create.included) {
      addOperation(paths, base, "post", {
        operationId: `create${s.typeName}`,
        summary: `Creates a \`${c.name}\` record`,
        description: `${create.note} A body the rule refuses is a 400.`,
        tags,
        security: create.security,
        parameters: parameterRefs("expand", "fields"),
        requestBody: recordBody(s.create, true),
        responses: { "200": jsonResponse(type("Response"), "The new record."), ...errors(400, 403, 404) },
      });
    }
    const update = access("updateRule", "update rule");
    if (update.included) {
      addOperation(paths, `${base}/{id}`, "patch", {
        operationId: `update${s.typeName}`,
        summary: `Updates a \`${c.name}\` record`,
        description: `${update.note} A record the rule refuses is a 404.`,
        tags,
        security: update.security,
        parameters: [id, ...parameterRefs("expand", "fields")],
        requestBody: recordBody(s.update, false),
        responses: { "200": jsonResponse(type("Response"), "The record."), ...errors(400, 403, 404) },
      });
    }
    const remove = access("deleteRule", "delete rule");
    if (remove.included) {
      addOperation(paths, `${base}/{id}`, "delete", {
        operationId: `delete${s.typeName}`,
        summary: `Deletes a \`${c.name}\` record`,
        description: `${remove.note} Relations pointing at it are updated, or their records deleted when they cascade.`,
        tags,
        security: remove.security,
        parameters: [id],
        responses: { "204": responseRef("NoContent"), ...errors(400, 403, 404) },
      });
    }
  }
  if (view.included && c.fields.some((f) => f instanceof FileField)) filePath(paths, s, view.security);
}

function filePath(paths: Paths, s: CollectionRecordSchema, security: SecurityRequirement[]): void {
  const c = s.collection;
  const protectedNote = c.fields.some((f) => f instanceof FileField && f.protected)
    ? " A protected file needs a `token` from `POST /api/files/token` of a requester the view rule lets through."
    : "";
  addOperation(paths, `/api/files/${c.name}/{recordId}/{filename}`, "get", {
    operationId: `download${s.typeName}File`,
    summary: `Downloads a file of a \`${c.name}\` record`,
    description: `The file named in one of the record's file fields.${protectedNote}`,
    tags: [c.name, "Files"],
    security,
    parameters: [
      pathParameter("recordId", "The record id."),
      pathParameter("filename", "The file name, as the record's field holds it."),
      query(
        "thumb",
        { type: "string" },
        "A thumb size of an image: `WxH`, with `t`, `b` or `f` for the crop (`100x100t`).",
      ),
      query("download", { type: "boolean" }, "Sends the file as an attachment."),
      query("token", { type: "string" }, "A file token, for protected files."),
    ],
    responses: {
      "200": { description: "The file.", content: { "*/*": { schema: {} } } },
      ...errors(400, 404),
    },
  });
}
