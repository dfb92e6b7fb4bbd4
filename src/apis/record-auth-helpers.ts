import type { Collection } from "../core/collection-model.ts";
import type { RecordModel } from "../core/record-model.ts";
import { canAccessRecord } from "../core/record-search.ts";
import { RecordAuthRequestEvent, type RequestEvent, requestInfoWith } from "../core/request-event.ts";
import { isIpInList } from "../core/settings-ip.ts";
import { bindForm, FormBindError, type FormFieldType } from "../forms/bind.ts";
import { ApiError, badRequest, forbidden, notFound } from "../tools/router/api-error.ts";
import { MalformedBodyError, UnsupportedContentTypeError } from "../tools/router/body.ts";
import { isEmail } from "../tools/validation/formats.ts";
import { type Rule, ValidationError } from "../tools/validation/validation.ts";
import { authAlert } from "./record-auth-alert.ts";
import { checkMfa } from "./record-auth-mfa.ts";
import { enrichRecords } from "./record-helpers.ts";

/** findAuthCollection resolves `{collection}` to an auth collection (404 otherwise). */
export function findAuthCollection(e: RequestEvent): Collection {
  const c = e.app.findCachedCollectionByNameOrId(e.params.collection ?? "");
  if (c?.type !== "auth") throw notFound("Missing or invalid auth collection context.");
  return c;
}

export const loadFailedMessage = "An error occurred while loading the submitted data.";
export const validationFailedMessage = "An error occurred while validating the submitted data.";

/**
 * readForm reads the request body into a flat form (see bindForm). An unreadable body or a value of the
 * wrong type is a 400 "An error occurred while loading the submitted data." (an unsupported content type
 * keeps its own message unless `wrapContentTypeError`, as some PocketBase endpoints word it).
 */
export async function readForm<S extends Record<string, FormFieldType>>(
  e: RequestEvent,
  spec: S,
  wrapContentTypeError = false,
) {
  if (e.request.headers.get("content-length") === "0") return bindForm({}, spec, true);
  try {
    const { data } = await e.body();
    const type = (e.request.headers.get("content-type") ?? "").toLowerCase();
    return bindForm(data, spec, type.startsWith("application/json") || type === "");
  } catch (err) {
    if (err instanceof FormBindError) throw badRequest(loadFailedMessage, err);
    if (err instanceof ApiError && err.raw instanceof UnsupportedContentTypeError)
      throw wrapContentTypeError
        ? badRequest(loadFailedMessage, err.raw)
        : badRequest("Unsupported Content-Type.", err.raw);
    if (err instanceof ApiError && err.raw instanceof MalformedBodyError) throw badRequest(loadFailedMessage, err.raw);
    throw err;
  }
}

/**
 * The auth methods a response can come from (`""` for refresh and impersonation, which skip MFA and login
 * alerts).
 */
export type AuthMethod = "" | "password" | "oauth2" | "otp";

/**
 * recordAuthResponse answers a successful authentication with `{token, record, meta?}`, after the superuser
 * IP allow-list and the collection's authRule, through onRecordAuthRequest. The record shows its own email
 * (and, for superusers, every hidden field) and honours `?expand=`.
 */
export async function recordAuthResponse(
  e: RequestEvent,
  record: RecordModel,
  token: string,
  authMethod: AuthMethod,
  meta?: unknown,
): Promise<Response | null> {
  if (record.collection.name === "_superusers") {
    const allowed = e.app.settings().superuserIPs;
    if (allowed.length > 0 && !isIpInList(allowed, e.realIp)) throw forbidden();
  }
  const info = await e.requestInfo();
  const denied = "The request doesn't satisfy the collection requirements to authenticate.";
  const allowed = await canAccessRecord(e.app, record, info, record.collection.auth.authRule).catch((err: unknown) => {
    throw err instanceof ApiError ? err : forbidden(denied, err);
  });
  if (!allowed) throw forbidden(denied);
  const event = e.derive(RecordAuthRequestEvent);
  event.collection = record.collection;
  event.record = record;
  event.token = token;
  event.meta = meta;
  event.authMethod = authMethod;
  await e.app.hooks.get("onRecordAuthRequest").trigger(event, async (ev) => {
    if (ev.response) return;
    const mfaId = await checkMfa(ev, ev.record, ev.authMethod);
    if (mfaId !== "") {
      ev.json(401, { mfaId });
      return;
    }
    const authed = ev.derive(RecordAuthRequestEvent);
    authed.auth = ev.record;
    await enrichRecords(authed, [ev.record], requestInfoWith(info, { auth: ev.record }));
    if (ev.record.collection.name === "_superusers")
      ev.record.unhide(...ev.record.collection.fields.map((f) => f.name));
    ev.record.ignoreEmailVisibility = true;
    if (ev.authMethod !== "" && record.collection.auth.authAlert.enabled) {
      await authAlert(ev, ev.record).catch((err: unknown) =>
        ev.app.logger().warn("failed to send the login alert", { error: String(err) }),
      );
    }
    const body: Record<string, unknown> = { token: ev.token, record: ev.record };
    if (ev.meta !== undefined && ev.meta !== null) body.meta = ev.meta;
    ev.json(200, body);
  });
  return event.response;
}

/** emailFormat is ozzo-validation's is.EmailFormat (empty values pass). */
export const emailFormat: Rule = (v) =>
  typeof v === "string" && v !== "" && !isEmail(v)
    ? new ValidationError("validation_is_email", "must be a valid email address")
    : null;

/** saveFailure is the 400 of a failed save: an ApiError as it is, anything else under `message`. */
export function saveFailure(err: unknown, message: string): ApiError {
  return err instanceof ApiError ? err : badRequest(message, err);
}
