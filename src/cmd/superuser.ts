import type { App } from "../core/app.ts";
import { isEmail } from "../core/field-email.ts";
import { newOtp } from "../core/otp-query.ts";
import { RecordModel } from "../core/record-model.ts";
import { superusersCollectionName } from "../core/record-model-superusers.ts";
import { ApiError } from "../tools/router/api-error.ts";
import { randomString } from "../tools/security/random.ts";
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

/** A one-time password made for a superuser: its id, the password and how long it stays valid (seconds). */
export interface SuperuserOtp {
  /** The superuser's email as stored. */
  email: string;
  id: string;
  password: string;
  duration: number;
}

/**
 * createSuperuserOtp makes a one-time password for an existing superuser (OTP auth must be enabled on
 * `_superusers`, which also forces MFA there): a way in when the password is lost but the console is not.
 */
export async function createSuperuserOtp(app: App, email: string): Promise<SuperuserOtp> {
  checkEmail(email, "invalid or missing email address");
  const superuser = await app.findAuthRecordByEmail(superusersCollectionName, email);
  if (!superuser) throw new CommandError(`superuser with email ${JSON.stringify(email)} doesn't exist`);
  const options = superuser.collection.auth.otp;
  if (!options.enabled)
    throw new CommandError(`OTP auth is not enabled for the ${superusersCollectionName} collection`);
  const password = randomString(options.length, "1234567890");
  const otp = newOtp(app, superuser, password);
  await save(app, otp, "failed to create OTP");
  return { email: superuser.email(), id: otp.id, password, duration: options.duration };
}
