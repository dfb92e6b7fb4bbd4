/** AsyncLock is a FIFO mutex for async critical sections. */
export class AsyncLock {
  #tail: Promise<void> = Promise.resolve();
  /** The sections holding or waiting for the lock. */
  #held = 0;

  get locked(): boolean {
    return this.#held > 0;
  }

  /**
   * tryAcquire takes the lock at once when it is free and returns its release (call it exactly once); null
   * when it is held. For a section that may end synchronously, without an async frame around it.
   */
  tryAcquire(): (() => void) | null {
    if (this.#held > 0) return null;
    this.#held++;
    let release!: () => void;
    this.#tail = new Promise<void>((r) => {
      release = r;
    });
    return () => {
      this.#held--;
      release();
    };
  }

  async with<T>(fn: () => Promise<T>): Promise<T> {
    // free: every earlier section has released it (the tail is settled), so it is taken without a wait
    const waits = this.#held > 0;
    this.#held++;
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((r) => {
      release = r;
    });
    try {
      if (waits) await previous;
      return await fn();
    } finally {
      this.#held--;
      release();
    }
  }
}
