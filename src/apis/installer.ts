import type { App } from "../core/app.ts";
import { RecordModel } from "../core/record-model.ts";
import { installerEmail, superusersCollectionName } from "../core/record-model-superusers.ts";
import { newStaticAuthToken } from "../core/record-tokens.ts";
import { ident, sql } from "../db/sql.ts";
import { randomString } from "../tools/security/random.ts";

/** How long the installer link's superuser token stays valid. */
const installerTokenSeconds = 30 * 60;

/**
 * loadInstaller prepares the first-run installer when no real superuser exists yet: it makes sure the
 * placeholder superuser `__pbinstaller@example.com` exists (with a random password) and returns the
 * dashboard link, `<baseURL>/_/#/pbinstall/<token>`, that lets its bearer create the first real superuser
 * (which deletes the placeholder). It returns null when a superuser already exists.
 */
export async function loadInstaller(app: App, baseURL: string): Promise<string | null> {
  if (!(await needInstallerSuperuser(app))) return null;
  const superuser = await findOrCreateInstallerSuperuser(app);
  const token = await newStaticAuthToken(superuser, installerTokenSeconds);
  return `${baseURL.replace(/\/+$/, "")}/_/#/pbinstall/${token}`;
}

/** needInstallerSuperuser tells whether there is no superuser but the installer placeholder. */
async function needInstallerSuperuser(app: App): Promise<boolean> {
  const row = await app.db.get<{ n: number }>(
    sql`SELECT COUNT(*) AS n FROM ${ident(superusersCollectionName)} WHERE ${ident("email")} != ${installerEmail}`,
  );
  return Number(row?.n ?? 0) === 0;
}

async function findOrCreateInstallerSuperuser(app: App): Promise<RecordModel> {
  const existing = await app.findAuthRecordByEmail(superusersCollectionName, installerEmail);
  if (existing) return existing;
  const collection = app.findCachedCollectionByNameOrId(superusersCollectionName);
  if (!collection) throw new Error(`missing the ${superusersCollectionName} collection`);
  const record = new RecordModel(collection);
  record.set("email", installerEmail);
  record.set("password", randomString(30));
  await app.save(record);
  return record;
}
