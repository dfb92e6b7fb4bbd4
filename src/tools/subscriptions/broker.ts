import type { Client, Subscription, SubscriptionIndex } from "./client.ts";

/**
 * Broker holds the connected clients by id and indexes their subscriptions by topic, so that an event
 * reaches only the subscriptions of its topics instead of walking every client.
 */
export class Broker {
  readonly #clients = new Map<string, Client>();
  readonly #byTopic = new Map<string, Set<Subscription>>();
  readonly #index: SubscriptionIndex = {
    added: (sub) => {
      let set = this.#byTopic.get(sub.topic);
      if (!set) {
        set = new Set();
        this.#byTopic.set(sub.topic, set);
      }
      set.add(sub);
    },
    removed: (sub) => {
      const set = this.#byTopic.get(sub.topic);
      if (!set) return;
      set.delete(sub);
      if (set.size === 0) this.#byTopic.delete(sub.topic);
    },
  };

  /** register adds a client (replacing one with the same id, which is discarded). */
  register(client: Client): void {
    const existing = this.#clients.get(client.id);
    if (existing && existing !== client) this.unregister(existing.id);
    this.#clients.set(client.id, client);
    client.attachIndex(this.#index);
  }

  /** unregister removes and discards a client (its connection closes). */
  unregister(clientId: string): void {
    const client = this.#clients.get(clientId);
    if (!client) return;
    this.#clients.delete(clientId);
    client.attachIndex(null);
    client.discard();
  }

  clientById(clientId: string): Client | undefined {
    return this.#clients.get(clientId);
  }

  clients(): IterableIterator<Client> {
    return this.#clients.values();
  }

  get totalClients(): number {
    return this.#clients.size;
  }

  /** hasSubscriptions tells whether any client subscribed to any topic (on most servers, most of the time, none). */
  hasSubscriptions(): boolean {
    return this.#byTopic.size > 0;
  }

  /** subscriptionsTo lists the subscriptions whose topic is exactly `topic` (options aside). */
  subscriptionsTo(topic: string): ReadonlySet<Subscription> {
    return this.#byTopic.get(topic) ?? emptySet;
  }
}

const emptySet: ReadonlySet<Subscription> = new Set();
