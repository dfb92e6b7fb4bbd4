import type { App } from "../core/app.ts";
import type { Collection } from "../core/collection-model.ts";
import { RecordEnrichEvent } from "../core/events.ts";
import type { RecordModel } from "../core/record-model.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { ApiError, badRequest, forbidden, notFound } from "../tools/router/api-error.ts";
import { MalformedBodyError, type ParsedBody, UnsupportedContentTypeError } from "../tools/router/body.ts";

export const superusersOnlyMessage = "Only superusers can perform this action.";

/**
 * findCollectionOrFail resolves the `{collection}` parameter: an unknown one is a 404 "Missing collection
 * context." (the routes with a body limit word it as their limit middleware does in PocketBase).
 */
export function findCollectionOrFail(e: RequestEvent, message = "Missing collection context."): Collection {
  const c = e.app.findCachedCollectionByNameOrId(e.params.collection ?? "");
  if (!c) throw notFound(message);
  return c;
}

/**
 * readRecordBody parses the request body with the record endpoints' wording of failures: an unsupported
 * content type says so, a malformed body is the generic 400, a too large one stays a 413.
 */
export async function readRecordBody(e: RequestEvent): Promise<ParsedBody> {
  try {
    return await e.body();
  } catch (err) {
    if (err instanceof ApiError && err.raw instanceof UnsupportedContentTypeError)
      throw badRequest("Unsupported Content-Type.", err.raw);
    if (err instanceof ApiError && err.raw instanceof MalformedBodyError) throw badRequest("", err.raw);
    throw err;
  }
}

/**
 * checkRuleAccess applies the two rule values that need no filter engine: `null` lets only superusers
 * through (403 for others) and `""` lets anyone through. Any other rule is answered as superusers-only
 * until rule expressions are evaluated.
 */
export function checkRuleAccess(e: RequestEvent, rule: string | null): void {
  if (e.isSuperuser() || rule === "") return;
  throw forbidden(superusersOnlyMessage);
}

/**
 * enrichRecords prepares records for a response: onRecordEnrich for each one, then the default flags
 * (superusers see hidden fields and emails; an auth record's owner sees its own email).
 */
export async function enrichRecords(e: RequestEvent, records: RecordModel[]): Promise<void> {
  if (records.length === 0) return;
  await triggerEnrichHooks(e.app, e, records, async () => resolveRecordFlags(e, records));
}

async function triggerEnrichHooks(
  app: App,
  e: RequestEvent | null,
  records: RecordModel[],
  done: () => Promise<void>,
): Promise<void> {
  const hook = app.hooks.get("onRecordEnrich");
  if (hook.length === 0) return done();
  const step = async (i: number): Promise<void> => {
    const record = records[i];
    if (!record) return done();
    await hook.trigger(new RecordEnrichEvent(app, record, e), () => step(i + 1));
  };
  return step(0);
}

function resolveRecordFlags(e: RequestEvent, records: RecordModel[]): void {
  const first = records[0];
  if (!first) return;
  if (e.isSuperuser()) {
    const names = first.collection.fields.map((f) => f.name);
    for (const r of records) {
      r.unhide(...names);
      r.ignoreEmailVisibility = true;
    }
    return;
  }
  if (first.collection.type !== "auth" || !e.auth) return;
  for (const r of records)
    if (r.id === e.auth.id && r.collection.id === e.auth.collection.id) r.ignoreEmailVisibility = true;
}
