/**
 * A `satchel serve` on PostgreSQL is a node of the cluster of every Satchel serving the same database and
 * schema: it joins the cluster bus over LISTEN/NOTIFY (db/postgres/cluster-transport.ts) with no flag, and
 * refuses to start beside nodes of another schema version.
 */
import { PostgresClusterTransport } from "../db/postgres/cluster-transport.ts";
import { systemMigrations } from "../migrations/index.ts";
import { NotifyBus } from "../tools/cluster/notify-bus.ts";
import { randomString } from "../tools/security/random.ts";

/** schemaVersion is the schema version this program runs: its last system migration's name. */
export function schemaVersion(): string {
  const last = systemMigrations.at(-1)?.file ?? "";
  return last.split("_")[0] ?? "";
}

/**
 * joinPostgresCluster connects this node to the cluster bus of the database at url. It fails when nodes of
 * another schema version already serve the database.
 */
export async function joinPostgresCluster(url: string, report: (message: string) => void): Promise<NotifyBus> {
  const nodeId = randomString(10);
  const version = schemaVersion();
  const transport = new PostgresClusterTransport(url, { nodeId, version, report });
  const bus = new NotifyBus(nodeId, transport, report);
  try {
    await bus.start();
  } catch (err) {
    await bus.close();
    throw err;
  }
  const others = transport.peers().filter((p) => p.version !== version);
  if (others.length > 0) {
    await bus.close();
    const theirs = [...new Set(others.map((p) => p.version))].sort().join(", ");
    throw new Error(
      `${others.length} node(s) serving this database run schema version ${theirs}, and this one runs ${version}: every node must run the same Satchel version (stop the others, then start them all on the new one)`,
    );
  }
  return bus;
}
