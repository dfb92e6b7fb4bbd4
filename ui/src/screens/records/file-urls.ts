import type PocketBase from "pocketbase";
import type { RecordJSON } from "../../api/wire.ts";

/** A file token is asked for again after this long (the server's default lifetime is 3 minutes). */
const tokenReuseMs = 100_000;

const tokens = new WeakMap<PocketBase, { token: Promise<string>; at: number }>();

/** fileToken is a token that opens protected files for the client's user, reused for a while. */
export function fileToken(client: PocketBase): Promise<string> {
  const cached = tokens.get(client);
  if (cached && Date.now() - cached.at < tokenReuseMs) return cached.token;
  const token = client.files.getToken({ requestKey: null }).catch(() => "");
  tokens.set(client, { token, at: Date.now() });
  return token;
}

/** imageExtensions are the files the server can make thumbnails of. */
const imageExtensions = /\.(jpe?g|png|gif|webp)$/i;

export function isImage(name: string): boolean {
  return imageExtensions.test(name);
}

/** fileUrl is the address of a record's file (a thumbnail of it with `thumb`, e.g. "100x100"). */
export async function fileUrl(client: PocketBase, record: RecordJSON, name: string, thumb?: string): Promise<string> {
  const token = await fileToken(client);
  return client.files.getURL(record, name, { token, ...(thumb ? { thumb } : {}) });
}
