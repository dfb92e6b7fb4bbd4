/**
 * `satchel migrate-data`'s work: an app's databases copied from one engine to another (a SQLite data
 * directory to a PostgreSQL database, or back), all or nothing. Files stay where they are: `storage/` in
 * the data directory, or the S3 bucket the settings name.
 */
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type CopyProgress, type CopyReport, clearDatabase, copyDatabase, listTables } from "../core/database-copy.ts";
import { DatabaseUnavailableError, type Driver, type Snapshot } from "../db/driver.ts";
import { PreflightError } from "../db/postgres/preflight.ts";
import { systemMigrations } from "../migrations/index.ts";
import { pseudorandomString } from "../tools/security/random.ts";
import { databaseOpener } from "./open-database.ts";

/** Why a copy was refused or failed, with the exit code `migrate-data` ends with. */
export class MigrateDataError extends Error {
  constructor(
    message: string,
    /**
     * 2: bad input (a URL, a folder, a source that isn't an app's), 3: the target holds data already, 4: a
     * database can't be reached or used as it is (the server's version, privileges), 1: the copy failed.
     */
    readonly exitCode: 1 | 2 | 3 | 4,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An app's databases: a data directory's SQLite files, or a PostgreSQL database (its schema and the logs schema). */
type Endpoint = { kind: "dir"; dir: string } | { kind: "url"; url: string };

export interface MigrateDataOptions {
  /** A data directory, or a postgres:// URL. */
  from: string;
  /** A data directory, or a postgres:// URL. */
  to: string;
  /** Drop what the target holds and replace it (else a target holding tables is refused). */
  replace?: boolean;
  onProgress?: CopyProgress;
}

export interface MigrateDataResult {
  data: CopyReport;
  logs: CopyReport;
}

const dataFile = "data.db";
const auxFile = "auxiliary.db";

/** describe names an endpoint for messages, never with a password. */
function describe(e: Endpoint): string {
  if (e.kind === "dir") return `the data directory ${JSON.stringify(e.dir)}`;
  try {
    const u = new URL(e.url);
    return `the PostgreSQL database ${u.hostname || "localhost"}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "the PostgreSQL database";
  }
}

/** parseEndpoint reads a `--from`/`--to` value: a postgres:// URL, or a folder. */
export function parseEndpoint(value: string, flag: string): Endpoint {
  if (value.trim() === "")
    throw new MigrateDataError(`--${flag} is empty: give a data directory or a postgres:// URL`, 2);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    if (!/^postgres(ql)?:\/\//i.test(value))
      throw new MigrateDataError(
        `--${flag}: ${JSON.stringify(value.split("://")[0])} URLs aren't supported: give a postgres:// URL or a data directory`,
        2,
      );
    try {
      new URL(value);
    } catch {
      throw new MigrateDataError(`--${flag} is no valid URL: expected postgres://user:password@host:port/database`, 2);
    }
    return { kind: "url", url: value };
  }
  return { kind: "dir", dir: resolve(value) };
}

/** wrapOpenFailure words a failure to open a database with the exit code it gets. */
function wrapOpenFailure(err: unknown, e: Endpoint): MigrateDataError {
  if (err instanceof MigrateDataError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof DatabaseUnavailableError) return new MigrateDataError(message, 4, { cause: err });
  if (err instanceof PreflightError) return new MigrateDataError(message, 4, { cause: err });
  if (/invalid PostgreSQL URL/.test(message)) return new MigrateDataError(message, 2, { cause: err });
  return new MigrateDataError(`can't open ${describe(e)}: ${message}`, 1, { cause: err });
}

/** The two databases of an endpoint, open. */
interface Opened {
  data: Driver;
  aux: Driver | null;
  close(): Promise<void>;
}

async function openEndpoint(e: Endpoint, dataPath: string, auxPath: string, needAux: boolean): Promise<Opened> {
  const open = databaseOpener({ url: e.kind === "url" ? e.url : "" });
  let data: Driver | null = null;
  try {
    data = await open(dataPath);
    const aux = needAux ? await open(auxPath) : null;
    const opened = data;
    return {
      data: opened,
      aux,
      close: async () => {
        await opened.close();
        await aux?.close();
      },
    };
  } catch (err) {
    await data?.close();
    throw wrapOpenFailure(err, e);
  }
}

/**
 * migrateData copies the app's databases at `from` into `to`, both of whatever engine: the target's tables
 * are made as its engine makes them and filled from one snapshot of the source, in one transaction per
 * database (the logs' committed just before the data's), or on SQLite into new files renamed into place at
 * the end. A target holding tables is refused unless `replace`.
 */
export async function migrateData(options: MigrateDataOptions): Promise<MigrateDataResult> {
  const from = parseEndpoint(options.from, "from");
  const to = parseEndpoint(options.to, "to");
  if (JSON.stringify(from) === JSON.stringify(to))
    throw new MigrateDataError("--from and --to name the same database", 2);

  if (from.kind === "dir" && !existsSync(join(from.dir, dataFile)))
    throw new MigrateDataError(`${describe(from)} has no ${dataFile}: there is nothing to copy`, 2);
  const source = await openEndpoint(
    from,
    join(from.kind === "dir" ? from.dir : "", dataFile),
    join(from.kind === "dir" ? from.dir : "", auxFile),
    from.kind === "url" || existsSync(join(from.dir, auxFile)),
  );
  try {
    const tables = await listTables(source.data);
    if (!tables.some((t) => t.name === "_collections"))
      throw new MigrateDataError(`${describe(from)} holds no Satchel or PocketBase data (no _collections table)`, 2);
    await checkMigrated(source.data, from);
    return to.kind === "dir" ? await copyToDir(source, to.dir, options) : await copyToUrl(source, to, options);
  } finally {
    await source.close();
  }
}

/**
 * checkMigrated refuses a source an older version left (a system migration not applied): its tables aren't
 * what the copy expects until the app has opened it once.
 */
async function checkMigrated(db: Driver, from: Endpoint): Promise<void> {
  const rows = await db.all<{ file: string }>("SELECT file FROM _migrations").catch(() => []);
  const applied = new Set(rows.map((r) => r.file));
  const missing = systemMigrations.filter((m) => !applied.has(m.file));
  if (missing.length === 0) return;
  const open = from.kind === "dir" ? `--dir=${JSON.stringify(from.dir)}` : "--db=<the same URL>";
  throw new MigrateDataError(
    `${describe(from)} was written by an older version (${missing.length} system migrations pending, the first ${missing[0]?.file}): open it once with \`satchel migrate up ${open}\` (or serve it), then copy it`,
    2,
  );
}

/** withSnapshots reads the source's databases from snapshots, closed afterwards. */
async function withSnapshots<T>(source: Opened, fn: (data: Snapshot, aux: Snapshot | null) => Promise<T>): Promise<T> {
  const data = await source.data.openSnapshot();
  let aux: Snapshot | null = null;
  try {
    aux = (await source.aux?.openSnapshot()) ?? null;
    return await fn(data, aux);
  } finally {
    await aux?.close();
    await data.close();
  }
}

const emptyReport = (): CopyReport => ({ tables: 0, rows: 0, warnings: [] });

/**
 * copyInto copies both databases into open targets, each in a transaction of its own (one can't wait for
 * the other: on PostgreSQL both take the same writer lock): the logs first, then the data; when the data's
 * copy fails, the logs copied are dropped again.
 */
async function copyInto(
  source: Opened,
  target: { data: Driver; aux: Driver },
  options: MigrateDataOptions,
): Promise<MigrateDataResult> {
  return withSnapshots(source, async (dataSnapshot, auxSnapshot) => {
    const logs = await target.aux.transaction(async (tx) => {
      await clearDatabase(tx);
      return auxSnapshot ? copyDatabase(auxSnapshot, tx, "logs", options.onProgress) : emptyReport();
    });
    try {
      const data = await target.data.transaction(async (tx) => {
        await clearDatabase(tx);
        return copyDatabase(dataSnapshot, tx, "data", options.onProgress);
      });
      return { data, logs };
    } catch (err) {
      await target.aux.transaction((tx) => clearDatabase(tx)).catch(() => {});
      throw err;
    }
  });
}

async function copyToUrl(source: Opened, to: Endpoint & { kind: "url" }, options: MigrateDataOptions) {
  const target = await openEndpoint(to, dataFile, auxFile, true);
  try {
    const held = await listTables(target.data);
    if (held.length > 0 && !options.replace) {
      throw new MigrateDataError(
        `${describe(to)} already holds ${held.length} tables (${held
          .slice(0, 5)
          .map((t) => t.name)
          .join(", ")}${held.length > 5 ? ", ..." : ""}): nothing was copied; use --replace to replace them`,
        3,
      );
    }
    return await copyInto(source, { data: target.data, aux: target.aux as Driver }, options);
  } catch (err) {
    throw failure(err, to);
  } finally {
    await target.close();
  }
}

/**
 * copyToDir writes the databases into new files beside the target's, renamed over them once both are
 * complete (the logs first): the old files' side files (`-wal`, `-shm`) go first, since SQLite would read
 * them into the new file.
 */
async function copyToDir(source: Opened, dir: string, options: MigrateDataOptions) {
  const dataPath = join(dir, dataFile);
  if (existsSync(dataPath) && !options.replace) {
    throw new MigrateDataError(
      `${describe({ kind: "dir", dir })} already holds a ${dataFile}: nothing was copied; use --replace to replace it`,
      3,
    );
  }
  await mkdir(dir, { recursive: true });
  const tag = pseudorandomString(8);
  const temp = { data: join(dir, `.${dataFile}.${tag}.tmp`), aux: join(dir, `.${auxFile}.${tag}.tmp`) };
  const removeTemp = async () => {
    for (const path of [temp.data, temp.aux])
      for (const side of ["", "-wal", "-shm", "-journal"]) await rm(path + side, { force: true });
  };
  try {
    const target = await openEndpoint({ kind: "dir", dir }, temp.data, temp.aux, true);
    let result: MigrateDataResult;
    try {
      result = await copyInto(source, { data: target.data, aux: target.aux as Driver }, options);
    } finally {
      await target.close();
    }
    for (const [path, file] of [
      [temp.aux, auxFile],
      [temp.data, dataFile],
    ] as const) {
      for (const side of ["-wal", "-shm", "-journal"]) await rm(join(dir, file + side), { force: true });
      await rename(path, join(dir, file));
    }
    return result;
  } catch (err) {
    throw failure(err, { kind: "dir", dir });
  } finally {
    await removeTemp();
  }
}

/** failure words a failed copy: nothing of it was kept. */
function failure(err: unknown, to: Endpoint): MigrateDataError {
  if (err instanceof MigrateDataError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof DatabaseUnavailableError ? 4 : 1;
  return new MigrateDataError(`the copy into ${describe(to)} failed, nothing of it was kept: ${message}`, code, {
    cause: err,
  });
}
