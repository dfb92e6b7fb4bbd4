import PocketBase, { LocalAuthStore, type SendOptions } from "pocketbase";
import { connection } from "../state/connection.svelte.ts";
import { isAbort, isNetworkError } from "./errors.ts";

/**
 * apiBaseUrl is the server's address as seen from the dashboard: the dashboard lives at `<base>/_/`, so
 * the API is the folder above (this keeps working behind a proxy that adds a path prefix).
 */
export function apiBaseUrl(location: Pick<Location, "origin" | "pathname">): string {
  const base = location.pathname.replace(/_\/(index\.html)?$/, "");
  return new URL(base.endsWith("/") ? base : `${base}/`, location.origin).href;
}

/** authStoreKey keeps the superuser's session per dashboard path, with the key PocketBase's dashboard uses. */
function authStoreKey(pathname: string): string {
  return `__pb_superusers__${pathname.replace(/\/+$/, "")}`;
}

/**
 * The one SDK client of the dashboard: every call to the server goes through it. Its requests tell the
 * connection state whether the server answered.
 */
export const pb = new PocketBase(
  apiBaseUrl(window.location),
  new LocalAuthStore(authStoreKey(window.location.pathname)),
);

const sendWithSdk = pb.send.bind(pb);
pb.send = async <T>(path: string, options: SendOptions): Promise<T> => {
  try {
    const result = await sendWithSdk<T>(path, options);
    connection.answered();
    return result;
  } catch (err) {
    if (isNetworkError(err)) connection.unanswered(() => pb.health.check({ requestKey: null }));
    else if (!isAbort(err)) connection.answered();
    throw err;
  }
};
