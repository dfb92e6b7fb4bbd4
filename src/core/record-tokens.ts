import { parseUnverifiedJwt, signJwt, verifyJwt } from "../tools/security/jwt.ts";
import { castString } from "../tools/types/cast.ts";
import type { App } from "./app.ts";
import type { TokenOption } from "./collection-auth-options.ts";
import type { RecordModel } from "./record-model.ts";

/** The token types PocketBase issues, with the collection option holding each one's secret and duration. */
export const tokenTypeOptions = {
  auth: "authToken",
  file: "fileToken",
  verification: "verificationToken",
  passwordReset: "passwordResetToken",
  emailChange: "emailChangeToken",
} as const satisfies Record<string, TokenOption>;

export type TokenType = keyof typeof tokenTypeOptions;

function signingKey(record: RecordModel, type: TokenType): string {
  return record.tokenKey() + record.collection.auth[tokenTypeOptions[type]].secret;
}

/** newToken signs a token of a type for an auth record (claims `id`, `type`, `collectionId` plus extras). */
export async function newToken(
  record: RecordModel,
  type: TokenType,
  extra: Record<string, unknown> = {},
  durationSeconds?: number,
): Promise<string> {
  if (record.collection.type !== "auth") throw new Error("tokens can only be issued for auth records");
  const duration =
    durationSeconds && durationSeconds > 0 ? durationSeconds : record.collection.auth[tokenTypeOptions[type]].duration;
  const claims = { id: record.id, type, collectionId: record.collection.id, ...extra };
  return signJwt(claims, signingKey(record, type), duration);
}

/** newAuthToken is the token for the Authorization header (refreshable unless impersonated). */
export function newAuthToken(record: RecordModel, refreshable = true, durationSeconds?: number): Promise<string> {
  return newToken(record, "auth", { refreshable }, durationSeconds);
}

/**
 * findAuthRecordByToken reads the unverified claims to find the record, then checks the signature with
 * that record's key (token key + collection secret) and the expiry. Any failure gives null.
 */
export async function findAuthRecordByToken(
  app: App,
  token: string,
  ...types: TokenType[]
): Promise<{ record: RecordModel; claims: Record<string, unknown> } | null> {
  const unverified = parseUnverifiedJwt(token);
  if (!unverified) return null;
  const id = castString(unverified.id);
  const type = castString(unverified.type) as TokenType;
  const collectionId = castString(unverified.collectionId);
  if (id === "" || collectionId === "" || !(type in tokenTypeOptions)) return null;
  if (types.length > 0 && !types.includes(type)) return null;
  const collection = app.findCachedCollectionByNameOrId(collectionId);
  if (collection?.type !== "auth" || collection.id !== collectionId) return null;
  const record = await app.findRecordById(collection, id);
  if (!record) return null;
  const claims = await verifyJwt(token, signingKey(record, type));
  return claims ? { record, claims } : null;
}
