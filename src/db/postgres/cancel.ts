/**
 * What cancelQuery needs of a postgres.js (3.4) query: its public `cancel()`; `canceller`, the pool's function
 * behind it, which returns the cancel request's promise that `cancel()` drops; `state`, set once the query is
 * given to a connection, and `active`, true while the connection runs it.
 */
export interface CancellableQuery {
  cancel(): unknown;
  canceller?: ((query: never) => Promise<unknown>) | null;
  state?: unknown;
  active?: boolean;
}

/** How often a cancel looks again for its query on a connection (one being opened holds it until then). */
const unsentPollMs = 2;

/**
 * cancelQuery asks the server to stop a statement, and settles once the server has acted on the request (it
 * signals the statement's session, then closes the cancel connection). A cancel request names a session, not
 * a statement: one still on its way when the statement ends stops whatever its connection runs next, so that
 * connection must be given nothing else until this settles. A cancel that fails is left to the connection's
 * `statement_timeout`.
 *
 * A query not yet given to a connection is cancelled once it is, or not at all if it ends first (`ended`):
 * postgres.js would take it out of the line, but a connection being opened for it would then wait for it
 * forever, out of the pool. A query given to a connection and no longer running has ended: there is nothing to
 * stop (Satchel never queues a second query behind one on the connections it cancels on), and postgres.js
 * would hold the request, never settled, until the query ran again.
 */
export async function cancelQuery(query: CancellableQuery, ended: () => boolean): Promise<void> {
  while (!query.state) {
    if (ended()) return;
    await new Promise((resolve) => setTimeout(resolve, unsentPollMs));
  }
  if (!query.active) return;
  const send = query.canceller;
  if (typeof send !== "function") {
    // already cancelled, or a postgres.js without the pool's canceller: send it without waiting
    query.cancel();
    return;
  }
  query.canceller = null;
  await send(query as never).catch(() => {});
}
