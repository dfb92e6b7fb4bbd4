import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { driverConformance } from "./driver.suite.ts";

const dir = mkdtempSync(join(tmpdir(), "satchel-sqlite-suite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// one database file for the file's tests, as on PostgreSQL: each test's tables have their own names
const file = join(dir, "data.db");

driverConformance({
  name: "SQLite",
  open: async (options) => new SqliteDriver(file, options),
  openCopy: async (path) => new SqliteDriver(path),
});
