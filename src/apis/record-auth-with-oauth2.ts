import type { Hono } from "hono";
import { RecordAuthWithOAuth2RequestEvent } from "../core/external-auth-events.ts";
import { findFirstExternalAuth } from "../core/external-auth-query.ts";
import type { RecordModel } from "../core/record-model.ts";
import { newAuthToken } from "../core/record-tokens.ts";
import type { RequestEvent } from "../core/request-event.ts";
import type { AuthUser } from "../tools/auth/auth.ts";
import { ApiError, badRequest, forbidden, internalError } from "../tools/router/api-error.ts";
import { isPlainObject } from "../tools/types/merge.ts";
import { length, required, ValidationError, validateObject } from "../tools/validation/validation.ts";
import type { RouterEnv } from "./middlewares.ts";
import { collectionPathRateLimit } from "./middlewares-rate-limit.ts";
import { bindOAuth2RedirectApi, takeAppleRedirectName } from "./oauth2-redirect.ts";
import { findAuthCollection, loadFailedMessage, readForm, recordAuthResponse } from "./record-auth-helpers.ts";
import { initProvider } from "./record-auth-with-oauth2-providers.ts";
import { oauth2Submit } from "./record-auth-with-oauth2-submit.ts";
import { route } from "./route.ts";

/**
 * bindRecordAuthWithOAuth2Api registers `POST /api/collections/{c}/auth-with-oauth2` and the redirect
 * endpoint of the all-in-one flow, `/api/oauth2-redirect`.
 */
export function bindRecordAuthWithOAuth2Api(router: Hono<RouterEnv>): void {
  const limit = collectionPathRateLimit("authWithOAuth2", "auth");
  router.post("/api/collections/:collection/auth-with-oauth2", limit, route(authWithOAuth2));
  bindOAuth2RedirectApi(router);
}

/**
 * authWithOAuth2 handles `POST /api/collections/{c}/auth-with-oauth2`: it exchanges the code, fetches the
 * provider's user and finds their record: the one linked to this OAuth2 account, else the record logged in
 * with this request, else the one with the same email. Without one, a record is signed up; either way the
 * account gets linked, and the answer is the auth response with the OAuth2 user as `meta`.
 */
export async function authWithOAuth2(e: RequestEvent): Promise<Response | null> {
  const c = findAuthCollection(e);
  if (!c.auth.oauth2.enabled) throw forbidden("The collection is not configured to allow OAuth2 authentication.");
  const loggedIn = e.auth?.collection.id === c.id ? e.auth : null;
  e.context = "oauth2";

  const form = await readForm(e, {
    provider: "string",
    code: "string",
    codeVerifier: "string",
    redirectURL: "string",
    redirectUrl: "string",
  });
  const createData = await readCreateData(e);
  if (form.redirectUrl !== "" && form.redirectURL === "") form.redirectURL = form.redirectUrl;
  const providerConfig = c.auth.oauth2.providers.find((p) => p.name === form.provider);
  const errs = validateObject(form, {
    provider: [
      required,
      length(0, 100),
      (v) =>
        providerConfig
          ? null
          : new ValidationError(
              "validation_invalid_provider",
              "Provider with name {{.name}} is missing or is not enabled.",
              {
                name: v,
              },
            ),
    ],
    code: [required],
  });
  if (!errs.isEmpty || !providerConfig) throw badRequest(loadFailedMessage, errs);

  const provider = initProvider(providerConfig);
  if (!provider) throw internalError(`Failed to init provider ${form.provider}`);
  provider.redirectURL = form.redirectURL;

  let user: AuthUser;
  try {
    const tokens = await provider.fetchToken(form.code, form.codeVerifier);
    try {
      user = await provider.fetchAuthUser(tokens);
    } catch (err) {
      throw badRequest("Failed to fetch OAuth2 user.", err);
    }
  } catch (err) {
    throw err instanceof ApiError ? err : badRequest("Failed to fetch OAuth2 token.", err);
  }
  if (form.provider === "apple" && user.name === "") user.name = takeAppleRedirectName(form.code) ?? "";

  const link = await findFirstExternalAuth(e.app, {
    collectionRef: c.id,
    provider: form.provider,
    providerId: user.id,
  });
  let record: RecordModel | null = link ? await e.app.findRecordById(c, link.getString("recordRef")) : null;
  if (!record && loggedIn) record = loggedIn;
  if (!record && user.email !== "") record = await e.app.findAuthRecordByEmail(c, user.email);

  const event = e.derive(RecordAuthWithOAuth2RequestEvent);
  event.collection = c;
  event.providerName = form.provider;
  event.providerClient = provider;
  event.oAuth2User = user;
  event.createData = createData;
  event.record = record;
  event.isNewRecord = record === null;
  await e.app.hooks.get("onRecordAuthWithOAuth2Request").trigger(event, async (ev) => {
    try {
      await oauth2Submit(ev, link && link.getString("recordRef") === ev.record?.id ? link : null);
    } catch (err) {
      throw err instanceof ApiError ? err : badRequest("Failed to authenticate.", err);
    }
    const authed = ev.record;
    if (!authed) throw badRequest("Failed to authenticate.");
    const meta = sortKeys({ ...ev.oAuth2User, avatarUrl: ev.oAuth2User.avatarURL, isNew: ev.isNewRecord });
    ev.response = await recordAuthResponse(ev, authed, await newAuthToken(authed), "oauth2", meta);
  });
  return event.response;
}

/** readCreateData reads the optional `createData` object of the body (any other JSON value is a 400). */
async function readCreateData(e: RequestEvent): Promise<Record<string, unknown>> {
  const { data } = await e.body();
  const key =
    Object.keys(data).find((k) => k === "createData") ??
    Object.keys(data).find((k) => k.toLowerCase() === "createdata");
  const value = key === undefined ? undefined : data[key];
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw badRequest(loadFailedMessage, new Error("createData must be an object"));
  return value as Record<string, unknown>;
}

/** sortKeys orders object keys as Go encodes maps (sorted at every level), as PocketBase's `meta` is. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
  return out;
}
