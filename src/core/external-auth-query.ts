import { ident, sql } from "../db/sql.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";
import { RecordModel } from "./record-model.ts";

/** The system collection linking auth records to their OAuth2 accounts. */
export const externalAuthsCollectionName = "_externalAuths";

function externalAuths(app: App): Collection {
  const c = app.findCachedCollectionByNameOrId(externalAuthsCollectionName);
  if (!c) throw new Error(`missing the ${externalAuthsCollectionName} collection`);
  return c;
}

/** ExternalAuthKey names one OAuth2 account of a collection. */
export interface ExternalAuthKey {
  collectionRef: string;
  provider: string;
  providerId: string;
}

/**
 * findFirstExternalAuth returns the newest link of an OAuth2 account (links with an empty provider id never
 * match), or null.
 */
export async function findFirstExternalAuth(app: App, key: ExternalAuthKey): Promise<RecordModel | null> {
  const c = externalAuths(app);
  const row = await app.db.get<Record<string, unknown>>(
    sql`SELECT * FROM ${ident(c.name)}
        WHERE ${ident("providerId")} != '' AND ${ident("collectionRef")} = ${key.collectionRef}
          AND ${ident("provider")} = ${key.provider} AND ${ident("providerId")} = ${key.providerId}
        ORDER BY ${ident("created")} DESC LIMIT 1`,
  );
  return row ? new RecordModel(c, row) : null;
}

/** findAllExternalAuthsByRecord returns the OAuth2 links of an auth record, newest first. */
export async function findAllExternalAuthsByRecord(app: App, record: RecordModel): Promise<RecordModel[]> {
  const c = externalAuths(app);
  const rows = await app.db.all<Record<string, unknown>>(
    sql`SELECT * FROM ${ident(c.name)}
        WHERE ${ident("collectionRef")} = ${record.collection.id} AND ${ident("recordRef")} = ${record.id}
        ORDER BY ${ident("created")} DESC`,
  );
  return rows.map((row) => new RecordModel(c, row));
}

/** deleteAllExternalAuthsByRecord deletes (through the hooks) every OAuth2 link of an auth record. */
export async function deleteAllExternalAuthsByRecord(app: App, record: RecordModel): Promise<void> {
  for (const link of await findAllExternalAuthsByRecord(app, record)) await app.delete(link);
}

/** saveExternalAuth links an auth record to an OAuth2 account. */
export async function saveExternalAuth(app: App, record: RecordModel, provider: string, providerId: string) {
  const link = new RecordModel(externalAuths(app));
  link.set("collectionRef", record.collection.id);
  link.set("recordRef", record.id);
  link.set("provider", provider);
  link.set("providerId", providerId);
  await app.save(link);
  return link;
}
