import type { Migration } from "../core/migrations-runner.ts";
import { auxInitMigration } from "./1640988000-aux-init.ts";
import { initMigration } from "./1640988000-init.ts";
import { v023Migration } from "./1717233556-v0.23-migrate.ts";
import { v023Migration2 } from "./1717233557-v0.23-migrate2.ts";
import { v023Migration3 } from "./1717233558-v0.23-migrate3.ts";
import { v023Migration4 } from "./1717233559-v0.23-migrate4.ts";
import { updateDefaultAuthAlertTemplatesMigration } from "./1763020353-update-default-auth-alert-templates.ts";
import { normalizeIndexesMigration } from "./1778828400-normalize-indexes.ts";

/**
 * The system migrations, in the order they run, under PocketBase v0.39's names: a directory either engine
 * made has them all recorded, so neither re-runs the other's, and each does what PocketBase's does to a
 * directory an older version left.
 */
export const systemMigrations: readonly Migration[] = [
  auxInitMigration,
  initMigration,
  v023Migration,
  v023Migration2,
  v023Migration3,
  v023Migration4,
  updateDefaultAuthAlertTemplatesMigration,
  normalizeIndexesMigration,
];
