/** AsyncLock is a FIFO mutex for async critical sections. */
export class AsyncLock {
  #tail: Promise<void> = Promise.resolve();
  #held = 0;

  get locked(): boolean {
    return this.#held > 0;
  }

  async with<T>(fn: () => Promise<T>): Promise<T> {
    this.#held++;
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((r) => {
      release = r;
    });
    try {
      await previous;
      return await fn();
    } finally {
      this.#held--;
      release();
    }
  }
}
