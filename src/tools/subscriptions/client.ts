import { randomString } from "../security/random.ts";
import type { Message } from "./message.ts";
import { parseSubscription, type SubscriptionOptions } from "./options.ts";

/** ClientTransport is how a client's messages reach its connection (an SSE stream, a WebSocket). */
export interface ClientTransport {
  /** write queues one message for the connection; a transport that can't keep up closes itself. */
  write(message: Message): void;
  /** close ends the connection. */
  close(): void;
  /** authChanged is told when the server changed the client's auth state (e.g. dropped on a password change). */
  authChanged?(): void;
}

/** Subscription is one subscription string of a client, parsed. */
export interface Subscription {
  readonly client: Client;
  /** The subscription string as the client sent it (messages for it carry this name). */
  readonly name: string;
  /** The part of the name before `?`: what events are matched against. */
  readonly topic: string;
  readonly options: SubscriptionOptions;
}

/** SubscriptionIndex is told about every subscription a client gains or loses (the broker's topic index). */
export interface SubscriptionIndex {
  added(sub: Subscription): void;
  removed(sub: Subscription): void;
}

/** The length of generated client ids (PocketBase's). */
export const clientIdLength = 40;

/**
 * Client is one realtime connection: its id, its subscriptions, a small key/value store (the auth state
 * lives there) and the transport its messages go out through.
 */
export class Client {
  readonly id: string;
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #store = new Map<string, unknown>();
  #index: SubscriptionIndex | null = null;
  #discarded = false;

  constructor(
    readonly transport: ClientTransport,
    id: string = randomString(clientIdLength),
  ) {
    this.id = id;
  }

  /** @internal attachIndex is called by the broker that registers the client. */
  attachIndex(index: SubscriptionIndex | null): void {
    if (index === this.#index) return;
    for (const sub of this.#subscriptions.values()) this.#index?.removed(sub);
    this.#index = index;
    for (const sub of this.#subscriptions.values()) index?.added(sub);
  }

  /**
   * subscriptions returns the client's subscriptions by name; with prefixes, only those whose `name + "?"`
   * starts with one of them (so `posts/*?` matches `posts/*` and `posts/*?options=...`).
   */
  subscriptions(...prefixes: string[]): Map<string, Subscription> {
    if (prefixes.length === 0) return new Map(this.#subscriptions);
    const out = new Map<string, Subscription>();
    for (const [name, sub] of this.#subscriptions) {
      if (prefixes.some((p) => `${name}?`.startsWith(p))) out.set(name, sub);
    }
    return out;
  }

  get subscriptionCount(): number {
    return this.#subscriptions.size;
  }

  hasSubscription(name: string): boolean {
    return this.#subscriptions.has(name);
  }

  /** subscribe adds subscriptions (empty strings are skipped; an existing one is replaced). */
  subscribe(...names: string[]): void {
    for (const name of names) {
      if (name === "") continue;
      this.#remove(name);
      const { topic, options } = parseSubscription(name);
      const sub: Subscription = { client: this, name, topic, options };
      this.#subscriptions.set(name, sub);
      this.#index?.added(sub);
    }
  }

  /** unsubscribe removes the named subscriptions, or all of them when none is named. */
  unsubscribe(...names: string[]): void {
    for (const name of names.length > 0 ? names : [...this.#subscriptions.keys()]) this.#remove(name);
  }

  #remove(name: string): void {
    const sub = this.#subscriptions.get(name);
    if (!sub) return;
    this.#subscriptions.delete(name);
    this.#index?.removed(sub);
  }

  get(key: string): unknown {
    return this.#store.get(key);
  }

  set(key: string, value: unknown): void {
    this.#store.set(key, value);
  }

  unset(key: string): void {
    this.#store.delete(key);
  }

  get isDiscarded(): boolean {
    return this.#discarded;
  }

  /** send hands a message to the transport (a discarded client drops it). */
  send(message: Message): void {
    if (!this.#discarded) this.transport.write(message);
  }

  /** discard closes the connection; later messages are dropped. */
  discard(): void {
    if (this.#discarded) return;
    this.#discarded = true;
    this.transport.close();
  }
}
