import PocketBase, { BaseAuthStore, LocalAuthStore, type SendOptions } from "pocketbase";
import { connection } from "../state/connection.svelte.ts";
import { apiBaseUrl } from "./base-url.ts";
import { isAbort, isNetworkError } from "./errors.ts";

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

/** trackConnection makes a client's requests tell the connection state whether the server answered. */
function trackConnection(client: PocketBase): PocketBase {
  const sendWithSdk = client.send.bind(client);
  client.send = async <T>(path: string, options: SendOptions): Promise<T> => {
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
  return client;
}

trackConnection(pb);

/**
 * guestClient is a client with a session of its own, kept in memory: for the pages that act for an app's
 * user from an emailed link (password reset, verification, email change), so the superuser's session
 * stays as it is.
 */
export function guestClient(): PocketBase {
  return trackConnection(new PocketBase(pb.baseURL, new BaseAuthStore()));
}
