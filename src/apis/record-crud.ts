import type { Hono } from "hono";
import type { Collection } from "../core/collection-model.ts";
import { EditorField } from "../core/field-editor.ts";
import { FileField } from "../core/field-file.ts";
import { JSONField } from "../core/field-json.ts";
import { type RecordJSON, RecordModel } from "../core/record-model.ts";
import { defaultPerPage, maxPerPage } from "../core/record-query.ts";
import { type RowExporter, rowExporter } from "../core/record-row-export.ts";
import { RowRecords } from "../core/record-rows.ts";
import {
  checkRuleOnNewRecord,
  compileSearch,
  countRecords,
  findRecordByIdWithRule,
  findRecords,
  findRowByIdWithRule,
  findRows,
} from "../core/record-search.ts";
import {
  defaultBodyLimit,
  type ListResult,
  RecordRequestEvent,
  RecordsListRequestEvent,
  type RequestEvent,
  type RequestInfo,
  requestInfoWith,
} from "../core/request-event.ts";
import { QueryTimeoutError } from "../db/driver.ts";
import { RecordUpsert } from "../forms/record-upsert.ts";
import { UploadedFile } from "../tools/filesystem/file.ts";
import { ApiError, badRequest, notFound } from "../tools/router/api-error.ts";
import type { ParsedBody } from "../tools/router/body.ts";
import { parseSort, type SortField } from "../tools/search/sort.ts";
import { randomString } from "../tools/security/random.ts";
import { toUniqueStringList } from "../tools/types/cast.ts";
import { ValidationErrors } from "../tools/validation/validation.ts";
import type { RouterEnv } from "./middlewares.ts";
import { checkCollectionRateLimit, withOwnRateLimit } from "./middlewares-rate-limit.ts";
import { hashPendingPassword } from "./record-auth-with-oauth2-password.ts";
import {
  checkForSuperuserOnlyRuleFields,
  enrichRecords,
  enrichRows,
  findCollectionOrFail,
  readRecordBody,
  requireRuleNotNull,
  searchFailure,
} from "./record-helpers.ts";
import { listTimingGuard } from "./record-list-timing.ts";
import { route } from "./route.ts";

/** bindRecordCrudApi registers `/api/collections/{collection}/records[/{id}]`. */
export function bindRecordCrudApi(router: Hono<RouterEnv>): void {
  const base = "/api/collections/:collection/records";
  // each handler applies the collection's rate limits itself, once it found the collection
  router.on(["GET", "HEAD"], base, withOwnRateLimit(route(recordsList)));
  router.on(["GET", "HEAD"], `${base}/:id`, withOwnRateLimit(route(recordView)));
  router.post(base, withOwnRateLimit(route(recordCreate)));
  router.patch(`${base}/:id`, withOwnRateLimit(route(recordUpdate)));
  router.delete(`${base}/:id`, withOwnRateLimit(route(recordDelete)));
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/** parseIntParam reads a 64-bit integer query parameter (anything else, too large ones included, is a 400). */
function parseIntParam(e: RequestEvent, name: string): number | null {
  const raw = e.url.searchParams.get(name);
  if (raw === null || raw === "") return null;
  const n = /^[+-]?\d+$/.test(raw) ? BigInt(raw) : null;
  if (n === null || n < int64Min || n > int64Max) throw badRequest("", new Error(`invalid ${name}`));
  return Number(n);
}

function parseBoolParam(e: RequestEvent, name: string): boolean {
  const raw = e.url.searchParams.get(name);
  if (raw === null || raw === "") return false;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(raw)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(raw)) return false;
  throw badRequest("", new Error(`invalid ${name}`));
}

/** listParams reads page, perPage, skipTotal, sort and filter with PocketBase's defaults and limits. */
export function listParams(e: RequestEvent): {
  page: number;
  perPage: number;
  skipTotal: boolean;
  sort: SortField[];
  filter: string;
} {
  const skipTotal = parseBoolParam(e, "skipTotal");
  let page = parseIntParam(e, "page") ?? 1;
  let perPage = parseIntParam(e, "perPage") ?? defaultPerPage;
  if (page <= 0) page = 1;
  if (perPage <= 0) perPage = defaultPerPage;
  else if (perPage > maxPerPage) perPage = maxPerPage;
  const rawSort = e.url.searchParams.get("sort");
  const filter = e.url.searchParams.get("filter") ?? "";
  return { page, perPage, skipTotal, sort: rawSort ? parseSort(rawSort) : [], filter };
}

/**
 * plainExporter is how a list or view answer is made straight from the rows, when nothing needs the records
 * for its own work: no `expand`, and a requester who sees the records as everyone does (not a superuser; on
 * an auth collection, a guest, since owners and managers see emails). Else null: the records are built.
 * Handlers bound to the request's hook or to onRecordEnrich still fire on this path (hookedList,
 * hookedView), over records made from the rows only when a handler reads one (RowRecords).
 */
function plainExporter(e: RequestEvent, collection: Collection): RowExporter | null {
  if (e.auth && (collection.type === "auth" || e.isSuperuser())) return null;
  if (e.queryParam("expand")) return null;
  return rowExporter(collection);
}

/** hooksBound tells whether a read fires any handler: of the request's hook for the collection, or onRecordEnrich. */
function hooksBound(e: RequestEvent, collection: Collection, hook: "onRecordsListRequest" | "onRecordViewRequest") {
  const hooks = e.app.hooks;
  return hooks.onRecordEnrich.length > 0 || hooks[hook].hasHandlersFor(collection.idAndName());
}

async function recordsList(e: RequestEvent): Promise<Response | null> {
  const collection = findCollectionOrFail(e);
  checkCollectionRateLimit(e, collection, "list");
  const params = listParams(e);
  requireRuleNotNull(e, collection.listRule);
  checkForSuperuserOnlyRuleFields(e);
  const info = e.readyRequestInfo() ?? (await e.requestInfo());
  const exporter = plainExporter(e, collection);
  if (exporter) return plainList(e, collection, params, info, exporter);
  const compiled = compileListSearch(e, collection, params, info);
  const offset = (params.page - 1) * params.perPage;
  const scope = e.readScope();
  const items =
    offset > Number.MAX_SAFE_INTEGER
      ? []
      : await findRecords(e.app, collection, compiled, params.perPage, offset, scope);
  let totalItems = -1;
  let totalPages = -1;
  if (!params.skipTotal) {
    totalItems = await countRecords(e.app, collection, compiled, scope);
    totalPages = Math.ceil(totalItems / params.perPage);
  }
  const event = e.derive(RecordsListRequestEvent);
  event.collection = collection;
  event.records = items;
  event.result = { page: params.page, perPage: params.perPage, totalItems, totalPages, items };
  await e.app.hooks.get("onRecordsListRequest").trigger(event, (ev) => answerList(ev, info, params.filter));
  return event.response;
}

/** compileListSearch compiles a list's rule, filter and sort; a bad filter or sort is a 400. */
function compileListSearch(
  e: RequestEvent,
  collection: Collection,
  params: ReturnType<typeof listParams>,
  info: RequestInfo,
): ReturnType<typeof compileSearch> {
  try {
    return compileSearch(e.app, {
      collection,
      requestInfo: info,
      rule: collection.listRule,
      filter: params.filter,
      sort: params.sort,
    });
  } catch (err) {
    throw searchFailure(err);
  }
}

/**
 * plainList answers a list from the rows (plainExporter): the same search, the page and the total count
 * asked for at once, no records; the hooks, when handlers are bound, through hookedList.
 */
async function plainList(
  e: RequestEvent,
  collection: Collection,
  params: ReturnType<typeof listParams>,
  info: RequestInfo,
  exporter: RowExporter,
): Promise<Response | null> {
  const compiled = compileListSearch(e, collection, params, info);
  const offset = (params.page - 1) * params.perPage;
  const scope = e.readScope();
  const page = () =>
    offset > Number.MAX_SAFE_INTEGER ? [] : findRows(e.app, collection, compiled, params.perPage, offset, scope);
  const count = () => (params.skipTotal ? -1 : countRecords(e.app, collection, compiled, scope));
  // both at once (on PostgreSQL, on two connections), but one after the other when isolated: a requester's
  // isolated reads wait for each other anyway
  const [rows, totalItems] = compiled.isolate ? [await page(), await count()] : await Promise.all([page(), count()]);
  const totalPages = totalItems < 0 ? -1 : Math.ceil(totalItems / params.perPage);
  const result = { page: params.page, perPage: params.perPage, totalItems, totalPages };
  if (hooksBound(e, collection, "onRecordsListRequest")) {
    return hookedList(e, new RowRecords(collection, rows), result, info, exporter, params.filter);
  }
  if (collection.listRule && params.filter && rows.length === 0 && !e.isSuperuser()) {
    await listTimingGuard(e, collection);
  }
  const items = new Array<RecordJSON>(rows.length);
  for (let i = 0; i < rows.length; i++) items[i] = exporter(rows[i] as Record<string, unknown>);
  return e.json(200, { ...result, items });
}

/**
 * hookedList is plainList with handlers bound: onRecordsListRequest, then inside it onRecordEnrich for each
 * record, as on the records path; the answer is made from the rows but for the records a handler read
 * (or all of them from the records, once a handler read `e.records` or `e.result`).
 */
async function hookedList(
  e: RequestEvent,
  rows: RowRecords,
  page: Omit<ListResult<RecordModel>, "items">,
  info: RequestInfo,
  exporter: RowExporter,
  filter: string,
): Promise<Response | null> {
  const collection = rows.collection;
  const event = e.derive(RecordsListRequestEvent);
  event.collection = collection;
  event.useRows(rows, page);
  const send = (ev: RecordsListRequestEvent, untouched: RowRecords): Promise<void> => {
    // an enrich handler that read e.records or e.result made the records: the page is then theirs
    if (ev.untouchedRows() === null) return answerList(ev, info, filter, false);
    if (!ev.isSuperuser() && collection.listRule && filter && untouched.length === 0) {
      return listTimingGuard(ev, collection).then(() => sendRows(ev, untouched, page, exporter));
    }
    sendRows(ev, untouched, page, exporter);
    return sent;
  };
  // without an async frame: handlers and enrich handlers that return at once leave nothing to watch
  await e.app.hooks.get("onRecordsListRequest").trigger(event, (ev) => {
    const untouched = ev.untouchedRows();
    if (untouched === null) return answerList(ev, info, filter);
    const enriched = enrichRows(ev, untouched);
    return Bun.peek.status(enriched) === "fulfilled" ? send(ev, untouched) : enriched.then(() => send(ev, untouched));
  });
  return event.response;
}

const sent: Promise<void> = Promise.resolve();

/** sendRows answers a page from its rows (the records a handler read from those). */
function sendRows(
  ev: RecordsListRequestEvent,
  rows: RowRecords,
  page: Omit<ListResult<RecordModel>, "items">,
  exporter: RowExporter,
): void {
  const items = new Array<RecordJSON>(rows.length);
  for (let i = 0; i < items.length; i++) items[i] = rows.exportAt(i, exporter);
  ev.json(200, { ...page, items });
}

/** answerList is the default action of onRecordsListRequest: enrich the page's records (unless done) and send it. */
async function answerList(
  ev: RecordsListRequestEvent,
  info: RequestInfo,
  filter: string,
  enrich = true,
): Promise<void> {
  const collection = ev.collection;
  if (enrich) await enrichRecords(ev, ev.records, info);
  if (!ev.isSuperuser() && collection.listRule && filter && ev.records.length === 0) {
    await listTimingGuard(ev, collection);
  }
  // plain objects serialize much faster than records with toJSON
  const items = ev.result.items.map((r) => (r instanceof RecordModel ? r.publicExport() : r));
  ev.json(200, { ...ev.result, items });
}

async function recordView(e: RequestEvent): Promise<Response | null> {
  const collection = findCollectionOrFail(e);
  checkCollectionRateLimit(e, collection, "view");
  const id = e.params.id ?? "";
  if (id === "") throw notFound();
  requireRuleNotNull(e, collection.viewRule);
  const exporter = plainExporter(e, collection);
  if (exporter) return plainView(e, collection, id, exporter);
  const info = e.readyRequestInfo() ?? (await e.requestInfo());
  const record = await findWithRule(e, collection, id, collection.viewRule, info);
  const event = e.derive(RecordRequestEvent);
  event.collection = collection;
  event.record = record;
  await e.app.hooks.get("onRecordViewRequest").trigger(event, (ev) => answerView(ev, info));
  return event.response;
}

/** answerView is the default action of onRecordViewRequest: enrich the record and send it. */
async function answerView(ev: RecordRequestEvent, info: RequestInfo | null): Promise<void> {
  if (ev.record) await enrichRecords(ev, [ev.record], info ?? (await ev.requestInfo()));
  ev.json(200, ev.record);
}

/**
 * plainView answers a view from the row (plainExporter): no record; when handlers are bound, they fire
 * as on the records path over a record made only if one reads it.
 */
async function plainView(
  e: RequestEvent,
  collection: Collection,
  id: string,
  exporter: RowExporter,
): Promise<Response | null> {
  const rule = collection.viewRule;
  // an empty rule reads nothing of the request (and compiles to the same query for every guest)
  const info = rule ? (e.readyRequestInfo() ?? (await e.requestInfo())) : null;
  let row: Record<string, unknown> | undefined;
  try {
    row = await findRowByIdWithRule(e.app, collection, id, rule, info, e.readScope());
  } catch (err) {
    if (err instanceof QueryTimeoutError) throw err;
    throw notFound("", err);
  }
  if (!row) throw notFound();
  if (!hooksBound(e, collection, "onRecordViewRequest")) return e.json(200, exporter(row));
  const rows = new RowRecords(collection, [row]);
  const event = e.derive(RecordRequestEvent);
  event.collection = collection;
  event.useRow(rows);
  const send = (ev: RecordRequestEvent): void => {
    ev.json(200, ev.untouchedRow() === null ? ev.record : rows.exportAt(0, exporter));
  };
  await e.app.hooks.get("onRecordViewRequest").trigger(event, (ev) => {
    if (ev.untouchedRow() === null) return answerView(ev, info);
    const enriched = enrichRows(ev, rows);
    if (Bun.peek.status(enriched) !== "fulfilled") return enriched.then(() => send(ev));
    send(ev);
    return sent;
  });
  return event.response;
}

/** findWithRule loads a record the rule lets the requester act on; anything else (missing or hidden) is a 404. */
async function findWithRule(
  e: RequestEvent,
  collection: Collection,
  id: string,
  rule: string | null,
  info: RequestInfo,
): Promise<RecordModel> {
  let record: RecordModel | null;
  try {
    record = e.isSuperuser()
      ? await e.app.findRecordById(collection, id)
      : await findRecordByIdWithRule(e.app, collection, id, rule, info, e.readScope());
  } catch (err) {
    // a request stopped at its deadline is told so, not that the record is missing
    if (err instanceof QueryTimeoutError) throw err;
    throw notFound("", err);
  }
  if (!record) throw notFound();
  return record;
}

/** bodyLimitFor raises the body limit by what the collection's file, editor and json fields may carry. */
function bodyLimitFor(collection: Collection): number {
  let limit = defaultBodyLimit;
  if (collection.type === "view") return limit;
  for (const f of collection.fields) {
    if (f instanceof FileField || f instanceof EditorField || f instanceof JSONField) limit += f.maxBodySize();
  }
  return limit;
}

/**
 * recordDataFromRequest is the body as record values: modifier keys resolved against the record, uploaded
 * files merged with the file names sent under the same key, hidden fields dropped for non-superusers.
 */
async function recordDataFromRequest(
  e: RequestEvent,
  record: RecordModel,
  body: ParsedBody,
): Promise<Record<string, unknown>> {
  let result = record.replaceModifiers(body.data);
  const uploads: Record<string, unknown[]> = {};
  for (const field of record.collection.fields) {
    if (!(field instanceof FileField)) continue;
    for (const key of [field.name, `+${field.name}`, `${field.name}+`]) {
      const files = body.files[key];
      if (!files || files.length === 0) continue;
      const list: unknown[] = key === field.name && body.data[key] != null ? toUniqueStringList(body.data[key]) : [];
      for (const f of files) list.push(await UploadedFile.fromBlob(f, f.name));
      uploads[key] = list;
    }
  }
  if (Object.keys(uploads).length > 0) result = record.replaceModifiers({ ...result, ...uploads });
  if (!e.isSuperuser()) {
    const isAuth = record.collection.type === "auth";
    for (const f of record.collection.fields) if (f.hidden && !(isAuth && f.name === "password")) delete result[f.name];
  }
  return result;
}

/**
 * BatchStep makes a record write one sub-request of a batch: at the end of this one's default action, inside
 * its request hook, `next` takes its answer and runs the batch's next sub-request, as PocketBase chains them
 * (a handler around one sub-request wraps the ones after it, and sees their failure).
 */
export interface BatchStep {
  next(response: Response | null): Promise<void>;
}

/**
 * chainedStep calls a batch's next step once: from the default action, or after the hooks when they didn't
 * let it run. Outside of a batch there is none (and nothing to do per request).
 */
function chainedStep(step: BatchStep | undefined): ((response: Response | null) => Promise<void>) | null {
  if (!step) return null;
  let done = false;
  return async (response) => {
    if (done) return;
    done = true;
    await step.next(response);
  };
}

/**
 * writableCollectionOrFail resolves the collection of a create or update request and sets the collection's
 * body limit, in PocketBase's order: unknown collection, view collection (the caller reads the body next).
 */
function writableCollectionOrFail(e: RequestEvent, rateLimitTag: "create" | "update", inBatch: boolean): Collection {
  // an unknown collection is worded by the body limit middleware, which batch sub-requests don't pass
  const collection = findCollectionOrFail(e, inBatch ? undefined : "Missing or invalid collection context.");
  e.bodyLimit = bodyLimitFor(collection);
  if (collection.type === "view") throw badRequest("Unsupported collection type.");
  checkCollectionRateLimit(e, collection, rateLimitTag);
  return collection;
}

/** submitFailure keeps ApiErrors as they are and turns the rest into a 400 with the given message. */
function submitFailure(err: unknown, message: string): ApiError {
  if (err instanceof ApiError) return err;
  return badRequest(message, err instanceof ValidationErrors ? err : undefined);
}

/**
 * recordCreate handles `POST /api/collections/{c}/records`; OAuth2 sign-ups call it too (context "oauth2"),
 * so the create rule applies to them, with a random password when the sign-up data has none, and so do
 * batches (with their next step).
 */
export async function recordCreate(e: RequestEvent, step?: BatchStep): Promise<Response | null> {
  const collection = writableCollectionOrFail(e, "create", step !== undefined);
  const body = await readRecordBody(e);
  requireRuleNotNull(e, collection.createRule);
  const record = new RecordModel(collection);
  const form = new RecordUpsert(e.app, record);
  if (e.isSuperuser()) form.grantSuperuserAccess();
  // a base collection has no manage rule: with an empty create rule there is nothing to check
  const ruleChecked = !e.isSuperuser() && (!!collection.createRule || collection.type === "auth");
  let data: Record<string, unknown> | null = null;
  if (setsBodyOnce(e, collection, body)) {
    // the body set on the record itself, its `@request.body` view made only for the rule
    if (ruleChecked) data = record.applyBody(body.data);
    else record.setBody(body.data);
  } else {
    data = await recordDataFromRequest(e, record, body);
    const randomPassword = e.context === "oauth2" && collection.type === "auth" && !("password" in data);
    if (randomPassword) data.password = data.passwordConfirm = randomString(30);
    form.load(data);
    if (randomPassword) await hashPendingPassword(record);
  }
  if (ruleChecked) {
    const info = requestInfoWith(await e.requestInfo(), { body: data ?? {} });
    // the rule sees the record as it would be stored, never verified by the requester
    const candidate = record.clone();
    if (collection.type === "auth") candidate.set("verified", false);
    if (collection.createRule && !(await ruleAllowsNew(e, candidate, collection.createRule, info))) {
      throw badRequest("Failed to create record.", new Error("create rule failure"));
    }
    if (await hasManageAccess(e, candidate, info)) form.grantManagerAccess();
  }
  const event = e.derive(RecordRequestEvent);
  event.collection = collection;
  event.record = record;
  const next = chainedStep(step);
  await e.app.hooks.get("onRecordCreateRequest").trigger(event, (ev) => {
    form.app = ev.app;
    form.record = ev.record ?? record;
    // promises passed on, not awaited in a frame of their own: a create with nothing to enrich answers as
    // soon as the save settles
    let saved: Promise<void>;
    try {
      saved = form.submit();
    } catch (err) {
      return Promise.reject(submitFailure(err, "Failed to create record."));
    }
    return saved.then(
      () => {
        const created = form.record;
        const done = enrichRecords(ev, [created]);
        if (Bun.peek.status(done) !== "fulfilled") return done.then(() => answerWrite(ev, created, next));
        return answerWrite(ev, created, next);
      },
      (err: unknown) => {
        throw submitFailure(err, "Failed to create record.");
      },
    );
  });
  if (next) await next(event.response);
  return event.response;
}

/** answerWrite answers a create with its record, then runs a batch's next step, if any. */
function answerWrite(
  ev: RecordRequestEvent,
  record: RecordModel,
  next: ((response: Response | null) => Promise<void>) | null,
): Promise<void> | undefined {
  const response = ev.json(200, record);
  return next ? next(response) : undefined;
}

/** Per collection version: whether its fields let a create's body be set once (setsBodyOnce). */
const bodyOnceFields = new WeakMap<Collection, { fit: boolean; hidden: boolean }>();

/**
 * setsBodyOnce tells whether a create's body can be set on the new record directly, in one pass: what
 * recordDataFromRequest and the form's load give then (the body applied to a copy, its values read back and
 * set again) is the same record. So for a base collection (an auth record has the form's password fields),
 * no uploaded file, no field whose getter differs from its stored value (a password's), and, for a
 * non-superuser, no hidden field (which the two passes leave unset).
 */
function setsBodyOnce(e: RequestEvent, collection: Collection, body: ParsedBody): boolean {
  let fields = bodyOnceFields.get(collection);
  if (!fields) {
    fields = {
      fit: collection.type === "base" && collection.fields.every((f) => f.findGetter(f.name) === undefined),
      hidden: collection.fields.some((f) => f.hidden),
    };
    bodyOnceFields.set(collection, fields);
  }
  if (!fields.fit || (fields.hidden && !e.isSuperuser())) return false;
  for (const _ in body.files) return false;
  return true;
}

/** recordUpdate handles `PATCH /api/collections/{c}/records/{id}` (and a batch's update or upsert). */
export async function recordUpdate(e: RequestEvent, step?: BatchStep): Promise<Response | null> {
  const collection = writableCollectionOrFail(e, "update", step !== undefined);
  const body = await readRecordBody(e);
  const id = e.params.id ?? "";
  if (id === "") throw notFound();
  requireRuleNotNull(e, collection.updateRule);
  const stored = await e.app.findRecordById(collection, id);
  if (!stored) throw notFound();
  const data = await recordDataFromRequest(e, stored, body);
  const info = requestInfoWith(await e.requestInfo(), { body: data });
  const record = await findWithRule(e, collection, id, collection.updateRule, info);
  const form = new RecordUpsert(e.app, record);
  if (e.isSuperuser()) form.grantSuperuserAccess();
  form.load(data);
  if (!e.isSuperuser() && (await hasManageAccess(e, record, info))) form.grantManagerAccess();
  const event = e.derive(RecordRequestEvent);
  event.collection = collection;
  event.record = record;
  const next = chainedStep(step);
  await e.app.hooks.get("onRecordUpdateRequest").trigger(event, async (ev) => {
    form.app = ev.app;
    form.record = ev.record ?? record;
    try {
      await form.submit();
    } catch (err) {
      throw submitFailure(err, "Failed to update record.");
    }
    await enrichRecords(ev, [form.record]);
    const response = ev.json(200, form.record);
    if (next) await next(response);
  });
  if (next) await next(event.response);
  return event.response;
}

/** recordDelete handles `DELETE /api/collections/{c}/records/{id}` (and a batch's delete). */
export async function recordDelete(e: RequestEvent, step?: BatchStep): Promise<Response | null> {
  const collection = findCollectionOrFail(e);
  if (collection.type === "view") throw badRequest("Unsupported collection type.");
  checkCollectionRateLimit(e, collection, "delete");
  const id = e.params.id ?? "";
  if (id === "") throw notFound();
  await readRecordBody(e);
  requireRuleNotNull(e, collection.deleteRule);
  const record = await findWithRule(e, collection, id, collection.deleteRule, await e.requestInfo());
  const event = e.derive(RecordRequestEvent);
  event.collection = collection;
  event.record = record;
  const next = chainedStep(step);
  await e.app.hooks.get("onRecordDeleteRequest").trigger(event, async (ev) => {
    try {
      await ev.app.delete(ev.record ?? record);
    } catch (err) {
      throw submitFailure(
        err,
        "Failed to delete record. Make sure that the record is not part of a required relation reference.",
      );
    }
    const response = ev.noContent();
    if (next) await next(response);
  });
  if (next) await next(event.response);
  return event.response;
}

async function ruleAllowsNew(e: RequestEvent, record: RecordModel, rule: string, info: RequestInfo): Promise<boolean> {
  try {
    return await checkRuleOnNewRecord(e.app, record, rule, info);
  } catch (err) {
    throw badRequest("Failed to create record.", err);
  }
}

/**
 * hasManageAccess tells whether the requester passes an auth collection's manage rule for the record
 * (letting them set email, verified and password without the usual checks).
 */
async function hasManageAccess(e: RequestEvent, record: RecordModel, info: RequestInfo): Promise<boolean> {
  const rule = record.collection.type === "auth" ? record.collection.auth.manageRule : null;
  if (!rule || !info.auth) return false;
  try {
    if (record.isNew()) return await checkRuleOnNewRecord(e.app, record, rule, info);
    return (await findRecordByIdWithRule(e.app, record.collection, record.id, rule, info, e.readScope())) !== null;
  } catch (err) {
    e.app.logger().error("manage rule failure", { collection: record.collection.name, error: String(err) });
    return false;
  }
}
