/**
 * A command run beside the processes serving the same data (`satchel migrate up`, `satchel superuser
 * upsert`, ... while `satchel serve` nodes run on the PostgreSQL database, or `satchel serve --workers` on
 * the data directory) joins their cluster bus for its run: what it changes (collections, settings, auth
 * records) reaches them as their own changes do, and the command waits until they applied it. It leads no
 * job (cron jobs start with serving only).
 */
import { readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import type { ClusterBus } from "../tools/cluster/bus.ts";
import { SocketBus } from "../tools/cluster/socket-bus.ts";
import { randomString } from "../tools/security/random.ts";
import { joinPostgresCluster } from "./postgres-cluster.ts";
import { type ClusterBusFile, clusterBusFileName } from "./serve-workers.ts";

/**
 * joinServingCluster joins the cluster serving the database at dbUrl (PostgreSQL: always, every node of it
 * listens on the database), or the data directory dir (SQLite: when a `serve --workers` primary runs on
 * it); null when there is none to join. On PostgreSQL it fails as a node would: nodes of another schema
 * version serve the database.
 */
export async function joinServingCluster(
  dbUrl: string,
  dir: string,
  report: (message: string) => void,
): Promise<ClusterBus | null> {
  if (dbUrl !== "") return joinPostgresCluster(dbUrl, report);
  const file = readBusFile(join(dir, clusterBusFileName));
  if (!file || file.dir !== realPath(dir) || !isRunning(file.pid)) return null;
  // a primary that died without removing its file left no socket to connect to: the command runs alone
  return SocketBus.connect(file.socket, `cli-${randomString(6)}`, { onError: report }).catch(() => null);
}

function readBusFile(path: string): ClusterBusFile | null {
  try {
    const value = JSON.parse(readFileSync(path, "utf8")) as Partial<ClusterBusFile> | null;
    return typeof value?.pid === "number" && typeof value.dir === "string" && typeof value.socket === "string"
      ? { pid: value.pid, dir: value.dir, socket: value.socket }
      : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return "";
  }
}
