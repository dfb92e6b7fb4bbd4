import { resyncChannel } from "../tools/cluster/bus.ts";
import type { App } from "./app.ts";
import type { Collection } from "./collection-model.ts";

/** The bus channels the kernel publishes on and listens to. */
export const clusterChannels = {
  /** The collections changed: reload them (null). */
  collections: "collections",
  /** The settings changed: reload them (null). */
  settings: "settings",
  /** An auth record changed or was deleted: its clients' auth follows ({collectionId, recordId, deleted}). */
  auth: "auth",
  /** A custom realtime message (`app.realtime().send`): deliver it to this process's subscribers ({topic, json}). */
  realtimeMessage: "realtime.message",
} as const;

interface ClusterSyncHost {
  /** Reloads the collections cache without announcing it (the change came from another process). */
  reloadCollections(): Promise<void>;
}

interface AuthChange {
  collectionId: string;
  recordId: string;
  deleted: boolean;
}

function isAuthChange(data: unknown): data is AuthChange {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Record<string, unknown>;
  return typeof d.collectionId === "string" && typeof d.recordId === "string" && typeof d.deleted === "boolean";
}

/**
 * registerClusterSync keeps this process in step with the others of its cluster: their collection and
 * settings changes reload the caches here, their auth record changes reach the realtime clients here (a new
 * token key drops their auth, so their private events stop), their custom realtime messages reach the
 * subscribers here. It also tells the others of this process's auth record changes and waits until they
 * applied them, so that after a password change's response no private event leaves any process.
 * Malformed messages are reported and dropped.
 */
export function registerClusterSync(app: App, host: ClusterSyncHost): void {
  const bus = app.cluster();
  const realtime = () => app.realtime();
  const warn = (channel: string, data: unknown) =>
    app.logger().warn("cluster bus: dropped a malformed message", {
      channel,
      message: JSON.stringify(data)?.slice(0, 200) ?? "",
    });

  bus.subscribe(clusterChannels.collections, async () => {
    const before = app.findAllCollections("auth");
    await host.reloadCollections();
    for (const old of before) followAuthCollection(app, old, app.findCachedCollectionByNameOrId(old.id));
  });
  bus.subscribe(clusterChannels.settings, () => app.reloadSettings());
  // messages may have been missed while this process was cut off: reload all they could have said
  bus.subscribe(resyncChannel, async () => {
    const before = app.findAllCollections("auth");
    await host.reloadCollections();
    for (const old of before) followAuthCollection(app, old, app.findCachedCollectionByNameOrId(old.id));
    await app.reloadSettings();
    await refreshAllClientsAuth(app);
  });
  bus.subscribe(clusterChannels.auth, async (data) => {
    if (!isAuthChange(data)) return warn(clusterChannels.auth, data);
    if (realtime().broker.totalClients === 0) return;
    const record = data.deleted ? null : await app.findRecordById(data.collectionId, data.recordId);
    if (record) realtime().refreshClientsAuth(record);
    else realtime().unsetClientsAuthByRecord(data.collectionId, data.recordId);
  });
  bus.subscribe(clusterChannels.realtimeMessage, (data) => {
    const d = data as { topic?: unknown; json?: unknown } | null;
    if (typeof d?.topic !== "string" || typeof d.json !== "string") return warn(clusterChannels.realtimeMessage, data);
    realtime().sendLocal(d.topic, d.json);
  });

  app.onRecordAfterUpdateSuccess().bind({
    id: "__satchelClusterAuthUpdate__",
    priority: -98,
    func: async (e) => {
      const record = e.record;
      if (record.collection.type === "auth" && bus.peers() > 0) {
        const change: AuthChange = { collectionId: record.collection.id, recordId: record.id, deleted: false };
        await bus.publishAndWait(clusterChannels.auth, change);
      }
      return e.next();
    },
  });
  app.onRecordAfterDeleteSuccess().bind({
    id: "__satchelClusterAuthDelete__",
    priority: -98,
    func: async (e) => {
      const record = e.record;
      if (record.collection.type === "auth" && bus.peers() > 0) {
        await bus.publishAndWait(clusterChannels.auth, {
          collectionId: record.collection.id,
          recordId: record.id,
          deleted: true,
        });
      }
      return e.next();
    },
  });
}

/** refreshAllClientsAuth reads again the auth record of every authenticated realtime client of this process. */
async function refreshAllClientsAuth(app: App): Promise<void> {
  const realtime = app.realtime();
  const seen = new Map<string, { collectionId: string; recordId: string }>();
  for (const client of realtime.broker.clients()) {
    const auth = realtime.clientAuth(client);
    if (auth) seen.set(`${auth.collection.id}/${auth.id}`, { collectionId: auth.collection.id, recordId: auth.id });
  }
  for (const { collectionId, recordId } of seen.values()) {
    const record = await app.findRecordById(collectionId, recordId).catch(() => undefined);
    if (record === undefined) continue; // not readable now: kept as it was
    if (record) realtime.refreshClientsAuth(record);
    else realtime.unsetClientsAuthByRecord(collectionId, recordId);
  }
}

/** followAuthCollection applies an auth collection's change (or deletion) to the realtime clients of this process. */
function followAuthCollection(app: App, old: Collection, current: Collection | undefined): void {
  const realtime = app.realtime();
  if (realtime.broker.totalClients === 0) return;
  if (!current) realtime.unsetClientsAuthByCollection(old);
  else realtime.unsetClientsAuthByCollection(current, true);
}
