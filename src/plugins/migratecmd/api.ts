/**
 * The module migration files import as "satchel/migrate": `migrate(up, down)` and the classes a migration
 * builds collections and records with. Inside the running Satchel (from source or the single executable)
 * the import resolves to this very module (see loader.ts), so the classes are the app's own.
 *
 *   import { Collection, migrate } from "satchel/migrate";
 *
 *   export default migrate(
 *     async (app) => { await app.saveCollection(Collection.fromJSON({ name: "posts", type: "base" })); },
 *     async (app) => { await app.deleteCollection(await app.findCollectionByNameOrId("posts")); },
 *   );
 */
import type { App } from "../../core/app.ts";

export type { App } from "../../core/app.ts";
export { Collection } from "../../core/collection-model.ts";
export type { FieldJSON } from "../../core/field.ts";
export { fieldFromJSON } from "../../core/fields-registry.ts";
export { RecordModel } from "../../core/record-model.ts";
export type { TypedRecordModel } from "../../core/record-model-typed.ts";

/** One direction of a migration: it runs inside the migrations' transaction, with that transaction's app. */
export type MigrationFunc = (app: App) => Promise<void> | void;

/** MigrationDefinition is what a migration file exports by default. */
export class MigrationDefinition {
  constructor(
    readonly up: MigrationFunc,
    readonly down: MigrationFunc | null,
  ) {}
}

/**
 * migrate defines a migration: `up` applies it (`satchel migrate up`, and at every start), `down` reverts it
 * (`satchel migrate down`). A file exports the result: `export default migrate(async (app) => {...})`.
 */
export function migrate(up: MigrationFunc, down?: MigrationFunc | null): MigrationDefinition {
  if (typeof up !== "function") throw new TypeError("migrate(up, down): up must be a function");
  if (down != null && typeof down !== "function") {
    throw new TypeError("migrate(up, down): down must be a function when given");
  }
  return new MigrationDefinition(up, down ?? null);
}
