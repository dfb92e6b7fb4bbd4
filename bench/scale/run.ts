/**
 * The scale bench: every query shape of shapes.ts on 1,000,000 posts, timed on Satchel, on the hand-written
 * SQL (hand-server.ts: a bare Bun.serve in a process of its own, so all answers cross HTTP alike) and, given a binary, on
 * PocketBase, each server on its own copy of one seeded data directory. Before timing, every shape's answers
 * are compared (answers.ts).
 *
 *   bun bench/scale/run.ts [--data=<dir>] [--indexes=issue|guided] [--runs=5] [--pocketbase=<binary>]
 *                          [--before=<satchel tree>] [--shapes=name,...] [--budget=20] [--timeout=120]
 *                          [--json=<file>] [--keep-going]
 *
 * --data keeps the seeded directory between runs (seeded there when missing); without it a temporary one is
 * seeded and removed. --before runs a second Satchel from another source tree (another commit's files, with
 * its node_modules) beside this one, for before/after tables from the same run.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { log, median } from "../harness.ts";
import { canPin, type SpawnedServer, spawnServer } from "../servers.ts";
import { type Answer, check, openHandDb, request, type ServerName, type Target } from "./answers.ts";
import {
  type IndexSet,
  indexSets,
  postCount,
  superuserEmail,
  superuserPassword,
  user,
  userPassword,
} from "./schema.ts";
import { seedScaleDataDir } from "./seed.ts";
import { benchUser, HandSql, shapes, type Who } from "./shapes.ts";

const { values: opts } = parseArgs({
  options: {
    data: { type: "string" },
    indexes: { type: "string", default: "issue" },
    runs: { type: "string", default: "5" },
    pocketbase: { type: "string" },
    before: { type: "string" },
    shapes: { type: "string" },
    budget: { type: "string", default: "20" },
    timeout: { type: "string", default: "120" },
    json: { type: "string" },
    "keep-going": { type: "boolean", default: false },
  },
});
const indexSet = opts.indexes as IndexSet;
if (!(indexSet in indexSets)) throw new Error(`--indexes must be one of ${Object.keys(indexSets).join(", ")}`);
const runs = Number(opts.runs);
const budgetMs = Number(opts.budget) * 1000;
const timeoutMs = Number(opts.timeout) * 1000;
if (!(runs >= 1 && budgetMs > 0 && timeoutMs > 0)) throw new Error("--runs, --budget and --timeout must be positive");

const root = resolve(import.meta.dir, "../..");
/** An answer quicker than this is a quick shape: warmed up, and timed more often (up to 20 times this in all). */
const quickMs = 50;
/** How many requests in a row a quick shape gets from the same client in each round. */
const quickInARow = 10;
const pin = canPin();
const serverCpus = pin ? "1" : null;
// the bench (client and hand-SQL server) on CPU 0, the servers on CPU 1
if (pin) Bun.spawnSync(["taskset", "-a", "-p", "-c", "0", String(process.pid)]);

async function freePort(): Promise<number> {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

async function login(url: string, collection: string, identity: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/collections/${collection}/auth-with-password`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identity, password }),
  });
  if (res.status !== 200) throw new Error(`login to ${url} as ${identity} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

async function tokensOf(url: string): Promise<Record<Who, string>> {
  return {
    guest: "",
    user: await login(url, "users", user(benchUser).email, userPassword),
    superuser: await login(url, "_superusers", superuserEmail, superuserPassword),
  };
}

/** waitIdle waits (up to 30 minutes) until a server answers its health check again. */
async function waitIdle(t: Target): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < 1_800_000) {
    try {
      const res = await fetch(`${t.url}/api/health`, { signal: AbortSignal.timeout(60_000) });
      await res.text();
      if (res.status === 200) return;
    } catch {
      // still busy
    }
  }
  throw new Error(`${t.name} stayed busy for 30 minutes`);
}

interface ShapeResult {
  name: string;
  title: string;
  who: Who;
  /** Median per server (the first answer's time when that was all there was). */
  ms: Partial<Record<ServerName, number>>;
  runs: Partial<Record<ServerName, number[]>>;
  problems: string[];
  /** The machine's load average (1 minute) when the shape was done. */
  load?: number;
}

const fmt = (ms: number | undefined): string => {
  if (ms === undefined) return "";
  if (ms >= timeoutMs) return `> ${(timeoutMs / 1000).toFixed(0)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
};
const ratio = (a: number | undefined, b: number | undefined): string => {
  if (a === undefined || b === undefined) return "";
  const r = a / b;
  return r >= 10 ? r.toFixed(0) : r.toFixed(1);
};

/** table is the markdown table of the results, with the columns of the servers that ran. */
function table(results: ShapeResult[], names: ServerName[]): string {
  const titles: Record<ServerName, string> = {
    before: "Satchel before",
    satchel: "Satchel",
    hand: "hand SQL",
    pocketbase: "PocketBase",
  };
  const cols = (["before", "satchel", "hand", "pocketbase"] as const).filter((n) => names.includes(n));
  const ratios: [string, ServerName, ServerName][] = [["Satchel ÷ hand", "satchel", "hand"]];
  if (names.includes("pocketbase")) ratios.push(["PocketBase ÷ Satchel", "pocketbase", "satchel"]);
  if (names.includes("before")) ratios.push(["before ÷ Satchel", "before", "satchel"]);
  const head = `| shape | as | ${[...cols.map((c) => titles[c]), ...ratios.map((r) => r[0])].join(" | ")} | load |`;
  const rule = `|---|---|${[...cols, ...ratios].map(() => "---:").join("|")}|---:|`;
  const rows = results.map((r) => {
    const cells = [`\`${r.name}\`: ${r.title}`, r.who, ...cols.map((c) => fmt(r.ms[c]))];
    for (const [, a, b] of ratios) cells.push(ratio(r.ms[a], r.ms[b]));
    cells.push(r.load === undefined ? "" : r.load.toFixed(1));
    return `| ${cells.join(" | ")} |`;
  });
  return [head, rule, ...rows].join("\n");
}

const work = mkdtempSync(join(tmpdir(), "satchel-scale-bench-"));
const started = performance.now();
const servers: SpawnedServer[] = [];
// stopped from outside: stop the servers and remove the copies too
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  });
}
try {
  log(
    `scale bench: ${postCount} posts, indexes "${indexSet}", ${runs} runs per shape; ${pin ? "servers on CPU 1, bench on CPU 0" : "no CPU pinning"}; load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(" ")}`,
  );
  const template = opts.data ? resolve(opts.data) : join(work, "template");
  if (!existsSync(join(template, "data.db"))) {
    await seedScaleDataDir(template, indexSet);
    log(`seeded ${template} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } else log(`using the seeded ${template} (with the indexes it was seeded with)`);

  let list = shapes();
  if (opts.shapes) {
    const wanted = new Set(opts.shapes.split(","));
    list = list.filter((s) => wanted.has(s.name));
  }

  const targets: Target[] = [];
  const satchels: [ServerName, string][] = [["satchel", root]];
  if (opts.before) satchels.unshift(["before", resolve(opts.before)]);
  for (const [name, tree] of satchels) {
    const dir = join(work, name);
    cpSync(template, dir, { recursive: true });
    // a query timeout past the bench's own: slow shapes are measured, not stopped
    const cmd = [
      process.execPath,
      resolve(tree, "src/main.ts"),
      "serve",
      "--http=127.0.0.1:0",
      `--dir=${dir}`,
      `--queryTimeout=${Math.ceil(timeoutMs / 1000) + 5}`,
    ];
    const server = await spawnServer(name, cmd, serverCpus);
    servers.push(server);
    targets.push({ name, url: server.url, tokens: await tokensOf(server.url) });
  }

  // the hand-written SQL reads the template itself, with the pragmas of Satchel's driver: timed in a process
  // of its own pinned with the servers, and here for the checks
  const db = openHandDb(join(template, "data.db"));
  const hand = new HandSql(db);
  const handHttp = await spawnServer(
    "hand",
    [process.execPath, resolve(import.meta.dir, "hand-server.ts"), join(template, "data.db")],
    serverCpus,
  );
  servers.push(handHttp);
  targets.push({ name: "hand", url: handHttp.url, tokens: { guest: "", user: "", superuser: "" } });

  if (opts.pocketbase) {
    const dir = join(work, "pocketbase");
    cpSync(template, dir, { recursive: true });
    const url = `http://127.0.0.1:${await freePort()}`;
    const pb = await spawnServer(
      "pocketbase",
      [
        resolve(opts.pocketbase),
        "serve",
        `--dir=${dir}`,
        `--http=${url.slice("http://".length)}`,
        `--queryTimeout=${Math.ceil(timeoutMs / 1000) + 5}`,
      ],
      serverCpus,
    );
    servers.push(pb);
    targets.push({ name: "pocketbase", url, tokens: await tokensOf(url) });
  }

  const results: ShapeResult[] = [];
  for (const shape of list) {
    const answers = new Map<ServerName, Answer>();
    const firstMs = new Map<ServerName, number>();
    for (const t of targets) {
      const { answer, ms } = await request(t, shape, timeoutMs);
      answers.set(t.name, answer);
      firstMs.set(t.name, ms);
    }
    const problems = check(shape, hand, answers);
    const result: ShapeResult = { name: shape.name, title: shape.title, who: shape.who, ms: {}, runs: {}, problems };
    // a quick shape gets a few untimed requests first: Satchel's JIT compiles its code in the first ones
    for (const t of targets) {
      if ((firstMs.get(t.name) ?? 0) < quickMs) for (let i = 0; i < 10; i++) await request(t, shape, timeoutMs);
    }
    const spent = new Map<ServerName, number>();
    // at least --runs rounds (at least 3 for a slow server, then until --budget is spent); a quick server
    // goes on for up to 100 rounds (of quickInARow requests) or a second, so that one noisy request can't
    // move its median
    const wants = (t: Target, r: number) => {
      const s = spent.get(t.name) ?? 0;
      if ((firstMs.get(t.name) ?? 0) >= timeoutMs) return false;
      if (r < runs) return r < 3 || s <= budgetMs;
      return r < 100 && s < quickMs * 20;
    };
    for (let r = 0; targets.some((t) => wants(t, r)); r++) {
      // rotate the order, so a drift in the machine's load falls on every server alike
      const order = targets.map((_, i) => targets[(i + r) % targets.length] as Target);
      for (const t of order) {
        if (!wants(t, r)) continue;
        // a quick shape is asked several times in a row: a single request to a server that sat idle while
        // the others answered times the wake-up of an idle process more than the server's own work
        const inARow = (firstMs.get(t.name) ?? 0) < quickMs ? quickInARow : 1;
        for (let i = 0; i < inARow; i++) {
          const { answer, ms } = await request(t, shape, timeoutMs);
          if (answer.status !== 200) problems.push(`${t.name} answered ${answer.status} in a timed run`);
          result.runs[t.name] = [...(result.runs[t.name] ?? []), ms];
          spent.set(t.name, (spent.get(t.name) ?? 0) + ms);
        }
      }
    }
    for (const t of targets) {
      const times = result.runs[t.name] ?? [];
      result.ms[t.name] = times.length > 0 ? median(times) : firstMs.get(t.name);
    }
    result.load = loadavg()[0];
    results.push(result);
    // a server left running a query it didn't answer in time would hold up the next shape's requests
    for (const t of targets) {
      if (t.name !== "hand" && (result.runs[t.name] ?? [firstMs.get(t.name) ?? 0]).some((ms) => ms >= timeoutMs))
        await waitIdle(t);
    }
    const line = targets.map((t) => `${t.name} ${fmt(result.ms[t.name])} (first ${fmt(firstMs.get(t.name))})`);
    log(
      `${shape.name.padEnd(22)} ${line.join(", ")}${problems.length > 0 ? `  DIFFERENT: ${problems.join("; ")}` : ""}`,
    );
    if (problems.length > 0 && !opts["keep-going"]) throw new Error(`${shape.name}: ${problems.join("; ")}`);
  }

  const when = new Date().toISOString().slice(0, 16).replace("T", " ");
  console.log(
    `\nScale bench, ${when}, indexes "${indexSet}", median of ${runs} runs or more (quick shapes up to 100) after one answer checked; load average ${loadavg()[0]?.toFixed(2)}\n`,
  );
  console.log(
    table(
      results,
      targets.map((t) => t.name),
    ),
  );
  const wrong = results.filter((r) => r.problems.length > 0);
  if (wrong.length > 0)
    console.log(`\nanswers that differ: ${wrong.map((r) => `${r.name} (${r.problems.join("; ")})`).join(", ")}`);
  if (opts.json) await Bun.write(opts.json, JSON.stringify({ indexes: indexSet, when, results }, null, 2));
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  db.close();
} finally {
  for (const s of servers) await s.stop();
  rmSync(work, { recursive: true, force: true });
}
