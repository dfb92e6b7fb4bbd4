import { pseudorandomString } from "../security/random.ts";
import { clock, HookTimeoutError, tickMs, unwatch, type Watched, watch } from "./hook-watch.ts";

/** The function of a handler: it gets the event and calls `await e.next()` to run the rest of the chain. */
export type HandlerFunc<E extends HookEvent> = (e: E) => Promise<void> | void;

/** Handler is a handler as it is bound: its function, and optionally an id, a priority and a timeout. */
export interface Handler<E extends HookEvent> {
  func: HandlerFunc<E>;
  /** A stable id (generated when left out); binding a handler with an id already bound replaces that one. */
  id?: string;
  /** Lower runs first (outside); equal priorities run in the order they were bound. Default 0. */
  priority?: number;
  /**
   * How long (ms) the handler may keep the chain waiting: before it calls `e.next()`, and after `e.next()`
   * returned until it returns itself. Past it the trigger fails with a HookTimeoutError naming the hook and
   * this handler. 0: no limit. Left out: the hook's own timeout.
   */
  timeout?: number;
}

/** BoundHandler is a handler as its hook holds it. */
export interface BoundHandler<E extends HookEvent> {
  readonly func: HandlerFunc<E>;
  readonly id: string;
  readonly priority: number;
  /** The tags it is limited to: it runs only for events carrying one of them (none: every event). */
  readonly tags: readonly string[];
  /** Its own timeout, when bound with one. */
  readonly timeout: number | undefined;
}

const noTags: readonly string[] = Object.freeze([]);
const done: Promise<void> = Promise.resolve();

/** Cursor is what an event's `next()` moves along: the run of one trigger. */
interface Cursor {
  next(): Promise<void>;
}

let attachCursor: (e: HookEvent, cursor: Cursor | null) => Cursor | null;

/** The promise the last `e.next()` call returned (see isChainResult). */
let lastNextResult: Promise<void> | null = null;

/**
 * isChainResult tells whether a handler's result is the promise its `e.next()` call just returned, as a
 * handler written `(e) => e.next()` (or `return e.next()` after synchronous work) gives back: what it
 * settles with comes from the rest of the chain, not from the handler. A wrapper of handlers (hook files'
 * error guard) passes such a result on as it is, without a reaction of its own on every firing. Checked
 * right after the handler returned: JavaScript runs nothing in between.
 */
export function isChainResult(result: unknown): boolean {
  return result === lastNextResult && result !== null;
}

/**
 * HookEvent is the base of every hook event: `next()` runs the rest of the handler chain (and, last, the
 * default action). Events that belong to named things (records: their collection's id and name) override
 * `tags()`, which handlers bound to tags are matched against.
 */
export class HookEvent {
  #cursor: Cursor | null = null;

  static {
    attachCursor = (e, cursor) => {
      const previous = e.#cursor;
      e.#cursor = cursor;
      return previous;
    };
  }

  /** next runs the next handler in the chain (and, after the last, the default action). */
  next(): Promise<void> {
    const cursor = this.#cursor;
    const result = cursor === null ? done : cursor.next();
    lastNextResult = result;
    return result;
  }

  /** tags are what handlers bound to tags are matched against (none by default). */
  tags(): readonly string[] {
    return noTags;
  }
}

/**
 * restoreCursor gives an event back the cursor it had before a trigger inside a handler with that handler's
 * own event (so its next() moves the outer run again) once that trigger ended: at once when it ended already.
 */
function restoreCursor(event: HookEvent, previous: Cursor, result: Promise<void>): Promise<void> {
  if (Bun.peek.status(result) !== "pending") {
    attachCursor(event, previous);
    return result;
  }
  return result.finally(() => attachCursor(event, previous));
}

/** invoke calls a handler or an action, turning a synchronous throw into a rejection. */
function invoke<E extends HookEvent>(fn: HandlerFunc<E>, event: E): Promise<void> {
  try {
    const result = fn(event);
    return result === undefined ? done : Promise.resolve(result);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Chain is a hook's sorted handlers for one set of event tags, with each one's timeout (0: none). */
interface Chain<E extends HookEvent> {
  readonly handlers: readonly BoundHandler<E>[];
  /** Per handler, the timeout in force; null when none has one (the run then skips the watch entirely). */
  readonly timeouts: readonly number[] | null;
}

/**
 * Hook is an ordered chain of handlers around a default action. Each handler receives the event and calls
 * `await e.next()` to continue; a handler that doesn't call it stops the chain (the default action is
 * skipped). The chain is sorted when a handler is bound or unbound, never when the hook fires; firing a hook
 * with no handler for the event allocates nothing.
 */
export class Hook<E extends HookEvent> {
  /** The hook's name, as errors report it (set by the registry that declares it). */
  name = "";
  /** The hook's own timeout for handlers bound without one, when it has one (an app's lifecycle hooks: 0). */
  readonly #ownTimeout: number | undefined;
  #defaultTimeout = 0;
  #handlers: readonly BoundHandler<E>[] = [];
  #anyTagged = false;
  #chain: Chain<E> = { handlers: [], timeouts: null };
  #byTags = new WeakMap<readonly string[], Chain<E>>();

  /** With a timeout, the hook's handlers bound without one get it, whatever setDefaultTimeout says. */
  constructor(options: { timeout?: number } = {}) {
    this.#ownTimeout = options.timeout;
  }

  /** timeout is the limit (ms) of the handlers bound without their own (0: none). */
  get timeout(): number {
    return this.#ownTimeout ?? this.#defaultTimeout;
  }

  /** setDefaultTimeout sets the timeout of handlers bound without one, unless the hook has its own. */
  setDefaultTimeout(ms: number): void {
    this.#defaultTimeout = ms;
    this.#rebuild(this.#handlers);
  }

  /**
   * bind registers a handler and returns its id; a handler with the id of a bound one replaces it. With
   * tags, the handler runs only for events whose `tags()` include one of them (TaggedHook passes its own).
   */
  bind(handler: Handler<E>, tags: readonly string[] = noTags): string {
    let id = handler.id ?? "";
    if (id === "") {
      do id = pseudorandomString(20);
      while (this.#handlers.some((h) => h.id === id));
    }
    const bound: BoundHandler<E> = {
      func: handler.func,
      id,
      priority: handler.priority ?? 0,
      tags: tags.length === 0 ? noTags : Object.freeze([...tags]),
      timeout: handler.timeout,
    };
    const existing = this.#handlers.findIndex((h) => h.id === id);
    const next = [...this.#handlers];
    if (existing >= 0) next[existing] = bound;
    else next.push(bound);
    // a stable sort keeps the binding order between equal priorities
    this.#rebuild(next.sort((a, b) => a.priority - b.priority));
    return id;
  }

  /** bindFunc registers a function with a generated id and priority 0, and returns the id. */
  bindFunc(func: HandlerFunc<E>): string {
    return this.bind({ func });
  }

  /** unbind removes the handlers with these ids (unknown ids are ignored). */
  unbind(...ids: string[]): void {
    if (this.#handlers.some((h) => ids.includes(h.id)))
      this.#rebuild(this.#handlers.filter((h) => !ids.includes(h.id)));
  }

  unbindAll(): void {
    this.#rebuild([]);
  }

  get length(): number {
    return this.#handlers.length;
  }

  /** handlers lists the bound handlers in the order they run. */
  handlers(): readonly BoundHandler<E>[] {
    return this.#handlers;
  }

  #rebuild(handlers: readonly BoundHandler<E>[]): void {
    this.#handlers = handlers;
    this.#anyTagged = handlers.some((h) => h.tags.length > 0);
    this.#chain = this.#chainOf(handlers);
    this.#byTags = new WeakMap();
  }

  #chainOf(handlers: readonly BoundHandler<E>[]): Chain<E> {
    const timeouts = handlers.map((h) => h.timeout ?? this.timeout);
    return { handlers, timeouts: timeouts.some((ms) => ms > 0) ? timeouts : null };
  }

  /** chainFor is the chain that runs for an event: the handlers without tags and those matching its tags. */
  #chainFor(event: E): Chain<E> {
    return this.#anyTagged ? this.#chainForTags(event.tags()) : this.#chain;
  }

  #chainForTags(tags: readonly string[]): Chain<E> {
    let chain = this.#byTags.get(tags);
    if (!chain) {
      chain = this.#chainOf(this.#handlers.filter((h) => h.tags.length === 0 || h.tags.some((t) => tags.includes(t))));
      // records share their collection's tags array, so the filtered chain is found again next time
      this.#byTags.set(tags, chain);
    }
    return chain;
  }

  /** hasHandlersFor tells whether firing the hook for an event with these tags would run any handler. */
  hasHandlersFor(tags: readonly string[] = noTags): boolean {
    return (this.#anyTagged ? this.#chainForTags(tags) : this.#chain).handlers.length > 0;
  }

  /** trigger runs the handlers in priority order, then the optional default action. */
  trigger(event: E, action?: HandlerFunc<E>): Promise<void> {
    const chain = this.#chainFor(event);
    if (chain.handlers.length === 0) return action ? invoke(action, event) : done;
    return new Run(this.name, chain, 0, chain.handlers.length, event, action).start();
  }

  /**
   * triggerNested fires the hook for `count` events, each firing inside the previous one's `e.next()` and
   * `done` inside the last (onRecordEnrich over a page of records), without the handlers' timeouts: the
   * caller watches the batch as a whole instead (BatchWatch), one watch per response. Each firing moves a
   * small cursor of its own (Level) instead of a Run and a closure for its action.
   */
  triggerNested(count: number, eventAt: (i: number) => E, done: () => Promise<void>): Promise<void> {
    return new Nested(this, count, eventAt, done).level(0);
  }

  /** handlersFor are the handlers that run for an event, in order. */
  handlersFor(event: E): readonly BoundHandler<E>[] {
    return this.#chainFor(event).handlers;
  }

  /**
   * triggerSplit runs the handlers with a priority below `priority`, then `middle`, whose `rest` runs the
   * other handlers and then the default action: a chain that another one is woven into (the onModel* hooks
   * around the onRecord* and onCollection* ones, at PocketBase's -99).
   */
  triggerSplit(
    event: E,
    priority: number,
    middle: (rest: () => Promise<void>) => Promise<void>,
    action?: HandlerFunc<E>,
  ): Promise<void> {
    const chain = this.#chainFor(event);
    const n = chain.handlers.length;
    let split = 0;
    while (split < n && (chain.handlers[split] as BoundHandler<E>).priority < priority) split++;
    const rest = () =>
      split === n ? (action ? invoke(action, event) : done) : this.#run(chain, split, n, event, action);
    return split === 0 ? middle(rest) : this.#run(chain, 0, split, event, () => middle(rest));
  }

  #run(chain: Chain<E>, from: number, to: number, event: E, action: HandlerFunc<E> | undefined): Promise<void> {
    return new Run(this.name, chain, from, to, event, action).start();
  }
}

/**
 * Run is one firing of a hook: the position in its chain, which `next()` advances. When a handler of the
 * chain has a timeout, the run is watched: which handler holds the chain (from its start to its `next()`
 * call, and from the end of that call to its own end) is read from the states of the handlers' promises
 * (Bun.peek.status, at each watcher tick: no callback per handler), and the run fails at that handler's
 * timeout.
 */
class Run<E extends HookEvent> implements Cursor, Watched {
  #index: number;
  readonly #from: number;
  readonly #end: number;
  readonly #hookName: string;
  readonly #chain: Chain<E>;
  readonly #event: E;
  readonly #action: HandlerFunc<E> | undefined;
  /** Timed runs: the promise of each step entered (handlers from #from, then the action). */
  #steps: Promise<void>[] | null = null;
  /** Timed runs: the failure of the promise given to the caller. */
  #fail: ((err: Error) => void) | null = null;
  #failed: Error | null = null;
  #holder = -1;
  #since = 0;
  watchPrev: Watched | null = null;
  watchNext: Watched | null = null;

  constructor(hookName: string, chain: Chain<E>, from: number, to: number, event: E, action?: HandlerFunc<E>) {
    this.#hookName = hookName;
    this.#chain = chain;
    this.#index = from;
    this.#from = from;
    this.#end = to;
    this.#event = event;
    this.#action = action;
  }

  start(): Promise<void> {
    const event = this.#event;
    const previous = attachCursor(event, this);
    const result = this.#chain.timeouts === null ? this.next() : this.#watched();
    return previous === null ? result : restoreCursor(event, previous, result);
  }

  next(): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    const i = this.#index++;
    let fn: HandlerFunc<E> | undefined;
    if (i < this.#end) fn = (this.#chain.handlers[i] as BoundHandler<E>).func;
    else if (i === this.#end) fn = this.#action;
    if (!fn) return done;
    const step = invoke(fn, this.#event);
    if (this.#steps) {
      this.#steps.push(step);
      this.#holder = i;
      this.#since = clock();
    }
    return step;
  }

  #watched(): Promise<void> {
    this.#steps = [];
    const first = this.next();
    // a chain that ran to its end synchronously (its handlers returned without waiting on anything) has
    // nothing left to hold it: no watch, no promise around its own
    if (Bun.peek.status(first) !== "pending") return first;
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#fail = reject;
    watch(this);
    first.then(
      () => {
        unwatch(this);
        resolve();
      },
      (err: unknown) => {
        unwatch(this);
        reject(err);
      },
    );
    return promise;
  }

  /** holder is the innermost step still running: the handler (or the action) that has the chain. */
  #currentHolder(): number {
    const steps = this.#steps ?? [];
    for (let k = steps.length - 1; k >= 0; k--) {
      if (Bun.peek.status(steps[k] as Promise<void>) === "pending") return this.#from + k;
    }
    return -1;
  }

  /** check fails the run when the handler holding it has held it longer than its timeout. */
  check(now: number): boolean {
    const i = this.#currentHolder();
    if (i !== this.#holder) {
      // the chain came back to a handler since the last tick: it holds it from this tick on
      this.#holder = i;
      this.#since = clock() - 1;
    }
    // before its first handler and at the default action, no handler of this run holds it
    const ms = i >= this.#from && i < this.#end ? (this.#chain.timeouts?.[i] ?? 0) : 0;
    // held since a tick: late once a full timeout has passed after the next tick (at most a tick late)
    if (ms <= 0 || now - (this.#since + 1) * tickMs < ms || this.#failed) return false;
    const handler = this.#chain.handlers[i] as BoundHandler<E>;
    this.#failed = new HookTimeoutError(this.#hookName, handler.id, ms);
    this.#fail?.(this.#failed);
    return true;
  }
}

/** Nested is one triggerNested: the events, and what runs after the last one's handlers. */
class Nested<E extends HookEvent> {
  constructor(
    readonly hook: Hook<E>,
    readonly count: number,
    readonly eventAt: (i: number) => E,
    readonly done: () => Promise<void>,
  ) {}

  /** level fires the hook for event i (done after the last), its action running level i + 1. */
  level(i: number): Promise<void> {
    try {
      while (i < this.count) {
        const event = this.eventAt(i);
        const handlers = this.hook.handlersFor(event);
        if (handlers.length > 0) return new Level(this, handlers, i, event).start();
        i++;
      }
      return this.done();
    } catch (err) {
      return Promise.reject(err);
    }
  }
}

/** Level is the cursor of one event of a triggerNested: its position among the handlers. */
class Level<E extends HookEvent> implements Cursor {
  #index = 0;

  constructor(
    readonly nested: Nested<E>,
    readonly handlers: readonly BoundHandler<E>[],
    readonly i: number,
    readonly event: E,
  ) {}

  start(): Promise<void> {
    const event = this.event;
    const previous = attachCursor(event, this);
    const result = this.next();
    return previous === null ? result : restoreCursor(event, previous, result);
  }

  next(): Promise<void> {
    const k = this.#index++;
    if (k < this.handlers.length) return invoke((this.handlers[k] as BoundHandler<E>).func, this.event);
    return k === this.handlers.length ? this.nested.level(this.i + 1) : done;
  }
}
