/**
 * Drives schemathesis, a property-based API tester, with Satchel's own OpenAPI document against a served
 * Satchel whose schema has every field type (tests/typegen/schema-fixture.ts): first as a guest with the
 * public part of the document, then as a superuser with the whole API, admin APIs last (they change the
 * schema under the run). It reports how many requests each phase sent and every failure; any 5xx fails it.
 * Not part of `npm test`: it takes minutes. schemathesis comes from PyPI (`pip install schemathesis`).
 *
 *   bun bench/openapi/fuzz.ts [--max-examples=50] [--seed=1] [--checks=all] [--keep=DIR]
 *                            [--schemathesis=PATH]   (default: SCHEMATHESIS, else `schemathesis` on PATH)
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newRouter } from "../../src/apis/base.ts";
import { realtimeWebSocketHandler } from "../../src/apis/realtime-ws.ts";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import { createApp } from "../../src/core/base-app.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { newAuthToken } from "../../src/core/record-tokens.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { LogLevel } from "../../src/tools/logger/logger.ts";
import { seedEveryFieldType } from "../../tests/typegen/schema-fixture.ts";

function option(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}

const maxExamples = option("max-examples", "50");
const seed = option("seed", "1");
/**
 * The checks left out, each for a behaviour PocketBase has on purpose (the run checks everything else):
 * unknown methods answer 404, not 405 (every path has a catch-all route); list parameters are read
 * leniently (`perPage=` is the default, `"12"` is a number); schema-valid bodies may still break rules a
 * schema can't state (relations to existing records, unique values, matching passwords); a guest calling a
 * superusers-only records operation gets 403, not 401.
 */
const excludedChecks = option(
  "exclude-checks",
  "unsupported_method,negative_data_rejection,positive_data_acceptance,missing_required_header",
);
const keep = option("keep", "");
const schemathesis = option("schemathesis", process.env.SCHEMATHESIS ?? Bun.which("schemathesis") ?? "");
if (schemathesis === "") {
  process.stderr.write("schemathesis is not installed: `pip install schemathesis`, or pass --schemathesis=PATH\n");
  process.exit(2);
}

const work = keep || (await mkdtemp(join(tmpdir(), "satchel-fuzz-")));
await mkdir(work, { recursive: true });
const dataDir = join(work, "data");
const app = createApp({ dataDir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
await app.bootstrap();
await seedEveryFieldType(app);
// batch requests are off by default: on, the batch endpoint is fuzzed too
const settings = structuredClone(app.settings());
settings.batch.enabled = true;
await app.saveSettings(settings);

/**
 * tokenOf signs in an auth record as it is when a phase starts: the phase before may have changed its
 * password (which ends its tokens) or deleted it, so it is put back first.
 */
async function tokenOf(collection: string, email: string): Promise<string> {
  const password = "S3cret-pass-123";
  if (collection === "_superusers") await upsertSuperuser(app, email, password);
  else {
    const c = await app.findCollectionByNameOrId(collection);
    const record = (await app.findAuthRecordByEmail(c, email)) ?? new RecordModel(c);
    record.load({ email, password, passwordConfirm: password });
    await app.save(record);
  }
  const record = await app.findAuthRecordByEmail(collection, email);
  if (!record) throw new Error(`no ${collection} record ${email}`);
  return newAuthToken(record);
}

// every error the server logs (a 500 is logged with its cause) is reported, whatever schemathesis checks;
// the request log of a request answered with a 4xx is the client's error, not the server's
const serverErrors: string[] = [];
app.logger().addSink({
  write(entry) {
    if (entry.level < LogLevel.error) return;
    if (entry.data.type === "request" && Number(entry.data.status) < 500) return;
    serverErrors.push(`${entry.message} ${JSON.stringify(entry.data ?? {})}`);
  },
});

// served as `satchel serve --publicOpenAPI` serves it, counting every request and its status on the way
const router = newRouter(app, { publicOpenApi: true });
const statuses = new Map<number, number>();
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 60,
  fetch: async (req, srv) => {
    const res = await router.fetch(req, { server: srv });
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    return res;
  },
  websocket: realtimeWebSocketHandler(),
});
const baseUrl = `http://127.0.0.1:${server.port}`;

interface Phase {
  name: string;
  /** Who sends the requests: nobody (a guest), or an auth record by collection and email. */
  as: [string, string] | null;
  filter: string[];
}

// the superuser's own record and the schema are fuzzed last: changing them ends the phase's token or its document
const lastOnes = ["--include-tag", "Collections", "--include-tag", "Settings"];
const ownRecord = ["updateSuperusers", "deleteSuperusers"];
const phases: Phase[] = [
  { name: "guest", as: null, filter: [] },
  { name: "member", as: ["members", "member@example.com"], filter: [] },
  {
    name: "superuser",
    as: ["_superusers", "root@example.com"],
    filter: [
      "--exclude-tag",
      "Collections",
      "--exclude-tag",
      "Settings",
      ...ownRecord.flatMap((id) => ["--exclude-operation-id", id]),
    ],
  },
  {
    name: "superuser-admin",
    as: ["_superusers", "root@example.com"],
    filter: [...lastOnes, ...ownRecord.flatMap((id) => ["--include-operation-id", id])],
  },
];

interface PhaseResult {
  name: string;
  requests: number;
  exitCode: number;
  failures: string[];
}

type Json = Record<string, unknown>;

/**
 * withoutFieldsParameter drops `?fields=` from every operation: it trims an answer to the keys asked for,
 * below what the response schemas require (as its description says), which the fuzzer would report as
 * answers that break their schema. The picker has its own tests.
 */
function withoutFieldsParameter(doc: Json): Json {
  for (const item of Object.values(doc.paths as Record<string, Record<string, { parameters?: Json[] }>>)) {
    for (const op of Object.values(item)) {
      if (op.parameters) op.parameters = op.parameters.filter((p) => p.$ref !== "#/components/parameters/fields");
    }
  }
  return doc;
}

/** runPhase runs schemathesis with the document the phase's requester gets, and collects its failures. */
async function runPhase(phase: Phase): Promise<PhaseResult> {
  const before = [...statuses.values()].reduce((a, b) => a + b, 0);
  const headers: Record<string, string> = phase.as ? { Authorization: await tokenOf(...phase.as) } : {};
  const res = await fetch(`${baseUrl}/api/openapi.json`, { headers });
  const docPath = join(work, `openapi-${phase.name}.json`);
  await writeFile(docPath, JSON.stringify(withoutFieldsParameter((await res.json()) as Json), null, 2));
  const events = join(work, `events-${phase.name}.ndjson`);
  const args = [
    "run",
    docPath,
    "--url",
    baseUrl,
    ...Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]),
    ...phase.filter,
    // the event stream never ends by design
    "--exclude-operation-id",
    "realtimeConnect",
    "--checks",
    "all",
    "--exclude-checks",
    excludedChecks,
    "--max-examples",
    maxExamples,
    "--seed",
    seed,
    "--request-timeout",
    "20",
    "--workers",
    "2",
    "--report",
    "ndjson",
    "--report-ndjson-path",
    events,
    "--no-color",
  ];
  const shown = args.join(" ").replace(/Authorization: \S+/, "Authorization: <token>");
  process.stdout.write(`\n▶ ${phase.name}: ${schemathesis} ${shown}\n`);
  const proc = Bun.spawn([schemathesis, ...args], { stdout: "inherit", stderr: "inherit", cwd: work });
  const exitCode = await proc.exited;
  const requests = [...statuses.values()].reduce((a, b) => a + b, 0) - before;
  return { name: phase.name, requests, exitCode, failures: failuresOf(await readFile(events, "utf8").catch(() => "")) };
}

interface CheckFailure {
  code: string;
  title: string;
  operation: string;
  message: string;
}

/** failuresOf lists each distinct failure (by check and operation) of a schemathesis NDJSON event log. */
function failuresOf(log: string): string[] {
  const seen = new Map<string, string>();
  for (const line of log.split("\n")) {
    if (line.trim() === "") continue;
    const finished = (JSON.parse(line) as { ScenarioFinished?: { recorder: { checks?: Record<string, Json[]> } } })
      .ScenarioFinished;
    for (const list of Object.values(finished?.recorder.checks ?? {})) {
      for (const check of list) {
        const failure = (check.failure_info as { failure?: CheckFailure } | undefined)?.failure;
        if (!failure) continue;
        const key = `${failure.code} ${failure.title}: ${failure.operation}`;
        if (!seen.has(key)) seen.set(key, failure.message.split("\n")[0] ?? "");
      }
    }
  }
  return [...seen].map(([key, message]) => `${key} (${message})`);
}

const results: PhaseResult[] = [];
try {
  for (const phase of phases) results.push(await runPhase(phase));
} finally {
  await server.stop(true);
  await app.terminate();
  if (!keep) await rm(work, { recursive: true, force: true });
}

process.stdout.write("\n== schemathesis against Satchel ==\n");
for (const r of results) {
  process.stdout.write(`${r.name}: ${r.requests} requests, exit code ${r.exitCode}\n`);
  for (const f of r.failures) process.stdout.write(`  - ${f}\n`);
}
const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
process.stdout.write(`answers by status: ${byStatus.join(", ")}\n`);
// emails fail in the background here (no mail server is set): logged, never a request's failure
const logged = new Map<string, number>();
for (const e of serverErrors) logged.set(e.replace(/ \{.*$/, ""), (logged.get(e.replace(/ \{.*$/, "")) ?? 0) + 1);
process.stdout.write(`errors logged: ${serverErrors.length}\n`);
for (const [message, n] of logged) process.stdout.write(`  - ${n} × ${message}\n`);
const fiveHundreds = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
process.exit(fiveHundreds > 0 || results.some((r) => r.failures.length > 0) ? 1 : 0);
