// the ambient types of Satchel's own imports (wasm codecs), for programs that typecheck through this entry
/// <reference path="./tools/filesystem/image-modules.d.ts" />
/**
 * Satchel as a library (`import { createApp } from "satchel"`): a Bun program embeds the server, binds
 * its hooks, routes and jobs in code and runs the command line, the way PocketBase is used as a Go
 * framework. `bun build --compile` of the program (see `satchel/compile`) makes its own single executable
 * with the dashboard inside. docs/hooks.md ("Satchel as a library") walks through it.
 *
 *   import { ApiError, createApp, requireAuth } from "satchel";
 *
 *   const app = createApp({ dataDir: "./data" });
 *   app.onRecordCreate((e) => {
 *     if (e.record.getString("title") === "") throw new ApiError(400, "A title, please.");
 *     return e.next();
 *   }, "posts");
 *   app.onServe((e) => {
 *     e.router.get("/hello/{name}", (re) => re.json(200, { hello: re.params.name }), requireAuth());
 *     return e.next();
 *   });
 *   app.cron().add("nightly", "0 3 * * *", async () => { ... });
 *   process.exit(await app.start());
 *
 * The export list is kept short: the app and its options, the types of its events and records, the
 * router's guards, the errors a handler throws, and `migrate` for migration files.
 */

// the app
export { type CreateAppOptions, createApp, type SatchelApp } from "./cmd/library.ts";
// what hook files get from "satchel/hooks": event and record types, the router's guards, the errors
export * from "./plugins/hooks/api.ts";
// migrations: createApp's `migrations` and migration files (satchel_migrations/) alike
export { type MigrationDefinition, type MigrationFunc, migrate } from "./plugins/migratecmd/api.ts";
