import { newAuthToken } from "../core/record-tokens.ts";
import { RecordAuthRefreshRequestEvent, type RequestEvent } from "../core/request-event.ts";
import { notFound, unauthorized } from "../tools/router/api-error.ts";
import { parseUnverifiedJwt } from "../tools/security/jwt.ts";
import { findAuthCollection, recordAuthResponse } from "./record-auth-helpers.ts";

/**
 * authRefresh handles `POST /api/collections/{c}/auth-refresh`: a fresh token for a refreshable one, the same
 * token echoed back for a static (impersonation) one, with the record read again.
 */
export async function authRefresh(e: RequestEvent): Promise<Response | null> {
  const c = findAuthCollection(e);
  const auth = e.auth;
  if (!auth) throw unauthorized("The request requires valid record authorization token.");
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
