/**
 * The bcrypt ceiling of auth-with-password: how many bcrypt comparisons per second this process makes with
 * `concurrency` of them in flight, for a hash of the given cost (run it pinned to the server's CPU).
 *
 *   bun bench/auth/bcrypt-ceiling.ts <cost> <seconds> <concurrency>
 *
 * Prints `{"cost":10,"verifies":...,"seconds":...,"perSecond":...,"perCpuSecond":...}` (CPU time of every thread,
 * bcrypt's pool included).
 */
import { argv, cpuUsage, stdout } from "node:process";

const [costArg = "10", secondsArg = "3", concurrencyArg = "16"] = argv.slice(2);
const cost = Number(costArg);
const seconds = Number(secondsArg);
const concurrency = Number(concurrencyArg);

const password = "bench-pass-123";
const hash = await Bun.password.hash(password, { algorithm: "bcrypt", cost });

let verifies = 0;
const cpuAtStart = cpuUsage();
const started = performance.now();
const deadline = started + seconds * 1000;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      if (!(await Bun.password.verify(password, hash, "bcrypt"))) throw new Error("bcrypt verify failed");
      verifies++;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
const cpu = cpuUsage(cpuAtStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
stdout.write(
  JSON.stringify({
    cost,
    verifies,
    seconds: elapsed,
    perSecond: verifies / elapsed,
    perCpuSecond: verifies / cpuSeconds,
  }),
);
