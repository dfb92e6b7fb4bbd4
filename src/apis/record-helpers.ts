import type { App } from "../core/app.ts";
import type { Collection } from "../core/collection-model.ts";
import { RecordEnrichEvent } from "../core/events.ts";
import type { RecordModel } from "../core/record-model.ts";
import { type ExpandFetch, expandRecords } from "../core/record-query-expand.ts";
import type { RowRecords } from "../core/record-rows.ts";
import { findRecordsByIdsWithRule, findRecordsWhereWithRule } from "../core/record-search.ts";
import { type RequestEvent, type RequestInfo, requestInfoWith } from "../core/request-event.ts";
import type { ReadScope } from "../db/driver.ts";
import { BatchWatch } from "../tools/hook/hook-watch.ts";
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

/** requireRuleNotNull refuses non-superusers when the action's rule is `null` (superusers only). */
export function requireRuleNotNull(e: RequestEvent, rule: string | null): void {
  if (rule === null && !e.isSuperuser()) throw forbidden(superusersOnlyMessage);
}

const superuserOnlyFilterFields = ["@collection.", "@request."];

/** checkForSuperuserOnlyRuleFields refuses `@collection.`/`@request.` in the filter or sort of non-superusers. */
export function checkForSuperuserOnlyRuleFields(e: RequestEvent): void {
  if (e.isSuperuser()) return;
  for (const param of ["filter", "sort"]) {
    const v = e.url.searchParams.get(param) ?? "";
    for (const f of superuserOnlyFilterFields) if (v.includes(f)) throw forbidden(`Only superusers can filter by ${f}`);
  }
}

/** searchFailure turns a filter/sort/rule compile error into the 400 the API answers. */
export function searchFailure(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return badRequest("", err);
}

/**
 * enrichRecords prepares records for a response: onRecordEnrich for each one, then the default flags
 * (superusers see hidden fields and emails; owners and managers see emails) and the `expand` parameter.
 */
export function enrichRecords(e: RequestEvent, records: RecordModel[], info?: RequestInfo): Promise<void> {
  try {
    if (records.length === 0) return enriched;
    // a guest (no flags to set) and nothing to expand: only the onRecordEnrich handlers, if any, to fire (and
    // with none, nothing to wait on)
    if (!(info ?? e).auth && !e.queryParam("expand")) {
      if (e.app.hooks.onRecordEnrich.length === 0) return enriched;
      return triggerEnrichHooks(e.app, records.length, (i) => recordEvent(e.app, records, i, e), noAction);
    }
  } catch (err) {
    return Promise.reject(err);
  }
  return enrichWithFlags(e, records, info);
}

const enriched: Promise<void> = Promise.resolve();

/** enrichWithFlags is enrichRecords for a signed-in requester or an `expand`: the hooks, the flags, the expand. */
async function enrichWithFlags(e: RequestEvent, records: RecordModel[], info?: RequestInfo): Promise<void> {
  const requestInfo = info ?? (await e.requestInfo());
  await triggerEnrichHooks(
    e.app,
    records.length,
    (i) => recordEvent(e.app, records, i, e),
    async () => {
      await resolveRecordFlags(e.app, records, requestInfo);
      const expand = e.url.searchParams.get("expand");
      if (expand) {
        const scope = e.readScope();
        const failed = await expandRecords(e.app, records, expand.split(","), expandFetch(e, requestInfo, scope), {
          limits: e.app.expandLimits,
        });
        for (const [path, err] of failed) e.app.logger().debug("failed to expand", { path, error: err.message });
      }
    },
  );
}

/**
 * expandFetch loads expanded records with the target collection's view rule for the requester (context
 * "expand"); hidden ones are left out. Superusers see everything; a null view rule shows nothing.
 */
export function expandFetch(e: RequestEvent, info: RequestInfo, scope: ReadScope): ExpandFetch {
  const expandInfo = requestInfoWith(info, { context: "expand" });
  return async (collection, selection) => {
    const superuser = info.auth?.collection.name === "_superusers";
    if (!superuser && collection.viewRule === null) return [];
    const rule = superuser ? null : collection.viewRule;
    const records =
      "ids" in selection
        ? await findRecordsByIdsWithRule(e.app, collection, selection.ids, rule, expandInfo, scope)
        : await findRecordsWhereWithRule(e.app, collection, selection.where, rule, expandInfo, scope);
    await triggerEnrichHooks(
      e.app,
      records.length,
      (i) => recordEvent(e.app, records, i, e),
      () => resolveRecordFlags(e.app, records, expandInfo),
    );
    return records;
  };
}

/**
 * enrichRows is enrichRecords for a list or view answered from the rows (RowRecords), where no flag is set
 * and nothing expanded: onRecordEnrich for each row, its record made only if a handler reads it.
 */
export function enrichRows(e: RequestEvent, rows: RowRecords): Promise<void> {
  if (rows.length === 0 || e.app.hooks.onRecordEnrich.length === 0) return Promise.resolve();
  return triggerEnrichHooks(e.app, rows.length, (i) => RecordEnrichEvent.ofRow(e.app, rows, i, e), noAction);
}

const noAction = (): Promise<void> => Promise.resolve();

function recordEvent(app: App, records: RecordModel[], i: number, e: RequestEvent): RecordEnrichEvent {
  return new RecordEnrichEvent(app, records[i] as RecordModel, e);
}

/** The timeout and the handler ids of each onRecordEnrich handler list (the list is replaced when it changes). */
const enrichTimings = new WeakMap<readonly unknown[], { timeout: number; ids: string }>();

/**
 * triggerEnrichHooks fires onRecordEnrich for each record, each firing inside the previous one's `e.next()`,
 * and `done` inside the last. The firings are timed as one (a BatchWatch: the handlers' time, not done's),
 * which costs one watch per response instead of one per record.
 */
function triggerEnrichHooks(
  app: App,
  count: number,
  eventAt: (i: number) => RecordEnrichEvent,
  done: () => Promise<void>,
): Promise<void> {
  const hook = app.hooks.onRecordEnrich;
  if (hook.length === 0) return done();
  const handlers = hook.handlers();
  let timing = enrichTimings.get(handlers);
  if (!timing) {
    timing = {
      timeout: Math.max(0, ...handlers.map((h) => h.timeout ?? hook.timeout)),
      ids: handlers.map((h) => h.id).join(", "),
    };
    enrichTimings.set(handlers, timing);
  }
  const batch = timing.timeout > 0 ? new BatchWatch(hook.name, timing.ids, timing.timeout) : null;
  // done's time is not the handlers': the watch pauses around it (without a frame when it ends at once)
  const finish = (): Promise<void> => {
    if (!batch) return done();
    batch.pause();
    let result: Promise<void>;
    try {
      result = done();
    } catch (err) {
      batch.resume();
      return Promise.reject(err);
    }
    if (Bun.peek.status(result) !== "pending") {
      batch.resume();
      return result;
    }
    return result.finally(() => batch.resume());
  };
  const fire = () => hook.triggerNested(count, eventAt, finish);
  return batch ? batch.guard(fire) : fire();
}

async function resolveRecordFlags(app: App, records: RecordModel[], info: RequestInfo): Promise<void> {
  const first = records[0];
  if (!first) return;
  const auth = info.auth;
  if (auth?.collection.name === "_superusers") {
    const names = first.collection.fields.map((f) => f.name);
    for (const r of records) {
      r.unhide(...names);
      r.ignoreEmailVisibility = true;
    }
    return;
  }
  const collection = first.collection;
  if (collection.type !== "auth" || !auth) return;
  for (const r of records) if (r.id === auth.id) r.ignoreEmailVisibility = true;
  const manageRule = collection.auth.manageRule;
  if (!manageRule) return;
  const managed = await findRecordsByIdsWithRule(
    app,
    collection,
    records.map((r) => r.id),
    manageRule,
    info,
  ).catch(() => []);
  const managedIds = new Set(managed.map((r) => r.id));
  for (const r of records) if (managedIds.has(r.id)) r.ignoreEmailVisibility = true;
}
