import postgres from "postgres";
import { DatabaseUnavailableError } from "../driver.ts";
import { describeTarget, isUnavailable, parseUrl, urlParams } from "./driver.ts";

/**
 * PostgresClusterTransport carries the cluster bus between Satchel nodes sharing one PostgreSQL database
 * (it has the shape of tools/cluster's NotifyTransport):
 *
 * - messages are NOTIFYs on one channel per schema, sent in order from one connection and heard on another
 *   that LISTENs; a text over PostgreSQL's 8000-byte payload limit is stored in a table of the schema
 *   (`_clusterPayloads`) and the notification carries its key (`\u0001<id>`); each node that stored some
 *   deletes the rows older than five minutes, every minute;
 * - the listening connection's `application_name` names the node and its schema version, so the nodes
 *   listening now are read from `pg_stat_activity` (a node that dies drops out as its connection closes);
 * - a lost listening connection is opened again every half second; then `onReconnect` says messages may
 *   have been missed;
 * - leaderships are session-level advisory locks on a connection of their own: a node that dies, or loses
 *   that connection, loses them, and another node takes them at its next try (every second).
 */

export interface ClusterTransportOptions {
  /** This node's id (letters and digits). */
  nodeId: string;
  /** The schema version this node runs (its last system migration), shown to the others. */
  version: string;
  /** Told of what goes wrong (the transport keeps going). */
  report?: (message: string) => void;
}

/** A peer as read from pg_stat_activity. */
export interface ClusterPeer {
  nodeId: string;
  version: string;
}

/** The largest text sent in a notification itself (PostgreSQL refuses payloads of 8000 bytes or more). */
export const maxInlineBytes = 7900;
const largeMarker = "\u0001";
const payloadsTable = "_clusterPayloads";
const payloadTtl = "5 minutes";
const peersEveryMs = 1000;
const reconnectEveryMs = 500;
const leadEveryMs = 1000;
const cleanUpEveryMs = 60_000;

type Client = postgres.Sql<Record<string, never>>;

/** hash32 is FNV-1a of a text, as a signed 32-bit integer (an advisory lock key half). */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export class PostgresClusterTransport {
  readonly #report: (message: string) => void;
  readonly #listener: Client;
  readonly #sender: Client;
  readonly #locker: Client;
  #schema = "";
  #channel = "";
  #appPrefix = "";
  #peers = new Map<string, string>();
  #peerIds: ReadonlySet<string> = new Set();
  readonly #peerListeners: (() => void)[] = [];
  #onText: (text: string) => void = () => {};
  #onReconnect: () => void = () => {};
  #receiving: Promise<void> = Promise.resolve();
  #sending: Promise<void> = Promise.resolve();
  #queued: string[] = [];
  #listening = false;
  #reconnecting = false;
  #closed = false;
  #tableReady = false;
  readonly #timers = new Set<ReturnType<typeof setInterval>>();

  /** The app's schema: the URL's `?schema=` (null: the connection's current schema). */
  readonly #schemaOfUrl: string | null;
  /** The server and database, without credentials (for messages). */
  readonly #target: string;

  /** The URL is checked as the driver checks it: a bad one throws saying what a URL looks like. */
  constructor(
    url: string,
    readonly options: ClusterTransportOptions,
  ) {
    this.#report = options.report ?? ((m) => console.error(m));
    const parsed = parseUrl(url);
    this.#target = describeTarget(parsed);
    // Satchel's `?schema=` and `?pool=` are no server settings: postgres.js would send them as such
    const ours = urlParams(parsed);
    this.#schemaOfUrl = ours.schema;
    url = ours.url;
    const common = {
      max: 1,
      idle_timeout: 0,
      max_lifetime: 0,
      connect_timeout: 5,
      fetch_types: false,
      onnotice: () => {},
    } as const;
    // postgres.js calls `onnotify` with every notification of the client's connection (not in its types)
    const heard = { onnotify: (_channel: string, payload: string) => this.#heard(payload) };
    this.#listener = postgres(url, Object.assign({ ...common, onclose: () => this.#lost() }, heard));
    this.#sender = postgres(url, { ...common, connection: { application_name: "satchel-bus-sender" } });
    this.#locker = postgres(url, { ...common, connection: { application_name: "satchel-bus-leader" } });
  }

  /** peers lists the other nodes listening, with their schema versions, as last looked up. */
  peers(): ClusterPeer[] {
    return [...this.#peers].map(([nodeId, version]) => ({ nodeId, version }));
  }

  peerIds(): ReadonlySet<string> {
    return this.#peerIds;
  }

  onPeersChange(listener: () => void): void {
    this.#peerListeners.push(listener);
  }

  /** start listens; a server that can't be reached is a DatabaseUnavailableError naming it (never the password). */
  async start(events: { onText(text: string): void; onReconnect(): void }): Promise<void> {
    try {
      await this.#start(events);
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new DatabaseUnavailableError(`PostgreSQL at ${this.#target}: ${message}`, { cause: err });
    }
  }

  async #start(events: { onText(text: string): void; onReconnect(): void }): Promise<void> {
    this.#onText = events.onText;
    this.#onReconnect = events.onReconnect;
    this.#schema =
      this.#schemaOfUrl ?? (await this.#sender<{ s: string }[]>`SELECT current_schema() AS s`)[0]?.s ?? "public";
    const tag = (hash32(this.#schema) >>> 0).toString(16).padStart(8, "0");
    this.#channel = `satchel_bus_${tag}`;
    this.#appPrefix = `satchel-bus ${tag} `;
    await this.#listen();
    await this.refreshPeers();
    this.#every(peersEveryMs, () => this.refreshPeers());
    this.#every(cleanUpEveryMs, () => this.#cleanUp());
  }

  async refreshPeers(): Promise<void> {
    if (this.#closed) return;
    let rows: { a: string }[];
    try {
      rows = await this.#sender<{ a: string }[]>`
        SELECT application_name AS a FROM pg_stat_activity
        WHERE datname = current_database() AND application_name LIKE ${`${this.#appPrefix}%`}`;
    } catch {
      return; // the database is away: the peers stay as they were until it answers again
    }
    const next = new Map<string, string>();
    for (const { a } of rows) {
      const [nodeId = "", version = ""] = a.slice(this.#appPrefix.length).split(" ");
      if (nodeId !== "" && nodeId !== this.options.nodeId) next.set(nodeId, version);
    }
    const changed = next.size !== this.#peers.size || [...next.keys()].some((id) => !this.#peers.has(id));
    this.#peers = next;
    if (!changed) return;
    this.#peerIds = new Set(next.keys());
    for (const listener of this.#peerListeners) listener();
  }

  send(text: string): void {
    if (this.#closed) return;
    if (this.#queued.length === 0) queueMicrotask(() => this.#flush());
    this.#queued.push(text);
  }

  lead(name: string, onChange: (leader: boolean) => void): () => void {
    const key = [hash32(`satchel:${this.#schema}`), hash32(name)] as const;
    let leader = false;
    let pid = 0;
    let busy = false;
    let withdrawn = false;
    const tick = async () => {
      if (busy || withdrawn || this.#closed) return;
      busy = true;
      try {
        if (leader) {
          const [row] = await this.#locker<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
          if (row?.pid === pid) return;
          leader = false; // a new connection: the lock went with the old one
          onChange(false);
        }
        const [row] = await this.#locker<{ ok: boolean; pid: number }[]>`
          SELECT pg_try_advisory_lock(${key[0]}, ${key[1]}) AS ok, pg_backend_pid() AS pid`;
        if (row?.ok && !withdrawn) {
          leader = true;
          pid = row.pid;
          onChange(true);
        }
      } catch {
        if (leader) {
          leader = false;
          onChange(false);
        }
      } finally {
        busy = false;
      }
    };
    void tick();
    const timer = this.#every(leadEveryMs, tick);
    return () => {
      if (withdrawn) return;
      withdrawn = true;
      clearInterval(timer);
      this.#timers.delete(timer);
      if (!leader) return;
      leader = false;
      onChange(false);
      this.#locker`SELECT pg_advisory_unlock(${key[0]}, ${key[1]})`.catch(() => {});
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers.clear();
    await this.#sending;
    await Promise.all([
      this.#listener.end({ timeout: 1 }),
      this.#sender.end({ timeout: 1 }),
      this.#locker.end({ timeout: 1 }),
    ]).catch(() => {});
  }

  #every(ms: number, fn: () => unknown): ReturnType<typeof setInterval> {
    const timer = setInterval(() => void fn(), ms);
    timer.unref?.();
    this.#timers.add(timer);
    return timer;
  }

  async #listen(): Promise<void> {
    const app = `${this.#appPrefix}${this.options.nodeId} ${this.options.version}`.slice(0, 63);
    await this.#listener.unsafe(
      `SET application_name = '${app.replaceAll("'", "''")}'; LISTEN ${quote(this.#channel)}`,
    );
    this.#listening = true;
  }

  /** #lost: the listening connection closed; listen again until it works, then tell of the gap. */
  #lost(): void {
    if (this.#closed || !this.#listening || this.#reconnecting) return;
    this.#listening = false;
    this.#reconnecting = true;
    const retry = async () => {
      if (this.#closed) return;
      try {
        await this.#listen();
        this.#reconnecting = false;
        this.#onReconnect();
      } catch {
        setTimeout(retry, reconnectEveryMs).unref?.();
      }
    };
    setTimeout(retry, reconnectEveryMs).unref?.();
  }

  /** #heard passes texts on in the order they came, fetching the stored ones first. */
  #heard(payload: string): void {
    this.#receiving = this.#receiving.then(async () => {
      let text = payload;
      if (payload.startsWith(largeMarker)) {
        const id = payload.slice(largeMarker.length);
        try {
          const [row] = await this.#sender<{ p: string }[]>`
            SELECT payload AS p FROM ${this.#sender(this.#schema)}.${this.#sender(payloadsTable)} WHERE id = ${id}`;
          if (!row) throw new Error("no such row");
          text = row.p;
        } catch (err) {
          this.#report(`cluster bus: could not read the stored message ${id}: ${String(err)}`);
          return;
        }
      }
      try {
        this.#onText(text);
      } catch (err) {
        this.#report(`cluster bus: a message failed: ${String(err)}`);
      }
    });
  }

  #flush(): void {
    const texts = this.#queued;
    this.#queued = [];
    this.#sending = this.#sending.then(() =>
      this.#notify(texts).catch((err: unknown) => {
        this.#report(`cluster bus: ${texts.length} message(s) not sent: ${String(err)}`);
      }),
    );
  }

  /** #notify sends the texts in order: the short ones in the notification, the long ones through the table. */
  async #notify(texts: string[]): Promise<void> {
    const payloads: string[] = [];
    for (const text of texts) {
      if (Buffer.byteLength(text) <= maxInlineBytes) payloads.push(text);
      else payloads.push(`${largeMarker}${await this.#store(text)}`);
    }
    const list = JSON.stringify(payloads);
    await this.#sender`SELECT pg_notify(${this.#channel}, p) FROM json_array_elements_text(${list}::text::json) AS p`;
  }

  #payloads() {
    return this.#sender`${this.#sender(this.#schema)}.${this.#sender(payloadsTable)}`;
  }

  /** #cleanUp deletes the stored messages every node has had time to read (by a node that stored some). */
  async #cleanUp(): Promise<void> {
    if (!this.#tableReady || this.#closed) return;
    await this.#sender`DELETE FROM ${this.#payloads()} WHERE created < now() - ${payloadTtl}::interval`.catch(
      () => {}, // the database is away: next minute
    );
  }

  async #store(text: string): Promise<string> {
    const table = this.#payloads();
    if (!this.#tableReady) {
      await this.#sender`CREATE TABLE IF NOT EXISTS ${table} (
        id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL, created TIMESTAMPTZ NOT NULL DEFAULT now())`.catch(
        // two nodes creating it at once: one of them gets a duplicate type error, and the table is there
        () => {},
      );
      this.#tableReady = true;
    }
    const [row] = await this.#sender<{ id: string }[]>`INSERT INTO ${table} (payload) VALUES (${text}) RETURNING id`;
    return String(row?.id);
  }
}
