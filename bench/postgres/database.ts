/**
 * The PostgreSQL server the benches run on: the one named by `--url` (or SATCHEL_TEST_POSTGRES_URL), or a
 * throwaway cluster started from the local binaries as the tests do (tests/db/postgres-server.ts), pinned to
 * the server CPU so that Satchel or the ceiling and the database share that CPU while the load generator has
 * the other. Each server run gets its own copy of a seeded template database (`CREATE DATABASE ... TEMPLATE`),
 * as each SQLite run gets its own copy of the data directory.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { findPostgresBin, PostgresCluster } from "../../tests/db/postgres-server.ts";

export class BenchPostgres {
  #copies = 0;

  private constructor(
    /** The URL of the server's `postgres` database (any database's URL is made from it). */
    readonly base: URL,
    /** The postmaster of a cluster this bench started (its CPU is measured), else null. */
    readonly cluster: PostgresCluster | null,
  ) {}

  /**
   * open uses the server at `url`, or else starts a cluster pinned to `cpus` (taskset's list, unpinned when
   * null). Throws, saying why, when there is neither a URL nor local binaries.
   */
  static async open(url: string | undefined, cpus: string | null): Promise<BenchPostgres> {
    const given = url ?? process.env.SATCHEL_TEST_POSTGRES_URL;
    if (given) return new BenchPostgres(new URL(given), null);
    const bin = findPostgresBin();
    if (!bin) throw new Error("no PostgreSQL server binaries (initdb, pg_ctl) found: install PostgreSQL or give --url");
    const cluster = PostgresCluster.create(bin);
    const bench = new BenchPostgres(new URL(cluster.url("postgres")), cluster);
    if (cpus !== null) bench.#pin(cpus);
    return bench;
  }

  /** The postmaster's process id when this bench started the cluster (its backends are its children). */
  get pid(): number | null {
    if (!this.cluster) return null;
    const first = readFileSync(join(this.cluster.dir, "data", "postmaster.pid"), "latin1").split("\n")[0];
    return Number(first);
  }

  /** #pin moves the postmaster and its running children to the CPUs; backends started later inherit it. */
  #pin(cpus: string): void {
    const pid = this.pid;
    if (pid === null) return;
    const pids = [pid];
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, "latin1").trim();
      if (children) pids.push(...children.split(" ").map(Number));
    }
    for (const p of pids) Bun.spawnSync(["taskset", "-a", "-p", "-c", cpus, String(p)], { stdout: "ignore" });
  }

  url(database: string): string {
    const u = new URL(this.base.toString());
    u.pathname = `/${database}`;
    return u.toString();
  }

  async #admin<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
    const sql = postgres(this.url("postgres"), { max: 1, onnotice: () => {} });
    try {
      return await fn(sql);
    } finally {
      await sql.end();
    }
  }

  /** create makes a new database, empty or a copy of `template`, and returns its name. */
  async create(prefix: string, template?: string): Promise<string> {
    const name = `satchel_bench_${process.pid}_${prefix}_${this.#copies++}`;
    const from = template ? ` TEMPLATE ${template} STRATEGY FILE_COPY` : "";
    await this.#admin((sql) => sql.unsafe(`CREATE DATABASE ${name}${from}`));
    return name;
  }

  async drop(name: string): Promise<void> {
    await this.#admin((sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }

  /** analyze refreshes a database's planner statistics (as Satchel's optimize does on close). */
  async analyze(name: string): Promise<void> {
    const sql = postgres(this.url(name), { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe("VACUUM ANALYZE");
    } finally {
      await sql.end();
    }
  }

  /** close drops the databases this bench made (by their prefix) and stops a cluster it started. */
  async close(): Promise<void> {
    if (this.cluster) {
      this.cluster.destroy();
      return;
    }
    const names = await this.#admin(
      (sql) =>
        sql<
          { datname: string }[]
        >`SELECT datname FROM pg_database WHERE datname LIKE ${`satchel_bench_${process.pid}_%`}`,
    );
    for (const { datname } of names) await this.drop(datname);
  }
}
