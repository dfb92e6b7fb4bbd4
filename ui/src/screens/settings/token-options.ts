import type { TokenOption } from "../../api/wire.ts";

export interface TokenKind {
  key: TokenOption;
  label: string;
  /** What invalidating this kind of token does, in a few words. */
  effect: string;
}

const auth: TokenKind = { key: "authToken", label: "Auth", effect: "signs out every signed-in user" };
const passwordReset: TokenKind = {
  key: "passwordResetToken",
  label: "Password reset",
  effect: "voids the reset links already emailed",
};
const file: TokenKind = {
  key: "fileToken",
  label: "Protected file",
  effect: "voids the protected file links handed out",
};

/** The tokens an auth collection issues (superusers neither verify nor change emails by link). */
export function tokenKinds(collectionName: string): TokenKind[] {
  if (collectionName === "_superusers") return [auth, passwordReset, file];
  return [
    auth,
    { key: "verificationToken", label: "Email verification", effect: "voids the verification links already emailed" },
    passwordReset,
    { key: "emailChangeToken", label: "Email change", effect: "voids the email change links already emailed" },
    file,
  ];
}

const secretAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** newSecret is a random token secret of 50 characters, as the server makes them. */
export function newSecret(length = 50): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
  let out = "";
  // rejection sampling keeps every character equally likely
  const limit = 256 - (256 % secretAlphabet.length);
  for (const b of bytes) {
    if (b >= limit) continue;
    out += secretAlphabet[b % secretAlphabet.length];
    if (out.length === length) return out;
  }
  return out + newSecret(length - out.length);
}

/** formatDuration says a number of seconds in the largest whole unit: 432000 is "5 days". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "";
  const units: [number, string][] = [
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? "" : "s"}`;
    }
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}
