/** How often the dashboard checks whether the server is back once it can't reach it. */
const probeEveryMs = 3000;

/**
 * The dashboard's link to the server: `lost` once a request got no answer at all, until one gets an
 * answer again. While lost, it asks the server's health every few seconds.
 */
class Connection {
  lost = $state(false);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #probe: (() => Promise<unknown>) | null = null;

  /** answered records that a request got an answer (whatever its status). */
  answered(): void {
    if (!this.lost) return;
    this.lost = false;
    clearTimeout(this.#timer);
  }

  /** unanswered records a request without an answer; probe asks the server whether it is back. */
  unanswered(probe: () => Promise<unknown>): void {
    this.#probe = probe;
    if (this.lost) return;
    this.lost = true;
    this.#schedule();
  }

  /** retry asks the server now, instead of waiting for the next check. */
  retry(): Promise<unknown> {
    clearTimeout(this.#timer);
    return this.#check();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#check(), probeEveryMs);
  }

  async #check(): Promise<void> {
    try {
      await this.#probe?.();
    } catch {
      // still unreachable (or answering with an error, which also ends the outage)
    }
    if (this.lost) this.#schedule();
  }
}

export const connection = new Connection();
