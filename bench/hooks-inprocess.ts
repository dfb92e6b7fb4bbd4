/**
 * bun bench/hooks-inprocess.ts: the CPU a no-op hook on every record hook costs per request, in process (no
 * HTTP, no load generator; the process's CPU time, not the wall clock): two apps on copies of the seeded
 * data, one with the no-op handlers bound through a hook file's app (guarded, as hook files bind them), the
 * requests sent to each one's router in alternating batches, so the machine's other work falls on both
 * alike. Steadier than hooks-paired.ts on a loaded machine, to find what the hook path costs;
 * hooks-paired.ts measures the target. HOOKS_ONLY=<regexp> binds only the record hooks it matches.
 *
 *   bun bench/hooks-inprocess.ts [--rounds=10] [--batch=400] [--workloads=list,view,create] [--only=hooks|none]
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { newRouter } from "../src/apis/base.ts";
import { createApp } from "../src/core/base-app.ts";
import { SqliteDriver } from "../src/db/sqlite/driver.ts";
import { systemMigrations } from "../src/migrations/index.ts";
import { Bindings, hookFileApp } from "../src/plugins/hooks/hook-file-app.ts";
import type { HookEvent } from "../src/tools/hook/hook.ts";
import { median, parseWorkloadList, workloadNames, workloads } from "./harness.ts";
import { seedDataDir } from "./seed.ts";

const { values: opts } = parseArgs({
  options: {
    rounds: { type: "string", default: "10" },
    batch: { type: "string", default: "400" },
    workloads: { type: "string", default: workloadNames.join(",") },
    /** Run one side alone (to profile it under `bun --cpu-prof`). */
    only: { type: "string", default: "" },
  },
});
const rounds = Number(opts.rounds);
const batch = Number(opts.batch);
const chosen = parseWorkloadList(opts.workloads);

const work = mkdtempSync(join(tmpdir(), "satchel-hooks-inprocess-"));
try {
  const ids = await seedDataDir(join(work, "seeded"));
  const open = async (name: string, hooked: boolean) => {
    const dataDir = join(work, name);
    cpSync(join(work, "seeded"), dataDir, { recursive: true });
    const app = createApp({ dataDir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
    if (hooked) {
      const fileApp = hookFileApp(app, "noop.ts", new Bindings());
      for (const hookName of app.hooks.names()) {
        if (!hookName.startsWith("onRecord")) continue;
        if (process.env.HOOKS_ONLY && !new RegExp(process.env.HOOKS_ONLY).test(hookName)) continue;
        const bind = Reflect.get(fileApp, hookName) as (h: (e: HookEvent) => Promise<void>) => unknown;
        bind((e) => e.next());
      }
    }
    await app.bootstrap();
    return { app, router: newRouter(app, {}) };
  };
  const hooked = await open("hooked", true);
  const plain = await open("plain", false);
  process.stdout.write(`in process, batches of ${batch}, ${rounds} rounds; load average ${loadavg()[0]?.toFixed(2)}\n`);
  for (const w of workloads(ids).filter((x) => chosen.includes(x.name))) {
    let k = 0;
    const runBatch = async (target: typeof hooked): Promise<number> => {
      const started = process.cpuUsage();
      for (let i = 0; i < batch; i++) {
        const r = w.requests[k++ % w.requests.length];
        if (!r) continue;
        const req = new Request(`http://127.0.0.1${r.path}`, {
          method: r.method,
          ...(r.body === undefined ? {} : { body: r.body, headers: { "content-type": "application/json" } }),
        });
        const res = await target.router.fetch(req);
        await res.arrayBuffer();
        if (res.status >= 300) throw new Error(`${w.name}: ${res.status}`);
      }
      const used = process.cpuUsage(started);
      return (used.user + used.system) / batch;
    };
    await runBatch(hooked);
    await runBatch(plain);
    if (opts.only !== "") {
      const target = opts.only === "hooks" ? hooked : plain;
      const us: number[] = [];
      for (let r = 0; r < rounds; r++) us.push(await runBatch(target));
      process.stdout.write(`${w.title.padEnd(32)} CPU µs/request ${opts.only} ${median(us).toFixed(0)}\n`);
      continue;
    }
    const ratios: number[] = [];
    const usH: number[] = [];
    const usP: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // the order alternates, so neither app always runs first
      const [h, p] =
        r % 2 === 0
          ? [await runBatch(hooked), await runBatch(plain)]
          : await runBatch(plain).then(async (p) => [await runBatch(hooked), p]);
      usH.push(h as number);
      usP.push(p as number);
      ratios.push((p as number) / (h as number));
    }
    process.stdout.write(
      `${w.title.padEnd(32)} CPU µs/request hooks ${median(usH).toFixed(0)}, none ${median(usP).toFixed(0)}; none ÷ hooks (throughput ratio) ${median(ratios).toFixed(3)}\n`,
    );
  }
  await hooked.app.terminate();
  await plain.app.terminate();
} finally {
  rmSync(work, { recursive: true, force: true });
}
