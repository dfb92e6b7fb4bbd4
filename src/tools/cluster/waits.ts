/**
 * Waits holds the publishes whose sender waits for the other processes to apply them (`publishAndWait`):
 * each ends when its acknowledgements are in, at its timeout, or when the bus closes, whichever comes first.
 * `entry` is what a transport keeps per wait (e.g. the nodes still to answer).
 */
export class Waits<T> {
  readonly #open = new Map<number, { entry: T; done: () => void }>();
  #next = 0;

  /** start opens a wait; onTimeout runs when it is still open after timeoutMs, then it ends. */
  start(entry: T, timeoutMs: number, onTimeout: () => void): { id: number; promise: Promise<void> } {
    const id = ++this.#next;
    const { promise, resolve } = Promise.withResolvers<void>();
    const timer = setTimeout(() => {
      onTimeout();
      this.end(id);
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      this.#open.delete(id);
      resolve();
    };
    this.#open.set(id, { entry, done });
    return { id, promise };
  }

  get(id: number): T | undefined {
    return this.#open.get(id)?.entry;
  }

  end(id: number): void {
    this.#open.get(id)?.done();
  }

  endAll(): void {
    for (const wait of [...this.#open.values()]) wait.done();
  }

  /** open lists the waits still open, as [id, entry] pairs (a copy: ending one while iterating is safe). */
  open(): [number, T][] {
    return [...this.#open].map(([id, wait]) => [id, wait.entry]);
  }
}
