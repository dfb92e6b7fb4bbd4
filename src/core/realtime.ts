import { Broker } from "../tools/subscriptions/broker.ts";
import type { Client } from "../tools/subscriptions/client.ts";
import type { Message } from "../tools/subscriptions/message.ts";
import type { App } from "./app.ts";
import { clusterChannels } from "./cluster-sync.ts";
import type { Collection } from "./collection-model.ts";
import { RealtimeMessageEvent } from "./realtime-events.ts";
import { RecordModel } from "./record-model.ts";
import type { RequestEvent } from "./request-event.ts";

/** The client store key of a realtime client's auth record. */
export const realtimeClientAuthKey = "auth";
/** The client store key of the IP the client connected from. */
export const realtimeClientIpKey = "pbRealtimeClientIP";
/** The client store key of the request that opened the connection. */
export const realtimeClientRequestKey = "pbRealtimeRequest";

const delivered = Promise.resolve(true);

/**
 * Realtime is the app's realtime hub: the broker of connected clients, message delivery through the
 * onRealtimeMessageSend hook, custom broadcasts (`app.realtime().send("topic", data)`), and the auth state of
 * clients.
 */
export class Realtime {
  readonly broker = new Broker();
  /** Per client, the delivery still running through the message hook (messages stay in order). */
  readonly #pending = new WeakMap<Client, Promise<boolean>>();

  constructor(readonly app: App) {}

  /**
   * deliver writes a message to one client through onRealtimeMessageSend. It settles with false when a hook
   * handler failed, in which case the client is disconnected (as PocketBase does).
   */
  deliver(client: Client, message: Message): Promise<boolean> {
    if (client.isDiscarded) return delivered;
    const hook = this.app.hooks.get("onRealtimeMessageSend");
    if (hook.length === 0 && !this.#pending.has(client)) {
      client.send(message);
      return delivered;
    }
    const previous = this.#pending.get(client) ?? delivered;
    const next = previous.then(async (ok) => {
      if (!ok || client.isDiscarded) return false;
      try {
        const event = new RealtimeMessageEvent(this.app, client, message, requestOf(client));
        await hook.trigger(event, (e) => e.client.send(e.message));
        return true;
      } catch (err) {
        this.app.logger().debug("realtime message not delivered", { clientId: client.id, error: String(err) });
        this.broker.unregister(client.id);
        return false;
      }
    });
    this.#pending.set(client, next);
    void next.then(() => {
      if (this.#pending.get(client) === next) this.#pending.delete(client);
    });
    return next;
  }

  /**
   * send broadcasts `data` (JSON-encoded) to every subscription of `topic`, whatever its options: each
   * message is named after the subscription, as the SDK expects. In a cluster, the other processes deliver
   * it to their own subscribers. It returns how many messages went out from this process.
   *
   * @example app.realtime().send("notifications", { text: "hello" })
   */
  send(topic: string, data: unknown): number {
    const json = JSON.stringify(data) ?? "null";
    const bus = this.app.cluster();
    if (bus.peers() > 0) bus.publish(clusterChannels.realtimeMessage, { topic, json });
    return this.sendLocal(topic, json);
  }

  /** sendLocal delivers an encoded message to the subscriptions of this process only (see send). */
  sendLocal(topic: string, json: string): number {
    let n = 0;
    for (const sub of [...this.broker.subscriptionsTo(topic)]) {
      void this.deliver(sub.client, { name: sub.name, data: json });
      n++;
    }
    return n;
  }

  /** clientAuth is the auth record bound to a client (null for a guest). */
  clientAuth(client: Client): RecordModel | null {
    const auth = client.get(realtimeClientAuthKey);
    return auth instanceof RecordModel ? auth : null;
  }

  setClientAuth(client: Client, auth: RecordModel | null): void {
    if (auth) client.set(realtimeClientAuthKey, auth);
    else client.unset(realtimeClientAuthKey);
  }

  /**
   * refreshClientsAuth follows a saved auth record: clients authenticated as it keep a fresh copy, or lose
   * their auth when its token key changed (a password change, a forced logout).
   */
  refreshClientsAuth(record: RecordModel): void {
    let fresh: RecordModel | null = null;
    for (const client of this.broker.clients()) {
      const auth = this.clientAuth(client);
      if (!auth || auth.id !== record.id || auth.collection.id !== record.collection.id) continue;
      if (auth.tokenKey() !== record.tokenKey()) this.#dropAuth(client);
      else {
        fresh ??= RecordModel.fromRow(record.collection, record.dbExport());
        this.setClientAuth(client, fresh);
      }
    }
  }

  /** unsetClientsAuthByRecord drops the auth of clients authenticated as a (deleted) record. */
  unsetClientsAuthByRecord(collectionId: string, recordId: string): void {
    for (const client of this.broker.clients()) {
      const auth = this.clientAuth(client);
      if (auth && auth.id === recordId && auth.collection.id === collectionId) this.#dropAuth(client);
    }
  }

  /**
   * unsetClientsAuthByCollection drops the auth of every client authenticated in a collection (deleted, or
   * whose auth token secret changed when `onlyIfSecretChanged`); the others get the new collection.
   */
  unsetClientsAuthByCollection(collection: Collection, onlyIfSecretChanged = false): void {
    for (const client of this.broker.clients()) {
      const auth = this.clientAuth(client);
      if (!auth || auth.collection.id !== collection.id) continue;
      const secretChanged = auth.collection.auth.authToken.secret !== collection.auth.authToken.secret;
      if (!onlyIfSecretChanged || secretChanged) this.#dropAuth(client);
      else if (auth.collection !== collection)
        this.setClientAuth(client, RecordModel.fromRow(collection, auth.dbExport()));
    }
  }

  #dropAuth(client: Client): void {
    client.unset(realtimeClientAuthKey);
    client.transport.authChanged?.();
  }

  /** closeAll disconnects every client (the server is stopping). */
  closeAll(): void {
    for (const client of [...this.broker.clients()]) this.broker.unregister(client.id);
  }
}

function requestOf(client: Client): RequestEvent | null {
  return (client.get(realtimeClientRequestKey) as RequestEvent | undefined) ?? null;
}
