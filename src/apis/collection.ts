import type { Hono } from "hono";
import { z } from "zod";
import type { App } from "../core/app.ts";
import { importCollections } from "../core/collection-import.ts";
import { relationIndexHints } from "../core/collection-index-hints.ts";
import { Collection, type CollectionType, collectionTypes } from "../core/collection-model.ts";
import { InvalidCollectionListError, listCollections } from "../core/collection-query.ts";
import { FieldDecodeError } from "../core/field.ts";
import type { FieldModel } from "../core/fields-registry.ts";
import {
  CollectionRequestEvent,
  CollectionsImportRequestEvent,
  CollectionsListRequestEvent,
  type RequestEvent,
} from "../core/request-event.ts";
import { type DryRunViewResult, dryRunView } from "../core/view.ts";
import { listProviders } from "../tools/auth/registry.ts";
import { ApiError, badRequest, NotFoundError, notFound } from "../tools/router/api-error.ts";
import { pseudorandomString } from "../tools/security/random.ts";
import type { JsonObject } from "../tools/types/merge.ts";
import { length, required, ValidationError, ValidationErrors, validateObject } from "../tools/validation/validation.ts";
import type { RouterEnv } from "./middlewares.ts";
import { requireSuperuser } from "./middlewares-auth.ts";
import { listParams } from "./record-crud.ts";
import { route } from "./route.ts";

const rule = z.string().nullable().optional();

/** The shape a collection body must have before it is laid over a collection (types only; values are validated on save). */
const collectionBody = z.looseObject({
  id: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  type: z.string().nullable().optional(),
  system: z.boolean().nullable().optional(),
  fields: z
    .array(z.looseObject({ type: z.string() }))
    .nullable()
    .optional(),
  indexes: z.array(z.string()).nullable().optional(),
  listRule: rule,
  viewRule: rule,
  createRule: rule,
  updateRule: rule,
  deleteRule: rule,
  authRule: rule,
  manageRule: rule,
  viewQuery: z.string().nullable().optional(),
});

/** The keys a create request reads first, to pick the scaffold the rest of the body is laid over. */
const scaffoldKeys = z.looseObject({ type: z.string().nullable().optional(), name: z.string().nullable().optional() });

const invalidFormatting = "Failed to load the submitted data due to invalid formatting.";
const invalidScaffoldFormatting = "Failed to load the collection type data due to invalid formatting.";

/**
 * collectionJson reads a collection body. A create request reads it in two steps as PocketBase does, so
 * an unreadable body or a non-string type or name gets the scaffold step's message.
 */
async function collectionJson(e: RequestEvent, isCreate: boolean): Promise<JsonObject> {
  let data: Record<string, unknown>;
  try {
    ({ data } = await e.body());
  } catch (err) {
    if (isCreate && err instanceof ApiError && err.status === 400) throw badRequest(invalidScaffoldFormatting, err.raw);
    throw err;
  }
  if (isCreate) {
    const scaffold = scaffoldKeys.safeParse(data);
    if (!scaffold.success) throw badRequest(invalidScaffoldFormatting, scaffold.error);
  }
  const parsed = collectionBody.safeParse(data);
  if (!parsed.success) throw badRequest(invalidFormatting, parsed.error);
  return parsed.data as JsonObject;
}

/** applyBody lays the body over a collection; an unknown field type or a mistyped option is a formatting error. */
function applyBody(c: Collection, body: JsonObject): void {
  try {
    c.applyJSON(body);
  } catch (err) {
    if (err instanceof FieldDecodeError) throw badRequest(invalidFormatting, err);
    throw err;
  }
}

function findOrFail(app: App, nameOrId: string): Collection {
  const c = app.findCachedCollectionByNameOrId(nameOrId);
  if (!c) throw notFound();
  return c;
}

function saveFailure(err: unknown, message: string): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof NotFoundError) return notFound("", err);
  if (err instanceof ValidationErrors) return badRequest(message, err);
  return badRequest(`${message} Raw error: \n${err instanceof Error ? err.message : String(err)}`);
}

/**
 * saveRequest saves a created or changed collection through its request hook and answers it; a failed save
 * is a 400 with the validation errors. A new single relation field without an index gets a hint in the log:
 * filters, rules, back-relations and expands through it look rows up by it (bench/scale/README.md).
 */
async function saveRequest(
  e: RequestEvent,
  collection: Collection,
  hook: "onCollectionCreateRequest" | "onCollectionUpdateRequest",
  failure: string,
  previous?: Collection,
): Promise<Response | null> {
  const event = e.derive(CollectionRequestEvent);
  event.collection = collection;
  await e.app.hooks.get(hook).trigger(event, async (ev) => {
    try {
      await ev.app.saveCollection(ev.collection);
    } catch (err) {
      throw saveFailure(err, failure);
    }
    for (const hint of relationIndexHints(ev.collection, previous)) {
      ev.app
        .logger()
        .info("consider an index on a relation field: lookups through it read the whole table without one", {
          collection: ev.collection.name,
          field: hint.field,
          index: hint.index,
        });
    }
    ev.json(200, ev.collection);
  });
  return event.response;
}

/** bindCollectionApi registers the superuser-only `/api/collections` endpoints. */
export function bindCollectionApi(router: Hono<RouterEnv>): void {
  const base = "/api/collections";

  router.on(
    ["GET", "HEAD"],
    `${base}/meta/scaffolds`,
    requireSuperuser,
    route(async (e) => {
      const suffix = pseudorandomString(10, "abcdefghijklmnopqrstuvwxyz0123456789");
      const scaffolds: Record<string, JsonObject> = {};
      for (const type of ["auth", "base", "view"] as CollectionType[]) {
        const c = Collection.create(type, "", suffix);
        c.id = "";
        scaffolds[type] = c.toJSON();
      }
      return e.json(200, scaffolds);
    }),
  );

  router.on(
    ["GET", "HEAD"],
    `${base}/meta/oauth2-providers`,
    requireSuperuser,
    route(async (e) => e.json(200, listProviders())),
  );

  router.put(`${base}/import`, requireSuperuser, route(collectionsImport));
  router.post(`${base}/meta/dry-run-view`, requireSuperuser, route(collectionDryRunView));

  router.on(
    ["GET", "HEAD"],
    base,
    requireSuperuser,
    route(async (e) => {
      const event = e.derive(CollectionsListRequestEvent);
      try {
        event.result = await listCollections(e.app.db, listParams(e));
      } catch (err) {
        throw err instanceof InvalidCollectionListError ? badRequest("", err) : err;
      }
      event.collections = event.result.items;
      await e.app.hooks.get("onCollectionsListRequest").trigger(event, async (ev) => {
        ev.json(200, ev.result);
      });
      return event.response;
    }),
  );

  router.post(
    base,
    requireSuperuser,
    route(async (e) => {
      const body = await collectionJson(e, true);
      const type =
        typeof body.type === "string" && (collectionTypes as readonly string[]).includes(body.type)
          ? (body.type as CollectionType)
          : "base";
      const collection = Collection.create(type, typeof body.name === "string" ? body.name : "");
      if (typeof body.type === "string" && body.type !== type) collection.type = body.type as CollectionType;
      applyBody(collection, body);
      return saveRequest(e, collection, "onCollectionCreateRequest", "Failed to create collection.");
    }),
  );

  router.on(
    ["GET", "HEAD"],
    `${base}/:collection`,
    requireSuperuser,
    route(async (e) => {
      const event = e.derive(CollectionRequestEvent);
      event.collection = findOrFail(e.app, e.params.collection ?? "");
      await e.app.hooks.get("onCollectionViewRequest").trigger(event, async (ev) => {
        ev.json(200, ev.collection);
      });
      return event.response;
    }),
  );

  router.patch(
    `${base}/:collection`,
    requireSuperuser,
    route(async (e) => {
      const previous = findOrFail(e.app, e.params.collection ?? "");
      const collection = previous.clone();
      applyBody(collection, await collectionJson(e, false));
      return saveRequest(e, collection, "onCollectionUpdateRequest", "Failed to update collection.", previous);
    }),
  );

  router.delete(
    `${base}/:collection`,
    requireSuperuser,
    route(async (e) => {
      const event = e.derive(CollectionRequestEvent);
      event.collection = findOrFail(e.app, e.params.collection ?? "");
      await e.app.hooks.get("onCollectionDeleteRequest").trigger(event, async (ev) => {
        try {
          await ev.app.deleteCollection(ev.collection);
        } catch (err) {
          let message = "Failed to delete collection";
          const refs = ev.app.findCollectionReferences(ev.collection, ev.collection.id);
          if (refs.size > 0)
            message += ` probably due to existing reference in ${[...refs.keys()].map((r) => r.name).join(", ")}`;
          throw err instanceof ApiError ? err : badRequest(message, err);
        }
        ev.noContent();
      });
      return event.response;
    }),
  );

  router.delete(
    `${base}/:collection/truncate`,
    requireSuperuser,
    route(async (e) => {
      const collection = findOrFail(e.app, e.params.collection ?? "");
      if (collection.type === "view") {
        throw badRequest("View collections cannot be truncated since they don't store their own records.");
      }
      try {
        await e.app.truncateCollection(collection);
      } catch (err) {
        throw err instanceof ApiError
          ? err
          : badRequest(
              "Failed to truncate collection (most likely due to required cascade delete record references).",
              err,
            );
      }
      return e.noContent();
    }),
  );
}

const importBody = z.object({
  collections: z.array(z.looseObject({})).nullable().optional(),
  deleteMissing: z.boolean().optional(),
});

const importLoadFailure = "An error occurred while loading the submitted data.";

/** readBodyAs reads the body into a schema; an unreadable body or a mistyped value is a 400 with `message`. */
async function readBodyAs<T>(e: RequestEvent, schema: z.ZodType<T>, message: string): Promise<T> {
  let data: Record<string, unknown>;
  try {
    ({ data } = await e.body());
  } catch (err) {
    if (err instanceof ApiError && err.status === 400) throw badRequest(message, err.raw);
    throw err;
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw badRequest(message, parsed.error);
  return parsed.data;
}

async function collectionsImport(e: RequestEvent): Promise<Response | null> {
  const body = await readBodyAs(e, importBody, importLoadFailure);
  const collections = (body.collections ?? []) as JsonObject[];
  if (required(collections)) {
    throw badRequest(
      "An error occurred while validating the submitted data.",
      new ValidationErrors({ collections: new ValidationError("validation_required", "cannot be blank") }),
    );
  }
  const event = e.derive(CollectionsImportRequestEvent);
  event.collectionsData = collections;
  event.deleteMissing = body.deleteMissing ?? false;
  await e.app.hooks.get("onCollectionsImportRequest").trigger(event, async (ev) => {
    try {
      await importCollections(ev.app, ev.collectionsData as JsonObject[], ev.deleteMissing);
    } catch (err) {
      if (err instanceof ValidationErrors) throw badRequest("Failed to import collections.", err);
      const message = err instanceof Error ? err.message : String(err);
      throw badRequest(
        "Failed to import collections.",
        new ValidationErrors({
          collections: new ValidationError(
            "validation_collections_import_failure",
            `Failed to import the collections configuration. Raw error:\n${message}`,
          ),
        }),
      );
    }
    ev.noContent();
  });
  return event.response;
}

const dryRunBody = z.looseObject({ query: z.string().nullable().optional() });

/** The answer of `POST /api/collections/meta/dry-run-view`: the view's inferred fields and up to 10 of its rows. */
export interface DryRunViewResponse {
  fields: FieldModel[];
  sample: Record<string, unknown>[];
}

/** collectionDryRunView infers the fields of a view query and returns them with up to 10 sample records. */
async function collectionDryRunView(e: RequestEvent): Promise<Response | null> {
  const query = (await readBodyAs(e, dryRunBody, importLoadFailure)).query ?? "";
  const errs = validateObject({ query }, { query: [required, length(0, 5000)] });
  if (!errs.isEmpty) throw badRequest("An error occurred while validating the submitted data.", errs);
  let result: DryRunViewResult;
  try {
    result = await dryRunView(e.app, query, 10);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw badRequest(`Invalid view query. Raw error: \n${err instanceof Error ? err.message : String(err)}`);
  }
  return e.json(200, { fields: result.fields, sample: result.sample });
}
