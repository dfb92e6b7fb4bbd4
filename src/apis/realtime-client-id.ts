import { randomString } from "../tools/security/random.ts";
import { clientIdLength } from "../tools/subscriptions/client.ts";

/**
 * How the processes of `satchel serve --workers` name their realtime clients: a client id ends with its
 * process's tag, so logs and tests tell which process holds a client (left out: ids as PocketBase makes them).
 */
export interface RealtimeCluster {
  /** This process's tag (`x` and 3 digits), at the end of the ids of the clients it holds. */
  tag: string;
}

/** nodeTag is the tag of process number n (1-999). */
export function nodeTag(n: number): string {
  return `x${String(n).padStart(3, "0")}`;
}

/** newClientId makes a client id of PocketBase's length ending with the process's tag. */
export function newClientId(cluster: RealtimeCluster | undefined): string | undefined {
  if (!cluster) return undefined;
  return randomString(clientIdLength - cluster.tag.length) + cluster.tag;
}
