import { getTokenPayload, isTokenExpired } from "pocketbase";

/** What the pages opened from an emailed link read in its token. */
export interface EmailToken {
  collectionId: string;
  email: string;
  /** The address an email change moves to. */
  newEmail: string;
}

/** readEmailToken reads an emailed link's token: null when it is malformed, incomplete or expired. */
export function readEmailToken(token: string, needs: "email" | "newEmail"): EmailToken | null {
  const payload = getTokenPayload(token);
  const text = (key: string) => (typeof payload[key] === "string" ? (payload[key] as string) : "");
  const read = { collectionId: text("collectionId"), email: text("email"), newEmail: text("newEmail") };
  if (read.collectionId === "" || read[needs] === "" || isTokenExpired(token)) return null;
  return read;
}
