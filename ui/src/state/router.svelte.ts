import { type HashLocation, parseHash } from "./route-match.ts";

/**
 * The hash router's state: the path and query after `#` (`/_/#/settings`), as PocketBase's dashboard
 * addresses its screens. Screens link with `href="#/path"` or call navigate().
 */
class Router {
  location = $state<HashLocation>(parseHash(window.location.hash));
  /** Set by a navigation after the first screen, so the new screen moves the keyboard focus to its heading. */
  navigated = $state(false);

  constructor() {
    window.addEventListener("hashchange", () => this.#sync());
  }

  /** navigate goes to a path (`/settings`); replace keeps the current entry out of the history. */
  navigate(path: string, options: { replace?: boolean } = {}): void {
    const hash = `#${path}`;
    if (window.location.hash === hash) return;
    if (options.replace) {
      history.replaceState(history.state, "", hash);
      this.#sync();
    } else {
      window.location.hash = hash;
    }
  }

  #sync(): void {
    this.location = parseHash(window.location.hash);
    this.navigated = true;
  }
}

export const router = new Router();

/** navigate goes to a dashboard path (`/settings`). */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  router.navigate(path, options);
}
