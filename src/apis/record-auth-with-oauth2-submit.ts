import type { App } from "../core/app.ts";
import type { RecordAuthWithOAuth2RequestEvent } from "../core/external-auth-events.ts";
import { deleteAllExternalAuthsByRecord, saveExternalAuth } from "../core/external-auth-query.ts";
import { FileField } from "../core/field-file.ts";
import { TextField } from "../core/field-text.ts";
import type { RecordModel } from "../core/record-model.ts";
import { RequestEvent } from "../core/request-event.ts";
import { findSingleColumnUniqueIndex } from "../db/index-sql.ts";
import { ident, sql } from "../db/sql.ts";
import { safeDownload } from "../tools/auth/safe-fetch.ts";
import { baseName } from "../tools/filesystem/file.ts";
import { setRandomPassword } from "./record-auth-with-oauth2-password.ts";
import { recordCreate } from "./record-crud.ts";

/** How long and how large an OAuth2 avatar download may be. */
const avatarTimeoutMs = 10_000;
const avatarMaxBytes = 32 << 20;

/**
 * oauth2Submit finishes an OAuth2 login in one transaction: it signs up a new record (through the records
 * create endpoint, so the create rule applies) or updates the found one, then links the OAuth2 account.
 *
 * An existing record that isn't verified may have been registered by someone else with this email before
 * the real owner came through OAuth2, so it loses its other OAuth2 links, and its password unless it is
 * the one logged in; it becomes verified when the provider vouches for the same email.
 */
export async function oauth2Submit(e: RecordAuthWithOAuth2RequestEvent, link: RecordModel | null): Promise<void> {
  const payload = e.record ? null : await signUpPayload(e);
  await e.app.runInTransaction(async (txApp) => {
    let record = e.record;
    let existingLink = link;
    if (!record) {
      if (e.collection.name === "_superusers") throw new Error("superusers are not allowed to sign-up with OAuth2");
      record = await createRecord(txApp, e, payload ?? {});
      e.record = record;
      if (record.email() === e.oAuth2User.email && !record.verified()) {
        record.set("verified", true);
        await txApp.save(record);
      }
    } else {
      let needUpdate = false;
      const isLoggedIn = e.auth?.id === record.id && e.auth.collection.id === record.collection.id;
      if (!isLoggedIn && !record.verified()) {
        needUpdate = true;
        await setRandomPassword(record);
      }
      if (!record.verified()) {
        await deleteAllExternalAuthsByRecord(txApp, record);
        existingLink = null;
      }
      if (record.email() === "" && e.oAuth2User.email !== "") {
        needUpdate = true;
        record.set("email", e.oAuth2User.email);
      }
      if (!record.verified() && (record.email() === "" || record.email() === e.oAuth2User.email)) {
        needUpdate = true;
        record.set("verified", true);
      }
      if (needUpdate) await txApp.save(record);
    }
    if (!existingLink) await saveExternalAuth(txApp, record, e.providerName, e.oAuth2User.id);
  });
}

/**
 * signUpPayload is the data of a new record: the client's `createData`, then the provider's email and the
 * profile values of the collection's mapped fields where `createData` left them out. An avatar mapped to a
 * file field is downloaded (only from public addresses); a failed download is logged and skipped.
 */
async function signUpPayload(e: RecordAuthWithOAuth2RequestEvent): Promise<Record<string, unknown>> {
  const c = e.collection;
  const user = e.oAuth2User;
  const mapped = c.auth.oauth2.mappedFields;
  const payload: Record<string, unknown> = { ...e.createData };
  if (typeof payload.email !== "string" || payload.email === "") payload.email = user.email;
  if (mapped.id !== "" && !(mapped.id in payload)) payload[mapped.id] = user.id;
  if (mapped.name !== "" && !(mapped.name in payload)) payload[mapped.name] = user.name;
  if (mapped.username !== "" && !(mapped.username in payload) && (await canAssignUsername(e, user.username)))
    payload[mapped.username] = user.username;
  if (mapped.avatarURL !== "" && !(mapped.avatarURL in payload) && user.avatarURL !== "") {
    if (c.fields.byName(mapped.avatarURL) instanceof FileField) {
      try {
        const bytes = await safeDownload(user.avatarURL, { timeoutMs: avatarTimeoutMs, maxBytes: avatarMaxBytes });
        payload[mapped.avatarURL] = new File([bytes], baseName(user.avatarURL));
      } catch (err) {
        e.app.logger().warn("Failed to retrieve OAuth2 avatar", {
          error: err instanceof Error ? err.message : String(err),
        });
      }
    } else {
      payload[mapped.avatarURL] = user.avatarURL;
    }
  }
  return payload;
}

/** canAssignUsername tells whether the provider's username fits the mapped field and isn't taken. */
async function canAssignUsername(e: RecordAuthWithOAuth2RequestEvent, username: string): Promise<boolean> {
  const c = e.collection;
  const field = c.fields.byName(c.auth.oauth2.mappedFields.username);
  if (!field) return false;
  if (field instanceof TextField && field.validatePlainValue(username)) return false;
  const index = findSingleColumnUniqueIndex(c.indexes, field.name);
  if (!index) return true;
  const column = ident(field.name);
  const nocase = index.columns[0]?.collate.toLowerCase() === "nocase";
  const match = nocase ? e.app.db.dialect.equalNocase(sql`${column}`, sql`${username}`) : sql`${column} = ${username}`;
  return !(await e.app.db.get(sql`SELECT 1 AS x FROM ${ident(c.name)} WHERE ${match} LIMIT 1`));
}

/**
 * createRecord signs the new record up through the records create endpoint, as the requester, with the
 * request context "oauth2": the JSON values go as the body and files as uploads.
 */
async function createRecord(
  txApp: App,
  e: RecordAuthWithOAuth2RequestEvent,
  payload: Record<string, unknown>,
): Promise<RecordModel> {
  const c = e.collection;
  const data: Record<string, unknown> = {};
  const files: Record<string, File[]> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (value instanceof File) files[key] = [value];
    else data[key] = value;
  }
  const url = new URL(`/api/collections/${encodeURIComponent(c.name)}/records`, e.url);
  const headers = new Headers(e.request.headers);
  headers.delete("content-length");
  headers.set("content-type", "multipart/form-data");
  const internal = new RequestEvent(
    txApp,
    new Request(url.href, { method: "POST", headers }),
    { collection: c.name },
    url,
  );
  internal.auth = e.auth;
  internal.realIp = e.realIp;
  internal.context = "oauth2";
  internal.setBody({ data: JSON.parse(JSON.stringify(data)) as Record<string, unknown>, files });
  const response = (await recordCreate(internal)) ?? internal.response;
  const created = response?.status === 200 ? ((await response.json()) as { id?: unknown }) : null;
  const record = typeof created?.id === "string" ? await txApp.findRecordById(c, created.id) : null;
  if (!record) throw new Error("failed to create OAuth2 auth record");
  return record;
}
