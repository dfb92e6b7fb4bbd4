/**
 * Auth bench: auth-with-password throughput against the bcrypt comparisons the same CPU can make, and the
 * cost of a token-verified request against the same request made anonymously. See bench/auth/README.md.
 *
 *   bun bench/auth/run.ts [--seconds=3] [--auth-seconds=10] [--warmup=1] [--repeats=3] [--connections=16]
 *                         [--users=100]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import { createApp } from "../../src/core/base-app.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { PasswordValue } from "../../src/core/field-password.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { newAuthToken } from "../../src/core/record-tokens.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { cpus, log, median, runLoadProcess } from "../harness.ts";
import type { LoadRequest, LoadResult } from "../load.ts";
import { startServer } from "../servers.ts";

const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    // a bcrypt comparison takes tens of milliseconds: logins need a longer window to count enough of them
    "auth-seconds": { type: "string", default: "10" },
    warmup: { type: "string", default: "1" },
    repeats: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
    users: { type: "string", default: "100" },
  },
});
const seconds = Number(opts.seconds);
const authSeconds = Number(opts["auth-seconds"]);
const warmup = Number(opts.warmup);
const repeats = Number(opts.repeats);
const connections = Number(opts.connections);
const userCount = Number(opts.users);
if (!(seconds > 0 && authSeconds > 0 && warmup >= 0 && repeats >= 1 && connections >= 1 && userCount >= 1))
  throw new Error(
    "--seconds, --auth-seconds, --repeats, --connections and --users must be positive, --warmup at least 0",
  );

const password = "bench-pass-123";

interface Setup {
  /** The bcrypt cost of the users' password hashes. */
  cost: number;
  userEmails: string[];
  userTokens: string[];
  postId: string;
}

/**
 * setup prepares a data directory: a superuser, `userCount` users sharing one bcrypt hash (made by the
 * `users` collection's password field, so at its cost), their auth tokens, and one public post.
 */
async function setup(dir: string): Promise<Setup> {
  const app = createApp({ dataDir: dir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
  await app.bootstrap();
  try {
    await upsertSuperuser(app, "root@example.com", "S3cret-pass-123");
    const users = app.findCachedCollectionByNameOrId("users") as Collection;
    const first = new RecordModel(users);
    first.load({ email: "user0@bench.test", password });
    await app.save(first);
    const hash = first.getString("password:hash");
    const emails = ["user0@bench.test"];
    const records = [first];
    for (let i = 1; i < userCount; i++) {
      const r = new RecordModel(users);
      r.set("email", `user${i}@bench.test`);
      r.setRaw("password", new PasswordValue(hash));
      await app.saveNoValidate(r);
      emails.push(r.email());
      records.push(r);
    }
    const posts = Collection.create("base", "posts");
    posts.applyJSON({ fields: [{ name: "title", type: "text" }], viewRule: "" } as never);
    await app.saveCollection(posts);
    const post = new RecordModel(app.findCachedCollectionByNameOrId("posts") as Collection);
    post.set("title", "hello");
    await app.save(post);
    const cost = Number(/^\$2[aby]\$(\d+)\$/.exec(hash)?.[1] ?? Number.NaN);
    return {
      cost,
      userEmails: emails,
      userTokens: await Promise.all(records.map((r) => newAuthToken(r))),
      postId: post.id,
    };
  } finally {
    await app.terminate();
  }
}

interface Ceiling {
  perSecond: number;
  perCpuSecond: number;
}

/** bcryptCeiling runs bcrypt-ceiling.ts pinned like the server and returns its comparisons per (CPU) second. */
async function bcryptCeiling(cost: number): Promise<Ceiling> {
  const cmd = [
    process.execPath,
    resolve(import.meta.dir, "bcrypt-ceiling.ts"),
    String(cost),
    String(authSeconds),
    String(connections),
  ];
  const proc = Bun.spawn(cpus.server === null ? cmd : ["taskset", "-c", cpus.server, ...cmd], { stdout: "pipe" });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  if (code !== 0) throw new Error(`bcrypt ceiling failed (${code})`);
  return JSON.parse(out) as Ceiling;
}

/** perCpuSecond is how many requests the server answered per second of CPU it used (NaN when unknown). */
const perCpuSecond = (res: LoadResult) => (res.serverCpuSeconds ? res.requests / res.serverCpuSeconds : Number.NaN);

function formatRun(name: string, res: LoadResult): string {
  return (
    `  ${name.padEnd(24)} ${res.rps.toFixed(0).padStart(7)} req/s  p50 ${res.p50.toFixed(2)} ms  ` +
    `p99 ${res.p99.toFixed(2)} ms  ${perCpuSecond(res).toFixed(0)} req/CPU-s`
  );
}

const work = mkdtempSync(join(tmpdir(), "satchel-auth-bench-"));
try {
  log(
    `auth bench: ${connections} connections, ${warmup}s warmup + ${seconds}s, ${repeats} repeats; ` +
      `${cpus.server === null ? "no CPU pinning" : "server on CPU 1, load generator on CPU 0"}; load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(" ")}`,
  );
  const dir = join(work, "data");
  const s = await setup(dir);
  log(`${userCount} users, bcrypt cost ${s.cost}`);

  const view = `/api/collections/posts/records/${s.postId}`;
  const workloads: { name: string; seconds: number; requests: LoadRequest[] }[] = [
    {
      name: "auth-with-password",
      seconds: authSeconds,
      requests: s.userEmails.map((identity) => ({
        method: "POST",
        path: "/api/collections/users/auth-with-password",
        body: JSON.stringify({ identity, password }),
      })),
    },
    { name: "view, anonymous", seconds, requests: [{ method: "GET", path: view }] },
    {
      name: "view, with auth token",
      seconds,
      requests: s.userTokens.map((token) => ({ method: "GET", path: view, headers: { Authorization: token } })),
    },
  ];

  const results = new Map<string, LoadResult[]>(workloads.map((w) => [w.name, []]));
  const ceilings: Ceiling[] = [];
  for (let r = 0; r < repeats; r++) {
    const ceiling = await bcryptCeiling(s.cost);
    ceilings.push(ceiling);
    log(
      `  ${"bcrypt ceiling".padEnd(24)} ${ceiling.perSecond.toFixed(1).padStart(7)} compares/s  ` +
        `${ceiling.perCpuSecond.toFixed(1)} compares/CPU-s`,
    );
    const server = await startServer("satchel", dir, { cpus: cpus.server });
    // alternate the two views' order, so a drift in the machine's load falls on both
    const order = r % 2 === 0 ? workloads : [workloads[0], workloads[2], workloads[1]];
    try {
      for (const w of order) {
        if (!w) continue;
        const res = await runLoadProcess(
          server,
          w.requests,
          { connections, warmupSeconds: warmup, seconds: w.seconds },
          work,
        );
        if (res.unexpected > 0) throw new Error(`${w.name}: ${res.unexpected} unexpected responses: ${res.sample}`);
        results.get(w.name)?.push(res);
        log(formatRun(w.name, res));
      }
    } finally {
      await server.stop();
    }
  }

  const runs = (name: string) => results.get(name) ?? [];
  const med = (name: string, f: (x: LoadResult) => number) => median(runs(name).map(f));
  const ceilingRate = median(ceilings.map((c) => c.perSecond));
  const ceilingPerCpu = median(ceilings.map((c) => c.perCpuSecond));
  const row = (name: string) =>
    `| ${name} | ${med(name, (x) => x.rps).toFixed(1)} | ${med(name, (x) => x.p50).toFixed(2)} ms | ` +
    `${med(name, (x) => x.p99).toFixed(2)} ms | ${med(name, perCpuSecond).toFixed(1)} |`;
  const login = (f: (x: LoadResult) => number) => med("auth-with-password", f);
  const anon = (f: (x: LoadResult) => number) => med("view, anonymous", f);
  const authed = (f: (x: LoadResult) => number) => med("view, with auth token", f);
  const extraCpuMicros = 1e6 / authed(perCpuSecond) - 1e6 / anon(perCpuSecond);
  const lines = [
    `bcrypt cost ${s.cost}; ${connections} connections; medians of ${repeats} runs`,
    "",
    "| workload | req/s | p50 | p99 | req per server CPU-s |",
    "|---|---|---|---|---|",
    `| bcrypt ceiling (compares, same CPU) | ${ceilingRate.toFixed(1)} | | | ${ceilingPerCpu.toFixed(1)} |`,
    row("auth-with-password"),
    row("view, anonymous"),
    row("view, with auth token"),
    "",
    `auth-with-password / bcrypt ceiling: ${(login((x) => x.rps) / ceilingRate).toFixed(2)} by throughput, ` +
      `${(login(perCpuSecond) / ceilingPerCpu).toFixed(2)} by CPU`,
    `view with token / anonymous: ${(authed((x) => x.rps) / anon((x) => x.rps)).toFixed(2)} by throughput, ` +
      `${(authed(perCpuSecond) / anon(perCpuSecond)).toFixed(2)} by CPU (${extraCpuMicros.toFixed(0)} µs more CPU per request)`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
