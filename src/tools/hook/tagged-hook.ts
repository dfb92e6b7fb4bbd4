import type { Handler, HandlerFunc, Hook, HookEvent } from "./hook.ts";

/** TaggedEvent is an event that belongs to named things (for records: the collection's id and name). */
export interface TaggedEvent extends HookEvent {
  tags(): readonly string[];
}

/**
 * TaggedHook is a view on a Hook whose handlers run only for events carrying one of its tags
 * (no tags: every event). It shares the underlying handler list.
 */
export class TaggedHook<E extends TaggedEvent> {
  readonly #hook: Hook<E>;
  readonly #tags: readonly string[];

  constructor(hook: Hook<E>, tags: readonly string[]) {
    this.#hook = hook;
    this.#tags = tags;
  }

  canTriggerOn(eventTags: readonly string[]): boolean {
    if (this.#tags.length === 0) return true;
    return this.#tags.some((t) => eventTags.includes(t));
  }

  bind(handler: Handler<E>): string {
    if (this.#tags.length === 0) return this.#hook.bind(handler);
    const inner = handler.func;
    const func: HandlerFunc<E> = (e) => (this.canTriggerOn(e.tags()) ? inner(e) : e.next());
    return this.#hook.bind({ ...handler, func });
  }

  bindFunc(func: HandlerFunc<E>): string {
    return this.bind({ func });
  }

  unbind(...ids: string[]): void {
    this.#hook.unbind(...ids);
  }

  get length(): number {
    return this.#hook.length;
  }
}
