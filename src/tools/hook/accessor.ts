import type { Handler, HandlerFunc, Hook, HookEvent } from "./hook.ts";
import type { TaggableHook, TaggedEvent, TaggedHook } from "./tagged-hook.ts";

/** HookHandle is what binding through an accessor returns: the handler's id, and a way to unbind it. */
export interface HookHandle {
  readonly id: string;
  unbind(): void;
}

/** A handler given to an accessor: a function, or a Handler with its id, priority and timeout. */
export type HandlerArg<E extends HookEvent> = HandlerFunc<E> | Handler<E>;

/**
 * HookAccessor is an app's `onX` method for a hook that applies to the whole app:
 * `app.onServe((e) => ...)` binds a handler and returns its handle; `app.onServe()` is the hook itself.
 */
export interface HookAccessor<E extends HookEvent> {
  (): Hook<E>;
  (handler: HandlerArg<E>): HookHandle;
}

/**
 * TaggedHookAccessor is an app's `onX` method for a hook that can be limited to collections (by id or name):
 * `app.onRecordCreate((e) => ..., "posts")` binds a handler for posts only and returns its handle;
 * `app.onRecordCreate("posts")` is the TaggedHook view to bind through.
 */
export interface TaggedHookAccessor<E extends TaggedEvent> {
  (...tags: string[]): TaggedHook<E>;
  (handler: HandlerArg<E>, ...tags: string[]): HookHandle;
}

function bindHandle<E extends HookEvent>(hook: Hook<E>, handler: HandlerArg<E>, tags: readonly string[]): HookHandle {
  const id = hook.bind(typeof handler === "function" ? { func: handler } : handler, tags);
  return { id, unbind: () => hook.unbind(id) };
}

/** hookAccessor makes the accessor of a hook that applies to the whole app (read through `get` at each call). */
export function hookAccessor<E extends HookEvent>(get: () => Hook<E>): HookAccessor<E> {
  function access(): Hook<E>;
  function access(handler: HandlerArg<E>): HookHandle;
  function access(handler?: HandlerArg<E>): Hook<E> | HookHandle {
    return handler === undefined ? get() : bindHandle(get(), handler, []);
  }
  return access;
}

/** taggedHookAccessor makes the accessor of a hook whose handlers can be limited to tags. */
export function taggedHookAccessor<E extends TaggedEvent>(get: () => TaggableHook<E>): TaggedHookAccessor<E> {
  function access(...tags: string[]): TaggedHook<E>;
  function access(handler: HandlerArg<E>, ...tags: string[]): HookHandle;
  function access(first?: string | HandlerArg<E>, ...rest: string[]): TaggedHook<E> | HookHandle {
    const hook = get();
    if (first === undefined) return hook.tagged();
    if (typeof first === "string") return hook.tagged(first, ...rest);
    return bindHandle(hook, first, rest);
  }
  return access;
}
