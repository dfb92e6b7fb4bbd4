/**
 * What cancelQuery needs of a postgres.js (3.4) query: its public `cancel()`, and `canceller`, the pool's
 * function behind it, which returns the cancel request's promise that `cancel()` drops.
 */
export interface CancellableQuery {
  cancel(): unknown;
  canceller?: ((query: never) => Promise<unknown>) | null;
}

/**
 * cancelQuery asks the server to stop a statement, and settles once the server has acted on the request (it
 * signals the statement's session, then closes the cancel connection). A cancel request names a session, not
 * a statement: one still on its way when the statement ends stops whatever its connection runs next, so that
 * connection must be given nothing else until this settles. A cancel that fails is left to the connection's
 * `statement_timeout`.
 */
export function cancelQuery(query: CancellableQuery): Promise<void> {
  const send = query.canceller;
  if (typeof send !== "function") {
    // already cancelled, or a postgres.js without the pool's canceller: send it without waiting
    query.cancel();
    return Promise.resolve();
  }
  query.canceller = null;
  return send(query as never).then(
    () => {},
    () => {},
  );
}
