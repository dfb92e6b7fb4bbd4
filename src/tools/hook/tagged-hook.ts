import { type Handler, type HandlerFunc, Hook, type HookEvent } from "./hook.ts";

/** TaggedEvent is an event that belongs to named things (records: their collection's id and name). */
export interface TaggedEvent extends HookEvent {
  tags(): readonly string[];
}

/**
 * TaggedHook is a view on a hook whose handlers run only for events carrying one of its tags (with no tags:
 * every event). It binds into the hook's own list, so ids, priorities and unbinding are the hook's.
 */
export class TaggedHook<E extends TaggedEvent> {
  readonly #hook: Hook<E>;
  readonly #tags: readonly string[];

  constructor(hook: Hook<E>, tags: readonly string[]) {
    this.#hook = hook;
    this.#tags = tags;
  }

  /** canTriggerOn tells whether handlers bound through this view run for events with these tags. */
  canTriggerOn(eventTags: readonly string[]): boolean {
    return this.#tags.length === 0 || this.#tags.some((t) => eventTags.includes(t));
  }

  /** bind registers a handler limited to this view's tags and returns its id. */
  bind(handler: Handler<E>): string {
    return this.#hook.bind(handler, this.#tags);
  }

  bindFunc(func: HandlerFunc<E>): string {
    return this.bind({ func });
  }

  unbind(...ids: string[]): void {
    this.#hook.unbind(...ids);
  }

  /** unbindAll removes every handler of the hook, whatever its tags. */
  unbindAll(): void {
    this.#hook.unbindAll();
  }

  /** length counts every handler of the hook, whatever its tags. */
  get length(): number {
    return this.#hook.length;
  }
}

/** TaggableHook is a hook whose handlers may be limited to tags: `hook.tagged("posts").bind(...)`. */
export class TaggableHook<E extends TaggedEvent> extends Hook<E> {
  tagged(...tags: string[]): TaggedHook<E> {
    return new TaggedHook(this, tags);
  }
}
