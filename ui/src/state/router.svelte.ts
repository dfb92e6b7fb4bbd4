import { type HashLocation, parseHash } from "./route-match.ts";

/** A check before the current screen is left: false keeps the user on it (unsaved changes they kept). */
export type LeaveGuard = () => boolean | Promise<boolean>;

/**
 * The hash router's state: the path and query after `#` (`/_/#/settings`), as PocketBase's dashboard
 * addresses its screens. Screens link with `href="#/path"` or call navigate().
 */
class Router {
  location = $state<HashLocation>(parseHash(window.location.hash));
  /** Set by a navigation after the first screen, so the new screen moves the keyboard focus to its heading. */
  navigated = $state(false);
  #guards = new Set<LeaveGuard>();
  /** The hash of the location the router is on: where a refused navigation goes back to. */
  #hash = window.location.hash;

  constructor() {
    window.addEventListener("hashchange", () => void this.#sync());
  }

  /**
   * addLeaveGuard asks `guard` before any navigation to another path (a link, the back button, navigate());
   * the returned function removes it. A screen with unsaved changes adds one while it has them.
   */
  addLeaveGuard(guard: LeaveGuard): () => void {
    this.#guards.add(guard);
    return () => this.#guards.delete(guard);
  }

  /** navigate goes to a path (`/settings`); replace keeps the current entry out of the history. */
  navigate(path: string, options: { replace?: boolean } = {}): void {
    const hash = `#${path}`;
    if (window.location.hash === hash) return;
    if (options.replace) {
      history.replaceState(history.state, "", hash);
      void this.#sync();
    } else {
      window.location.hash = hash;
    }
  }

  async #sync(): Promise<void> {
    const hash = window.location.hash;
    const next = parseHash(hash);
    if (this.#guards.size > 0 && next.path !== this.location.path) {
      // the address shows the current screen until every guard lets it go
      history.replaceState(history.state, "", this.#hash || "#/");
      for (const guard of [...this.#guards]) if (!(await guard())) return;
      history.replaceState(history.state, "", hash);
    }
    this.#hash = hash;
    this.location = next;
    this.navigated = true;
  }
}

export const router = new Router();

/** navigate goes to a dashboard path (`/settings`). */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  router.navigate(path, options);
}
