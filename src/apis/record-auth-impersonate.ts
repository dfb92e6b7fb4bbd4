import { newStaticAuthToken } from "../core/record-tokens.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { badRequest, notFound } from "../tools/router/api-error.ts";
import { min, validateObject } from "../tools/validation/validation.ts";
import { findAuthCollection, readForm, recordAuthResponse, validationFailedMessage } from "./record-auth-helpers.ts";

/**
 * authImpersonate handles `POST /api/collections/{c}/impersonate/{id}` (superusers only): an auth response
 * for the record with a non-refreshable token, valid `duration` seconds (the collection's auth token
 * duration when 0).
 */
export async function authImpersonate(e: RequestEvent): Promise<Response | null> {
  const c = findAuthCollection(e);
  const record = await e.app.findRecordById(c, e.params.id ?? "");
  if (!record) throw notFound();
  const form = await readForm(e, { duration: "int" }, true);
  const errs = validateObject(form, { duration: [min(0)] });
  if (!errs.isEmpty) throw badRequest(validationFailedMessage, errs);
  const token = await newStaticAuthToken(record, form.duration);
  return recordAuthResponse(e, record, token, "");
}
