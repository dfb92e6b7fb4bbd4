import type { Migration } from "../core/migrations-runner.ts";
import { auxInitMigration } from "./1640988000-aux-init.ts";
import { initMigration } from "./1640988000-init.ts";

/** The system migrations, in the order they run. */
export const systemMigrations: readonly Migration[] = [auxInitMigration, initMigration];
