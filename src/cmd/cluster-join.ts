/**
 * A command run beside the processes serving the same data (`satchel migrate up`, `satchel superuser
 * upsert`, ... while `satchel serve` nodes run on the PostgreSQL database, or `satchel serve` on the
 * data directory, with or without `--workers`) joins their cluster bus for its run: what it changes (collections, settings, auth
 * records) reaches them as their own changes do, and the command waits until they applied it. It leads no
 * job (cron jobs start with serving only).
 */
import type { ClusterBus } from "../tools/cluster/bus.ts";
import { SocketBus } from "../tools/cluster/socket-bus.ts";
import { randomString } from "../tools/security/random.ts";
import { liveBusFile } from "./cluster-bus-file.ts";
import { joinPostgresCluster } from "./postgres-cluster.ts";

/**
 * joinServingCluster joins the cluster serving the database at dbUrl (PostgreSQL: always, every node of it
 * listens on the database), or the data directory dir (SQLite: when a server runs on it: see
 * cluster-bus-file.ts); null when there is none to join. On PostgreSQL it fails as a node would: nodes of another schema
 * version serve the database.
 */
export async function joinServingCluster(
  dbUrl: string,
  dir: string,
  report: (message: string) => void,
): Promise<ClusterBus | null> {
  if (dbUrl !== "") return joinPostgresCluster(dbUrl, report);
  const file = liveBusFile(dir);
  if (!file) return null;
  // a primary that died without removing its file left no socket to connect to: the command runs alone
  return SocketBus.connect(file.socket, `cli-${randomString(6)}`, { onError: report }).catch(() => null);
}
