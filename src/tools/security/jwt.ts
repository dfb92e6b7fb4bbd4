import { decodeJwt, jwtVerify, SignJWT } from "jose";

export type JwtClaims = Record<string, unknown>;

const encoder = new TextEncoder();

/** signJwt makes an HS256 token with the claims and an `exp` `durationSeconds` from now. */
export async function signJwt(claims: JwtClaims, secret: string, durationSeconds: number): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setExpirationTime(Math.floor(Date.now() / 1000) + Math.floor(durationSeconds))
    .sign(encoder.encode(secret));
}

/** parseUnverifiedJwt reads the claims without checking the signature (null when malformed). */
export function parseUnverifiedJwt(token: string): JwtClaims | null {
  try {
    return decodeJwt(token) as JwtClaims;
  } catch {
    return null;
  }
}

/** verifyJwt checks the HS256 signature and expiry and returns the claims (null when invalid). */
export async function verifyJwt(token: string, secret: string): Promise<JwtClaims | null> {
  try {
    const { payload } = await jwtVerify(token, encoder.encode(secret), { algorithms: ["HS256"] });
    return payload as JwtClaims;
  } catch {
    return null;
  }
}
