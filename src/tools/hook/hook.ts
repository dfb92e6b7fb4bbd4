import { pseudorandomString } from "../security/random.ts";

/** Resolver is the base of every hook event: `next()` runs the rest of the handler chain. */
export class HookEvent {
  #next: (() => Promise<void>) | undefined;

  /** next runs the next handler in the chain (and, last, the default action). */
  next(): Promise<void> {
    const fn = this.#next;
    return fn ? fn() : Promise.resolve();
  }

  /** @internal used by Hook.trigger to thread the chain through the event. */
  setNext(fn: (() => Promise<void>) | undefined): void {
    this.#next = fn;
  }
}

export type HandlerFunc<E extends HookEvent> = (e: E) => Promise<void> | void;

export interface Handler<E extends HookEvent> {
  func: HandlerFunc<E>;
  /** Stable id; a handler bound with an existing id replaces it. */
  id?: string;
  /** Lower runs first. */
  priority?: number;
}

interface BoundHandler<E extends HookEvent> {
  func: HandlerFunc<E>;
  id: string;
  priority: number;
}

/**
 * Hook is an ordered chain of handlers around a default action. Each handler receives the event
 * and calls `await e.next()` to continue; not calling it stops the chain (the default action is skipped).
 */
export class Hook<E extends HookEvent> {
  #handlers: BoundHandler<E>[] = [];

  /** bind registers a handler (replacing one with the same id) and returns its id. */
  bind(handler: Handler<E>): string {
    let id = handler.id ?? "";
    if (id === "") {
      do id = pseudorandomString(20);
      while (this.#handlers.some((h) => h.id === id));
    }
    const bound = { func: handler.func, id, priority: handler.priority ?? 0 };
    const existing = this.#handlers.findIndex((h) => h.id === id);
    const next = [...this.#handlers];
    if (existing >= 0) next[existing] = bound;
    else next.push(bound);
    // a stable sort keeps insertion order between equal priorities
    this.#handlers = next.sort((a, b) => a.priority - b.priority);
    return id;
  }

  bindFunc(func: HandlerFunc<E>): string {
    return this.bind({ func });
  }

  unbind(...ids: string[]): void {
    this.#handlers = this.#handlers.filter((h) => !ids.includes(h.id));
  }

  unbindAll(): void {
    this.#handlers = [];
  }

  get length(): number {
    return this.#handlers.length;
  }

  /** trigger runs the handlers in priority order, then the optional default action. */
  trigger(event: E, action?: HandlerFunc<E>): Promise<void> {
    const handlers = this.#handlers;
    if (handlers.length === 0) {
      if (!action) return Promise.resolve();
      try {
        return Promise.resolve(action(event));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const chain: HandlerFunc<E>[] = handlers.map((h) => h.func);
    if (action) chain.push(action);
    const run = async (i: number): Promise<void> => {
      const fn = chain[i];
      if (!fn) return;
      event.setNext(() => run(i + 1));
      try {
        await fn(event);
      } finally {
        // a handler may call next() again after the chain moved on: point it back at its own successor
        event.setNext(() => run(i + 1));
      }
    };
    return run(0);
  }
}
