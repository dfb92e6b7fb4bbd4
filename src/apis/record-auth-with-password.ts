import type { Collection } from "../core/collection-model.ts";
import { isEmail } from "../core/field-email.ts";
import { PasswordValue } from "../core/field-password.ts";
import { RecordModel } from "../core/record-model.ts";
import { newAuthToken } from "../core/record-tokens.ts";
import { RecordAuthWithPasswordRequestEvent, type RequestEvent } from "../core/request-event.ts";
import { findSingleColumnUniqueIndex } from "../db/index-sql.ts";
import { ident, raw, sql } from "../db/sql.ts";
import { badRequest, forbidden } from "../tools/router/api-error.ts";
import { inList, length, required, validateObject } from "../tools/validation/validation.ts";
import { findAuthCollection, readForm, recordAuthResponse, validationFailedMessage } from "./record-auth-helpers.ts";

/** authWithPassword handles `POST /api/collections/{c}/auth-with-password`. */
export async function authWithPassword(e: RequestEvent): Promise<Response | null> {
  const c = findAuthCollection(e);
  if (!c.auth.passwordAuth.enabled)
    throw forbidden("The collection is not configured to allow password authentication.");
  const form = await readForm(e, { identity: "string", password: "string", identityField: "string" });
  const errs = validateObject(form, {
    identity: [required, length(1, 255)],
    password: [required, length(1, 255)],
    identityField: [length(1, 255), inList(...c.auth.passwordAuth.identityFields)],
  });
  if (!errs.isEmpty) throw badRequest(validationFailedMessage, errs);
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

/** dummyPasswordCheck spends the time of a real bcrypt comparison, so unknown identities answer as slowly. */
async function dummyPasswordCheck(e: RequestEvent, c: Collection): Promise<void> {
  const row = await e.app.db.get<{ password: string }>(
    sql`SELECT ${ident("password")} AS password FROM ${ident(c.name)} ${raw("LIMIT 1")}`,
  );
  await new PasswordValue(row?.password ?? "$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z5/vX2.v5QY.lGA4rVZ5Jg7i").validate(
    "dummy",
  );
}
