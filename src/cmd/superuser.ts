import type { App } from "../core/app.ts";
import { isEmail } from "../core/field-email.ts";
import { RecordModel } from "../core/record-model.ts";
import { ValidationErrors } from "../tools/validation/validation.ts";

const superusers = "_superusers";

/** CommandError is a user-facing CLI failure (printed without a stack, exit code 1). */
export class CommandError extends Error {}

function describe(err: unknown): string {
  if (err instanceof ValidationErrors) {
    return Object.entries(err.toJSON())
      .map(([k, v]) => `${k}: ${(v as { message?: string }).message ?? JSON.stringify(v)}`)
      .join("; ");
  }
  return err instanceof Error ? err.message : String(err);
}

async function save(app: App, record: RecordModel): Promise<void> {
  try {
    await app.save(record);
  } catch (err) {
    throw new CommandError(describe(err));
  }
}

function checkEmail(email: string): void {
  if (!isEmail(email)) throw new CommandError(`invalid or missing email address ${JSON.stringify(email)}`);
}

/** upsertSuperuser creates the superuser, or sets the password of an existing one. */
export async function upsertSuperuser(app: App, email: string, password: string): Promise<"created" | "updated"> {
  checkEmail(email);
  const existing = await app.findAuthRecordByEmail(superusers, email);
  const collection = app.findCachedCollectionByNameOrId(superusers);
  if (!collection) throw new CommandError("missing _superusers collection");
  const record = existing ?? new RecordModel(collection);
  record.set("email", email);
  record.set("password", password);
  await save(app, record);
  return existing ? "updated" : "created";
}

export async function createSuperuser(app: App, email: string, password: string): Promise<void> {
  checkEmail(email);
  if (await app.findAuthRecordByEmail(superusers, email))
    throw new CommandError(`superuser ${JSON.stringify(email)} already exists`);
  await upsertSuperuser(app, email, password);
}

export async function updateSuperuser(app: App, email: string, password: string): Promise<void> {
  checkEmail(email);
  const record = await app.findAuthRecordByEmail(superusers, email);
  if (!record) throw new CommandError(`superuser ${JSON.stringify(email)} doesn't exist`);
  record.set("password", password);
  await save(app, record);
}

export async function deleteSuperuser(app: App, email: string): Promise<void> {
  checkEmail(email);
  const record = await app.findAuthRecordByEmail(superusers, email);
  if (!record) throw new CommandError(`superuser ${JSON.stringify(email)} doesn't exist`);
  try {
    await app.delete(record);
  } catch (err) {
    throw new CommandError(describe(err));
  }
}
