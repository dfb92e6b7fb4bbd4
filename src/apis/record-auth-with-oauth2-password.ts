import { PasswordField, PasswordValue } from "../core/field-password.ts";
import type { RecordModel } from "../core/record-model.ts";
import { refreshTokenKey } from "../core/record-save.ts";
import { randomString } from "../tools/security/random.ts";

async function bcrypt(record: RecordModel, plain: string): Promise<string> {
  const field = record.collection.fields.byName("password");
  const cost = field instanceof PasswordField && field.cost > 0 ? field.cost : 10;
  return Bun.password.hash(plain, { algorithm: "bcrypt", cost });
}

/**
 * hashPendingPassword hashes the plain password set on a record at once and forgets the plain text, so the
 * password field's rules (meant for what people type) don't apply to a password made by the server.
 */
export async function hashPendingPassword(record: RecordModel): Promise<void> {
  const value = record.getRaw("password");
  if (!(value instanceof PasswordValue) || value.plain === "") return;
  record.setRaw("password", new PasswordValue(await bcrypt(record, value.plain)));
}

/** setRandomPassword gives an auth record an unguessable password and a new token key (signing it out). */
export async function setRandomPassword(record: RecordModel): Promise<void> {
  record.setRaw("password", new PasswordValue(await bcrypt(record, randomString(30))));
  refreshTokenKey(record);
}
