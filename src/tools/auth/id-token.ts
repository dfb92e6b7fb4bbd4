import { createRemoteJWKSet, decodeJwt, type JWTPayload, jwtVerify } from "jose";
import { ProviderError } from "./auth.ts";

/** How far an id_token's times may be off, as PocketBase allows by default. */
const leewaySeconds = 5 * 60;

export interface IdTokenChecks {
  /** The audience the token must name (the client id); none when empty. */
  audience?: string;
  /** The token must say when it expires. */
  requireExpiry?: boolean;
  /** The issuers the token may come from (any when empty). */
  issuers?: readonly string[];
  /** A JWKS URL to verify the signature with (not verified when empty). */
  jwksURL?: string;
}

/**
 * readIdToken decodes an id_token and checks its times (with leeway), audience, issuer and, when a JWKS URL
 * is given, its signature. Any failure is a ProviderError.
 */
export async function readIdToken(idToken: string, checks: IdTokenChecks): Promise<JWTPayload> {
  if (idToken === "") throw new ProviderError("empty id_token");
  let claims: JWTPayload;
  try {
    claims = decodeJwt(idToken);
  } catch {
    throw new ProviderError("invalid id_token");
  }
  const now = Date.now() / 1000;
  if (checks.requireExpiry && claims.exp === undefined) throw new ProviderError("the id_token has no exp claim");
  if (claims.exp !== undefined && now > claims.exp + leewaySeconds) throw new ProviderError("the id_token expired");
  if (claims.iat !== undefined && now < claims.iat - leewaySeconds)
    throw new ProviderError("the id_token is used before it was issued");
  if (claims.nbf !== undefined && now < claims.nbf - leewaySeconds)
    throw new ProviderError("the id_token is not valid yet");
  if (checks.audience) {
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(checks.audience)) throw new ProviderError("the id_token is meant for another audience");
  }
  if (checks.issuers && checks.issuers.length > 0 && !checks.issuers.includes(claims.iss ?? "")) {
    throw new ProviderError(`the id_token issuer must be one of ${checks.issuers.join(", ")}`);
  }
  if (checks.jwksURL) {
    try {
      // times were checked above with PocketBase's leeway; here only the signature matters
      await jwtVerify(idToken, createRemoteJWKSet(new URL(checks.jwksURL)), { clockTolerance: leewaySeconds });
    } catch (err) {
      throw new ProviderError(`id_token validation failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return claims;
}

/** idTokenOf is the id_token of a token response ("" when there is none). */
export function idTokenOf(data: object): string {
  const v = (data as { id_token?: unknown }).id_token;
  return typeof v === "string" ? v : "";
}
