import type { Hono } from "hono";
import { z } from "zod";
import type { Collection } from "../core/collection-model.ts";
import { isEmail } from "../core/field-email.ts";
import { PasswordValue } from "../core/field-password.ts";
import { RecordModel } from "../core/record-model.ts";
import { canAccessRecord } from "../core/record-search.ts";
import { newAuthToken } from "../core/record-tokens.ts";
import {
  RecordAuthRefreshRequestEvent,
  RecordAuthRequestEvent,
  RecordAuthWithPasswordRequestEvent,
  type RequestEvent,
} from "../core/request-event.ts";
import { findSingleColumnUniqueIndex } from "../db/index-sql.ts";
import { ident, raw, sql } from "../db/sql.ts";
import { ApiError, badRequest, forbidden, notFound, unauthorized } from "../tools/router/api-error.ts";
import { MalformedBodyError } from "../tools/router/body.ts";
import { parseUnverifiedJwt } from "../tools/security/jwt.ts";
import { inList, length, required, validateObject } from "../tools/validation/validation.ts";
import type { RouterEnv } from "./middlewares.ts";
import { enrichRecords, readRecordBody } from "./record-helpers.ts";
import { route } from "./route.ts";

/** bindRecordAuthApi registers the auth endpoints of auth collections. */
export function bindRecordAuthApi(router: Hono<RouterEnv>): void {
  const base = "/api/collections/:collection";
  router.post(`${base}/auth-with-password`, route(authWithPassword));
  router.post(`${base}/auth-refresh`, route(authRefresh));
}

/** findAuthCollection resolves `{collection}` to an auth collection (404 otherwise). */
export function findAuthCollection(e: RequestEvent): Collection {
  const c = e.app.findCachedCollectionByNameOrId(e.params.collection ?? "");
  if (c?.type !== "auth") throw notFound("Missing or invalid auth collection context.");
  return c;
}

/**
 * recordAuthResponse answers a successful authentication with `{token, record}`, after checking the
 * collection's authRule and firing onRecordAuthRequest. The record always shows its own email.
 */
export async function recordAuthResponse(
  e: RequestEvent,
  record: RecordModel,
  token: string,
  authMethod: string,
  meta?: unknown,
): Promise<Response | null> {
  let allowed = false;
  try {
    allowed = await canAccessRecord(e.app, record, await e.requestInfo(), record.collection.auth.authRule);
  } catch (err) {
    throw forbidden("The request doesn't satisfy the collection requirements to authenticate.", err);
  }
  if (!allowed) throw forbidden("The request doesn't satisfy the collection requirements to authenticate.");
  const event = e.derive(RecordAuthRequestEvent);
  event.collection = record.collection;
  event.record = record;
  event.token = token;
  event.meta = meta;
  event.authMethod = authMethod;
  await e.app.hooks.get("onRecordAuthRequest").trigger(event, async (ev) => {
    const authed = ev.derive(RecordAuthRequestEvent);
    authed.auth = ev.record;
    await enrichRecords(authed, [ev.record]);
    if (ev.record.collection.name === "_superusers")
      ev.record.unhide(...ev.record.collection.fields.map((f) => f.name));
    ev.record.ignoreEmailVisibility = true;
    const body: Record<string, unknown> = { token: ev.token, record: ev.record };
    if (ev.meta !== undefined && ev.meta !== null) body.meta = ev.meta;
    ev.json(200, body);
  });
  return event.response;
}

const passwordBody = z.object({
  identity: z.string().optional(),
  password: z.string().optional(),
  identityField: z.string().optional(),
});

async function findByIdentityField(
  e: RequestEvent,
  c: Collection,
  field: string,
  value: string,
): Promise<RecordModel | null> {
  if (!c.auth.passwordAuth.identityFields.includes(field)) return null;
  const index = findSingleColumnUniqueIndex(c.indexes, field);
  if (!index) return null;
  const nocase = index.columns[0]?.collate.toLowerCase() === "nocase";
  const column = ident(field);
  const match = nocase ? sql`LOWER(${column}) = LOWER(${value})` : sql`${column} = ${value}`;
  const row = await e.app.db.get<Record<string, unknown>>(sql`SELECT * FROM ${ident(c.name)} WHERE ${match} LIMIT 1`);
  return row ? new RecordModel(c, row) : null;
}

async function authWithPassword(e: RequestEvent): Promise<Response | null> {
  const c = findAuthCollection(e);
  if (!c.auth.passwordAuth.enabled)
    throw forbidden("The collection is not configured to allow password authentication.");
  const { data } = await readRecordBody(e).catch((err: unknown) => {
    if (err instanceof ApiError && err.raw instanceof MalformedBodyError) {
      throw badRequest("An error occurred while loading the submitted data.", err.raw);
    }
    throw err;
  });
  const parsed = passwordBody.safeParse(data);
  if (!parsed.success) throw badRequest("An error occurred while loading the submitted data.", parsed.error);
  const form = {
    identity: parsed.data.identity ?? "",
    password: parsed.data.password ?? "",
    identityField: parsed.data.identityField ?? "",
  };
  const errs = validateObject(form, {
    identity: [required, length(1, 255)],
    password: [required, length(1, 255)],
    identityField: [length(1, 255), inList(...c.auth.passwordAuth.identityFields)],
  });
  if (!errs.isEmpty) throw badRequest("An error occurred while validating the submitted data.", errs);
  e.context = "password";

  let record: RecordModel | null = null;
  if (form.identityField) record = await findByIdentityField(e, c, form.identityField, form.identity);
  else {
    // email first: it is the usual identity, and a value that isn't an email skips that query
    const fields = [...c.auth.passwordAuth.identityFields].sort(
      (a, b) => Number(b === "email") - Number(a === "email"),
    );
    for (const name of fields) {
      if (name === "email" && !isEmail(form.identity)) continue;
      record = await findByIdentityField(e, c, name, form.identity);
      if (record) break;
    }
  }

  const event = e.derive(RecordAuthWithPasswordRequestEvent);
  event.collection = c;
  event.record = record;
  event.identity = form.identity;
  event.password = form.password;
  event.identityField = form.identityField;
  await e.app.hooks.get("onRecordAuthWithPasswordRequest").trigger(event, async (ev) => {
    const stored = ev.record?.getRaw("password");
    const ok = stored instanceof PasswordValue && (await stored.validate(ev.password));
    if (!ev.record || !ok) {
      if (!ev.record) await dummyPasswordCheck(e, c);
      throw badRequest("Failed to authenticate.");
    }
    const token = await newAuthToken(ev.record);
    ev.response = await recordAuthResponse(ev, ev.record, token, "password");
  });
  return event.response;
}

/** dummyPasswordCheck spends the time of a real bcrypt comparison, so unknown identities answer as slowly. */
async function dummyPasswordCheck(e: RequestEvent, c: Collection): Promise<void> {
  const row = await e.app.db.get<{ password: string }>(
    sql`SELECT ${ident("password")} AS password FROM ${ident(c.name)} ${raw("LIMIT 1")}`,
  );
  await new PasswordValue(row?.password ?? "$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z5/vX2.v5QY.lGA4rVZ5Jg7i").validate(
    "dummy",
  );
}

async function authRefresh(e: RequestEvent): Promise<Response | null> {
  const c = findAuthCollection(e);
  const auth = e.auth;
  if (!auth) throw unauthorized("The request requires valid record authorization token.");
  if (auth.collection.id !== c.id) throw forbidden("The request requires valid auth record.");
  const header = (e.request.headers.get("authorization") ?? "").replace(/^bearer\s+/i, "").trim();
  const record = await e.app.findRecordById(c, auth.id);
  if (!record) throw notFound("Missing auth record context.");
  const event = e.derive(RecordAuthRefreshRequestEvent);
  event.collection = c;
  event.record = record;
  await e.app.hooks.get("onRecordAuthRefreshRequest").trigger(event, async (ev) => {
    const token = parseUnverifiedJwt(header)?.refreshable === true ? await newAuthToken(ev.record) : header;
    ev.response = await recordAuthResponse(ev, ev.record, token, "");
  });
  return event.response;
}
