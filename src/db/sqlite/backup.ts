import { spawnSqliteChild } from "./child-process.ts";

type Reply = { ok: true } | { ok: false; message: string };

/**
 * The child's program: a read-only connection copies the database with `VACUUM INTO`, which reads one
 * snapshot (a read transaction, so writers are never held by it) and writes a compact database file.
 */
const childSource = `
import { Database } from "bun:sqlite";
process.once("message", ({ source, dest }) => {
  let reply;
  let db = null;
  try {
    db = new Database(source, { readonly: true });
    db.run("PRAGMA busy_timeout = 10000");
    db.run("VACUUM INTO ?", [dest]);
    reply = { ok: true };
  } catch (err) {
    reply = { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  db?.close();
  process.send(reply);
});
`;

/**
 * vacuumInto copies the committed state of the database at source into a new database file at dest. The
 * copy runs in a child process, so that copying a large database never blocks the server's event loop
 * (its reads go on meanwhile); the child is killed once it has answered.
 */
export async function vacuumInto(source: string, dest: string): Promise<void> {
  const reply = Promise.withResolvers<Reply>();
  const child = spawnSqliteChild<Reply>(childSource, (msg) => reply.resolve(msg));
  void child.exited.then(async (code) => {
    const stderr = (await new Response(child.stderr).text()).trim().slice(-300);
    reply.reject(new Error(`the backup process ended (${code ?? child.signalCode}) ${stderr}`.trim()));
  });
  child.send({ source, dest });
  try {
    const result = await reply.promise;
    if (!result.ok) throw new Error(`failed to copy the database: ${result.message}`);
  } finally {
    child.kill();
  }
}
