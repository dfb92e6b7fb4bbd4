import type { App } from "../core/app.ts";
import { isEmail } from "../core/field-email.ts";
import { RecordModel } from "../core/record-model.ts";
import { superusersCollectionName } from "../core/record-model-superusers.ts";
import { ApiError } from "../tools/router/api-error.ts";
import { ValidationError, ValidationErrors } from "../tools/validation/validation.ts";
import { CommandError } from "./command.ts";

/** describe turns a save failure into one line, e.g. `password: Must be at least 8 character(s).` */
function describe(err: unknown): string {
  if (err instanceof ValidationErrors) {
    const parts = Object.entries(err.errors).map(([key, e]) => `${key}: ${describe(e).replace(/\.$/, "")}`);
    return `${parts.join("; ")}.`;
  }
  if (err instanceof ValidationError) return String(err.toJSON().message);
  if (err instanceof ApiError && err.raw instanceof ValidationErrors) return describe(err.raw);
  return err instanceof Error ? err.message : String(err);
}

/** checkEmail refuses an empty or malformed email address (before any database is opened). */
export function checkEmail(email: string, message = "missing or invalid email address"): void {
  if (email === "" || !isEmail(email)) throw new CommandError(message);
}

async function save(app: App, record: RecordModel, failure: string): Promise<void> {
  try {
    await app.save(record);
  } catch (err) {
    throw new CommandError(`${failure}: ${describe(err)}`);
  }
}

function newSuperuser(app: App): RecordModel {
  const collection = app.findCachedCollectionByNameOrId(superusersCollectionName);
  if (!collection) throw new CommandError(`failed to fetch "${superusersCollectionName}" collection`);
  return new RecordModel(collection);
}

/** upsertSuperuser creates the superuser, or sets the password of an existing one. */
export async function upsertSuperuser(app: App, email: string, password: string): Promise<"created" | "updated"> {
  checkEmail(email);
  const existing = await app.findAuthRecordByEmail(superusersCollectionName, email);
  const record = existing ?? newSuperuser(app);
  record.set("email", email);
  record.set("password", password);
  await save(app, record, "failed to upsert superuser account");
  return existing ? "updated" : "created";
}

/** createSuperuser creates a new superuser (an existing email fails the unique check). */
export async function createSuperuser(app: App, email: string, password: string): Promise<void> {
  checkEmail(email);
  const record = newSuperuser(app);
  record.set("email", email);
  record.set("password", password);
  await save(app, record, "failed to create new superuser account");
}

/** updateSuperuser changes the password of an existing superuser. */
export async function updateSuperuser(app: App, email: string, password: string): Promise<void> {
  checkEmail(email);
  const record = await app.findAuthRecordByEmail(superusersCollectionName, email);
  if (!record) throw new CommandError(`superuser with email ${JSON.stringify(email)} doesn't exist`);
  record.set("password", password);
  await save(app, record, `failed to change superuser ${JSON.stringify(email)} password`);
}

/** deleteSuperuser deletes an existing superuser (never the last one). */
export async function deleteSuperuser(app: App, email: string): Promise<void> {
  checkEmail(email, "invalid or missing email address");
  const record = await app.findAuthRecordByEmail(superusersCollectionName, email);
  if (!record) throw new CommandError(`superuser with email ${JSON.stringify(email)} doesn't exist`);
  try {
    await app.delete(record);
  } catch (err) {
    throw new CommandError(`failed to delete superuser ${JSON.stringify(email)}: ${describe(err)}`);
  }
}
