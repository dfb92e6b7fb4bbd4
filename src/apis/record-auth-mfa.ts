import { findMfaById, mfaHasExpired, newMfa } from "../core/mfa-query.ts";
import type { RecordModel } from "../core/record-model.ts";
import { compileSearch, findRecords } from "../core/record-search.ts";
import type { RequestEvent } from "../core/request-event.ts";
import { ident, sql } from "../db/sql.ts";
import { bindForm } from "../forms/bind.ts";
import { ApiError, badRequest, internalError } from "../tools/router/api-error.ts";

/**
 * checkMfa runs the multi-factor step of a successful authentication with `method` and returns the id of
 * the MFA session to answer with (401 `{mfaId}`), or "" when the login may complete.
 *
 * Without `mfaId` (in the query or the body) a first factor opens a session; with one, the session must be
 * live, belong to the record and have been opened by another method, and is then closed. Refresh and
 * impersonation (method "") and records the collection's `mfa.rule` leaves out skip MFA.
 */
export async function checkMfa(e: RequestEvent, record: RecordModel, method: string): Promise<string> {
  const options = record.collection.auth.mfa;
  if (!options.enabled || method === "") return "";
  let wanted: boolean;
  try {
    wanted = await wantsMfa(e, record);
  } catch (err) {
    throw badRequest("Failed to authenticate.", err);
  }
  if (!wanted) return "";

  const mfaId = await mfaIdFromRequest(e);
  if (mfaId === "") {
    const mfa = newMfa(e.app, record, method);
    await e.app.save(mfa).catch((err: unknown) => {
      throw err instanceof ApiError ? err : internalError("Failed to create MFA record", err);
    });
    return mfa.id;
  }

  const mfa = await findMfaById(e.app, mfaId);
  if (!mfa || mfaHasExpired(mfa, options.duration)) {
    if (mfa) await deleteMfa(e, mfa);
    throw badRequest("Invalid or expired MFA session.");
  }
  if (mfa.getString("recordRef") !== record.id || mfa.getString("collectionRef") !== record.collection.id)
    throw badRequest("Invalid MFA session.");
  if (mfa.getString("method") === method) throw badRequest("A different authentication method is required.");
  await deleteMfa(e, mfa);
  return "";
}

async function deleteMfa(e: RequestEvent, mfa: RecordModel): Promise<void> {
  await e.app
    .delete(mfa)
    .catch((err: unknown) =>
      e.app.logger().warn("failed to delete an MFA session", { mfaId: mfa.id, error: String(err) }),
    );
}

/**
 * wantsMfa evaluates the collection's `mfa.rule` on the record (an empty rule means every record), with
 * the request as `@request.*`. The rule applies whoever asks, superusers included (a rule given as a filter
 * is not skipped for them).
 */
async function wantsMfa(e: RequestEvent, record: RecordModel): Promise<boolean> {
  const rule = record.collection.auth.mfa.rule;
  if (rule === "") return true;
  const info = await e.requestInfo();
  const bySuperuser = info.auth?.collection.name === "_superusers";
  const search = compileSearch(e.app, {
    collection: record.collection,
    requestInfo: info,
    ...(bySuperuser ? { filter: rule } : { rule }),
  });
  const idCond = sql`${ident(record.collection.name)}.${ident("id")} = ${record.id}`;
  const found = await findRecords(
    e.app,
    record.collection,
    { ...search, where: search.where ? sql`${idCond} AND ${search.where}` : idCond },
    1,
    0,
  );
  return found.length > 0;
}

/** mfaIdFromRequest reads `mfaId` from the query string, else from the body (a non-text value is a 400). */
async function mfaIdFromRequest(e: RequestEvent): Promise<string> {
  const fromQuery = e.url.searchParams.get("mfaId") ?? "";
  if (fromQuery !== "") return fromQuery;
  const failed = "Failed to read MFA Id";
  let data: Record<string, unknown>;
  try {
    data = (await e.body()).data;
  } catch (err) {
    throw err instanceof ApiError ? err : badRequest(failed, err);
  }
  const type = (e.request.headers.get("content-type") ?? "").toLowerCase();
  try {
    return bindForm(data, { mfaId: "string" }, type.startsWith("application/json") || type === "").mfaId;
  } catch (err) {
    throw badRequest(failed, err);
  }
}
