import { getTokenPayload, isTokenExpired } from "pocketbase";
import { pb } from "../api/client.ts";
import { errorStatus, isAbort, isNetworkError } from "../api/errors.ts";
import type { RecordJSON } from "../api/wire.ts";
import { toasts } from "./toasts.svelte.ts";

/** The collection of the dashboard's users. */
export const superusersCollection = "_superusers";

/** A token is refreshed once this share of its lifetime has passed. */
const refreshAfterShare = 0.75;
/** Never wait longer than this between refreshes (setTimeout's own limit is ~24.8 days). */
const maxRefreshDelayMs = 24 * 60 * 60 * 1000;
/** After a refresh that got no answer, try again this much later. */
const retryRefreshMs = 30_000;

/**
 * The signed-in superuser, kept in the SDK's auth store (and so in localStorage). The token is refreshed
 * when the dashboard opens and again before it expires; a refused refresh signs the superuser out.
 */
class Session {
  token = $state(pb.authStore.token);
  superuser = $state<RecordJSON | null>(pb.authStore.record);
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    pb.authStore.onChange(() => {
      this.token = pb.authStore.token;
      this.superuser = pb.authStore.record;
      this.#scheduleRefresh();
    });
    if (this.isSignedIn) void this.refresh();
    else if (this.token !== "") pb.authStore.clear();
  }

  /** isSignedIn tells whether a superuser with an unexpired token is signed in. */
  get isSignedIn(): boolean {
    return this.token !== "" && this.superuser?.collectionName === superusersCollection && !isTokenExpired(this.token);
  }

  /** refresh renews the token; a 401 or 403 (deleted superuser, changed password or IP) signs out. */
  async refresh(): Promise<void> {
    try {
      await pb.collection(superusersCollection).authRefresh({ requestKey: "sessionRefresh" });
    } catch (err) {
      if (isAbort(err)) return;
      const status = errorStatus(err);
      if (status === 401 || status === 403) {
        this.signOut();
        toasts.info("Your session has ended. Please sign in again.");
      } else if (isNetworkError(err)) {
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => void this.refresh(), retryRefreshMs);
      }
    }
  }

  signOut(): void {
    pb.cancelAllRequests();
    pb.authStore.clear();
  }

  #scheduleRefresh(): void {
    clearTimeout(this.#timer);
    if (!this.isSignedIn) return;
    const payload = getTokenPayload(this.token);
    const expiresMs = typeof payload.exp === "number" ? payload.exp * 1000 : 0;
    const issuedMs = Date.now();
    const delay = Math.min(maxRefreshDelayMs, Math.max(0, (expiresMs - issuedMs) * refreshAfterShare));
    this.#timer = setTimeout(() => void this.refresh(), delay);
  }
}

export const session = new Session();
