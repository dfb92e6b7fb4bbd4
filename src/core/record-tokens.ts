import { parseUnverifiedJwt, signJwt, verifyJwt } from "../tools/security/jwt.ts";
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

function isTokenType(v: unknown): v is TokenType {
  return typeof v === "string" && Object.hasOwn(tokenTypeOptions, v);
}

/** The signing key of a token type: the record's token key followed by the collection's secret for the type. */
function signingKey(record: RecordModel, type: TokenType): string {
  return record.tokenKey() + record.collection.auth[tokenTypeOptions[type]].secret;
}

/**
 * newToken signs a token of a type for an auth record: claims `id`, `type`, `collectionId` plus extras, valid
 * for `durationSeconds` (the collection's duration for the type when not positive).
 */
export async function newToken(
  record: RecordModel,
  type: TokenType,
  extra: Record<string, unknown> = {},
  durationSeconds = 0,
): Promise<string> {
  if (record.collection.type !== "auth") throw new Error("not an auth collection record");
  const key = signingKey(record, type);
  if (key === "") throw new Error("missing or invalid signing key");
  const duration = durationSeconds > 0 ? durationSeconds : record.collection.auth[tokenTypeOptions[type]].duration;
  const claims = { id: record.id, type, collectionId: record.collection.id, ...extra };
  return signJwt(claims, key, duration);
}

/** newAuthToken is the refreshable token for the Authorization header. */
export function newAuthToken(record: RecordModel): Promise<string> {
  return newToken(record, "auth", { refreshable: true });
}

/**
 * newStaticAuthToken is a non-refreshable auth token (impersonation): `auth-refresh` echoes it instead of
 * renewing it. A duration of 0 or less means the collection's auth token duration.
 */
export function newStaticAuthToken(record: RecordModel, durationSeconds = 0): Promise<string> {
  return newToken(record, "auth", { refreshable: false }, durationSeconds);
}

/** newVerificationToken proves the ownership of the record's current email. */
export function newVerificationToken(record: RecordModel): Promise<string> {
  return newToken(record, "verification", { email: record.email() });
}

/** newPasswordResetToken allows one password change of the record (until the token key rotates). */
export function newPasswordResetToken(record: RecordModel): Promise<string> {
  return newToken(record, "passwordReset", { email: record.email() });
}

/** newEmailChangeToken allows moving the record from its current email to `newEmail`. */
export function newEmailChangeToken(record: RecordModel, newEmail: string): Promise<string> {
  return newToken(record, "emailChange", { email: record.email(), newEmail });
}

/** newFileToken grants short access to protected files. */
export function newFileToken(record: RecordModel): Promise<string> {
  return newToken(record, "file");
}

/**
 * findAuthRecordByToken reads the unverified claims to find the record (its collection named by id or name,
 * as PocketBase allows), then checks the signature with that record's key for the token's type, and the
 * expiry. Any failure (bad claims, a type not in `types`, an unknown record, a bad signature) gives null.
 */
export async function findAuthRecordByToken(
  app: App,
  token: string,
  ...types: TokenType[]
): Promise<{ record: RecordModel; claims: Record<string, unknown> } | null> {
  if (token === "") return null;
  const unverified = parseUnverifiedJwt(token);
  if (!unverified) return null;
  const { id, collectionId, type } = unverified;
  if (typeof id !== "string" || typeof collectionId !== "string" || id === "" || collectionId === "") return null;
  if (!isTokenType(type) || (types.length > 0 && !types.includes(type))) return null;
  const collection = app.findCachedCollectionByNameOrId(collectionId);
  if (collection?.type !== "auth") return null;
  const record = await app.findRecordById(collection, id);
  if (!record) return null;
  const claims = await verifyJwt(token, signingKey(record, type));
  return claims ? { record, claims } : null;
}
