/** What cancelQuery needs of a postgres.js (4) query: `cancel()`. */
export interface CancellableQuery {
  cancel(): Promise<unknown>;
}

/**
 * cancelQuery asks the server to stop a statement, and settles once the server has acted on the request (it
 * signals the statement's session, then closes the cancel connection: postgres.js' `cancel()` settles then).
 * A cancel request names a session, not a statement: one still on its way when the statement ends stops
 * whatever its connection runs next, so that connection must be given nothing else until this settles. A
 * query that has ended has nothing to stop; one still waiting for a connection is taken out of the line. A
 * cancel that fails is left to the connection's `statement_timeout`.
 */
export async function cancelQuery(query: CancellableQuery, ended: () => boolean): Promise<void> {
  if (ended()) return;
  await query.cancel().catch(() => {});
}
