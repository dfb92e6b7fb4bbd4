import { randomString } from "../tools/security/random.ts";
import { clientIdLength } from "../tools/subscriptions/client.ts";

/**
 * How realtime clients are found across the processes of one machine (`satchel serve --workers`): the
 * kernel gives each connection to any process, so a client's `POST /api/realtime` may reach a process
 * other than the one holding its stream. Each client id ends with its process's tag, and a process that
 * doesn't hold the client passes the request on to the owner's private socket.
 */
export interface RealtimeCluster {
  /** This process's tag (`x` and 3 digits), at the end of the ids of the clients it holds. */
  tag: string;
  /** The private socket of the process holding a client of that id, null when it's this one or unknown. */
  ownerSocket(clientId: string): string | null;
}

/** The request header carrying the client's IP to the owner process (trusted on the private socket only). */
export const forwardedIpHeader = "x-satchel-forwarded-ip";

/** nodeTag is the tag of process number n (1-999). */
export function nodeTag(n: number): string {
  return `x${String(n).padStart(3, "0")}`;
}

/** tagOf reads the process tag at the end of a client id (null for ids made without one). */
export function tagOf(clientId: string): string | null {
  const tag = clientId.slice(-4);
  return /^x\d{3}$/.test(tag) ? tag : null;
}

/** newClientId makes a client id of PocketBase's length ending with the process's tag. */
export function newClientId(cluster: RealtimeCluster | undefined): string | undefined {
  if (!cluster) return undefined;
  return randomString(clientIdLength - cluster.tag.length) + cluster.tag;
}

/**
 * forwardSubscriptions sends a subscription request to the process holding the client, on its private
 * socket, with the requester's auth and IP, and returns that process's answer as it is.
 */
export async function forwardSubscriptions(
  socket: string,
  form: { clientId: string; subscriptions: string[] },
  request: Request,
  ip: string,
): Promise<Response> {
  const headers = new Headers({ "content-type": "application/json", [forwardedIpHeader]: ip });
  const auth = request.headers.get("authorization");
  if (auth) headers.set("authorization", auth);
  const answer = await fetch("http://localhost/api/realtime", {
    method: "POST",
    unix: socket,
    headers,
    body: JSON.stringify(form),
  });
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
