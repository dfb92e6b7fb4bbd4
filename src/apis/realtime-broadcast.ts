import type { App } from "../core/app.ts";
import type { Collection } from "../core/collection-model.ts";
import { RecordEnrichEvent } from "../core/events.ts";
import { requesterKey } from "../core/read-scope.ts";
import { realtimeClientRequestKey } from "../core/realtime.ts";
import {
  type AccessCheck,
  compileAccessCheck,
  runAccessCheck,
  runAccessChecks,
  snapshotValues,
  subscriberScope,
} from "../core/realtime-access.ts";
import { RecordModel } from "../core/record-model.ts";
import { type ExpandTally, expandRecords } from "../core/record-query-expand.ts";
import { RequestEvent, type RequestInfo } from "../core/request-event.ts";
import { QueryTimeoutError, type ReadScope } from "../db/driver.ts";
import type { SqlValue } from "../db/sql.ts";
import { parseFields, pick } from "../tools/picker/pick.ts";
import { ApiError } from "../tools/router/api-error.ts";
import type { Client, Subscription } from "../tools/subscriptions/client.ts";
import type { Message } from "../tools/subscriptions/message.ts";
import { expandFetch } from "./record-helpers.ts";

export type RecordAction = "create" | "update" | "delete";

/** The record as it was at the event: the stored values, and the collection they belong to. */
interface Snapshot {
  action: RecordAction;
  collection: Collection;
  row: Record<string, SqlValue>;
  values: SqlValue[];
}

/** Which rule a subscription answers to: listRule for `c/*` and `c`, viewRule for `c/<id>`. */
type RuleKind = "list" | "view";

/** A message ready to be written, and the client it goes to. */
export interface Delivery {
  client: Client;
  message: Message;
}

/**
 * Subscribers whose answer is the same: one topic kind, one auth state and one set of options. Each group
 * runs its rule check once and builds its payload once, however many subscriptions it holds.
 */
interface Group {
  kind: RuleKind;
  auth: RecordModel | null;
  info: RequestInfo;
  key: string;
  subs: Subscription[];
}

const authIds = new WeakMap<RecordModel, number>();
let nextAuthId = 0;
const optionKeys = new WeakMap<Subscription, string>();
/** Compiled checks per collection version (a changed collection is a new object) and group key. */
const checkCache = new WeakMap<Collection, Map<string, AccessCheck>>();
const checkCacheLimit = 50_000;

function authKey(auth: RecordModel | null): string {
  if (!auth) return "";
  let id = authIds.get(auth);
  if (id === undefined) {
    id = ++nextAuthId;
    authIds.set(auth, id);
  }
  return String(id);
}

function optionsKey(sub: Subscription): string {
  let key = optionKeys.get(sub);
  if (key === undefined) {
    const { query, headers } = sub.options;
    key = Object.keys(query).length + Object.keys(headers).length === 0 ? "" : JSON.stringify([query, headers]);
    optionKeys.set(sub, key);
  }
  return key;
}

function isSuperuser(auth: RecordModel | null): boolean {
  return auth?.collection.name === "_superusers";
}

/** takeSnapshot copies what an event needs of a record, at the moment of the event. */
export function takeSnapshot(action: RecordAction, record: RecordModel): Snapshot {
  const row = record.dbExport();
  return { action, collection: record.collection, row, values: snapshotValues(record.collection, row) };
}

/** hasSubscribers tells cheaply whether anyone listens to a record's topics (most writes have no listener). */
export function hasSubscribers(app: App, record: RecordModel): boolean {
  return hasSubscribersTo(app, record.collection, record.id);
}

/** hasSubscribersTo is hasSubscribers for a record known by its collection and id. */
export function hasSubscribersTo(app: App, collection: Collection, id: string): boolean {
  const broker = app.realtime().broker;
  // no subscription at all: no topic names to make (this runs after every record write)
  if (!broker.hasSubscriptions()) return false;
  return topicsOf(collection, id).some(([topic]) => broker.subscriptionsTo(topic).size > 0);
}

function topicsOf(c: Collection, id: string): [string, RuleKind][] {
  return [
    [`${c.name}/${id}`, "view"],
    [`${c.id}/${id}`, "view"],
    [`${c.name}/*`, "list"],
    [`${c.id}/*`, "list"],
    // the legacy form of the wildcard topic
    [c.name, "list"],
    [c.id, "list"],
  ];
}

function groupSubscriptions(app: App, snap: Snapshot): Group[] {
  const realtime = app.realtime();
  const groups = new Map<string, Group>();
  const id = typeof snap.row.id === "string" ? snap.row.id : String(snap.row.id ?? "");
  for (const [topic, kind] of topicsOf(snap.collection, id)) {
    for (const sub of realtime.broker.subscriptionsTo(topic)) {
      if (sub.client.isDiscarded) continue;
      const auth = realtime.clientAuth(sub.client);
      const key = `${kind}\u0000${authKey(auth)}\u0000${optionsKey(sub)}`;
      let g = groups.get(key);
      if (!g) {
        const { query, headers } = sub.options;
        const info: RequestInfo = { query, headers, body: {}, method: "GET", auth, context: "realtime" };
        g = { kind, auth, info, key, subs: [] };
        groups.set(key, g);
      }
      g.subs.push(sub);
    }
  }
  return [...groups.values()];
}

function accessCheck(app: App, collection: Collection, ruleKey: string, rule: string | null, g: Group): AccessCheck {
  let byKey = checkCache.get(collection);
  if (!byKey) {
    byKey = new Map();
    checkCache.set(collection, byKey);
  }
  const key = `${ruleKey}\u0000${g.key}`;
  const cached = byKey.get(key);
  if (cached) return cached;
  const check = compileAccessCheck(app, collection, rule, g.info);
  if (check.kind === "fixed" || check.cacheable) {
    if (byKey.size >= checkCacheLimit) byKey.clear();
    byKey.set(key, check);
  }
  return check;
}

/**
 * prepareDeliveries works out, for one record event, which subscriptions may see the record and the message
 * each gets: the collection's rule and the subscription's filter for the subscriber's auth, then the
 * payload with its expand, hidden fields (superusers), email visibility and `fields`. Reads go through
 * `app`, which must not be a transaction's app.
 */
export async function prepareDeliveries(app: App, snap: Snapshot): Promise<Delivery[]> {
  const groups = groupSubscriptions(app, snap);
  if (groups.length === 0) return [];
  const c = snap.collection;
  const payloads = new Map<string, string | null>();
  const out: Delivery[] = [];
  const requesters: string[] = [];
  const requesterOf = (i: number): string => {
    requesters[i] ??= groupRequester(app, groups[i]);
    return requesters[i];
  };
  const checks = groups.map((g) => accessCheck(app, c, g.kind, g.kind === "list" ? c.listRule : c.viewRule, g));
  const allowed = await runAccessChecks(app, c, checks, snap.row, snap.values, requesterOf);
  const budgets = new Map<string, PayloadBudget>();
  const budgetOf = (i: number): PayloadBudget => {
    const requester = requesterOf(i);
    let budget = budgets.get(requester);
    if (!budget) {
      budget = { scope: subscriberScope(app, requester), tally: { records: 0, bytes: 0 } };
      budgets.set(requester, budget);
    }
    return budget;
  };
  for (const [i, g] of groups.entries()) {
    if (!allowed[i]) continue;
    const data = await payloadFor(app, snap, g, payloads, () => budgetOf(i));
    if (data === null) continue;
    for (const sub of g.subs) out.push({ client: sub.client, message: { name: sub.name, data } });
  }
  return out;
}

/**
 * What one subscriber's (its auth record's, else its IP's) messages of one record event share, whatever
 * number of subscriptions and options it has: one deadline (realtimeSubscriberBudget), for their making and
 * their expands' reads, and the expand limits, as one response's (with a thousand subscriptions each expanding
 * a thousand records, one client made every event build a million, on the main thread).
 */
interface PayloadBudget {
  scope: ReadScope;
  tally: ExpandTally;
}

/** groupRequester names a group's subscriber for the budgets of its checks and messages: its auth record, else its IP. */
function groupRequester(app: App, g: Group | undefined): string {
  return requesterKey(g?.auth ?? null, requestFor(app, g?.subs[0]?.client).realIp);
}

/**
 * payloadFor builds (or reuses) a group's message data. Groups that differ only in auth share it when
 * nothing auth-dependent goes into it: no enrich hook, no expand, and the same visibility of hidden
 * fields and email.
 */
async function payloadFor(
  app: App,
  snap: Snapshot,
  g: Group,
  payloads: Map<string, string | null>,
  budget: () => PayloadBudget,
): Promise<string | null> {
  const c = snap.collection;
  const superuser = isSuperuser(g.auth);
  const expand = g.info.query.expand ?? "";
  const fields = g.info.query.fields ?? "";
  const showEmail = c.type === "auth" && (await emailVisibleTo(app, snap, g));
  const perGroup = expand !== "" || app.hooks.get("onRecordEnrich").length > 0;
  const key = perGroup ? `g\u0000${g.key}` : `s\u0000${superuser}\u0000${showEmail}\u0000${fields}`;
  if (payloads.has(key)) return payloads.get(key) ?? null;
  // past the subscriber's budget, its other messages of this event aren't made (nor kept: another's may be)
  if (performance.now() >= budget().scope.deadline) return null;
  let data: string | null;
  try {
    data = await buildPayload(app, snap, g, superuser, showEmail, expand, fields, budget);
  } catch (err) {
    app.logger().debug("realtime record payload failed", { collection: c.name, error: String(err) });
    data = null;
  }
  payloads.set(key, data);
  return data;
}

/** The owner of an auth record, superusers and those passing the manage rule see its email. */
async function emailVisibleTo(app: App, snap: Snapshot, g: Group): Promise<boolean> {
  const auth = g.auth;
  if (auth && auth.id === snap.row.id && auth.collection.id === snap.collection.id) return true;
  const check = accessCheck(app, snap.collection, "manage", snap.collection.auth.manageRule, g);
  return runAccessCheck(app, check, snap.row, snap.values);
}

async function buildPayload(
  app: App,
  snap: Snapshot,
  g: Group,
  superuser: boolean,
  showEmail: boolean,
  expand: string,
  fields: string,
  budget: () => PayloadBudget,
): Promise<string> {
  const record = RecordModel.fromRow(snap.collection, snap.row);
  if (superuser) record.unhide(...snap.collection.fields.map((f) => f.name));
  if (showEmail) record.ignoreEmailVisibility = true;
  const request = requestFor(app, g.subs[0]?.client);
  const finish = async () => {
    if (expand === "") return;
    // the event's budget, not the stored request's (which is as old as the connection)
    const { scope, tally } = budget();
    try {
      const failed = await expandRecords(app, [record], expand.split(","), expandFetch(request, g.info, scope), {
        limits: app.expandLimits,
        tally,
      });
      for (const [path, err] of failed) app.logger().debug("realtime expand failed", { path, error: err.message });
    } catch (err) {
      // past the limits or the deadline: the record goes with what expanded before, as PocketBase sends a
      // record whose expand failed
      if (!(err instanceof ApiError || err instanceof QueryTimeoutError)) throw err;
      app.logger().debug("realtime expand stopped", { expand, error: err.message });
    }
  };
  const hook = app.hooks.get("onRecordEnrich");
  if (hook.length > 0) await hook.trigger(new RecordEnrichEvent(app, record, request), finish);
  else await finish();
  let exported: unknown = record;
  if (fields !== "") {
    try {
      const parsed = parseFields(fields);
      exported = JSON.parse(JSON.stringify(record));
      pick(exported, parsed);
    } catch (err) {
      app.logger().debug("realtime fields failed", { fields, error: String(err) });
      exported = record;
    }
  }
  return JSON.stringify({ record: exported, action: snap.action });
}

/** requestFor is the request that opened the client's connection, or a stand-in for clients made by code. */
function requestFor(app: App, client: Client | undefined): RequestEvent {
  const stored = client?.get(realtimeClientRequestKey);
  if (stored instanceof RequestEvent) return stored;
  return new RequestEvent(app, new Request("http://localhost/api/realtime"));
}
