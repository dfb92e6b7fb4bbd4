import { afterAll, describe, expect, test } from "bun:test";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { newRouter, serveRouter } from "../../src/apis/base.ts";
import type { App } from "../../src/core/app.ts";
import type { HookName } from "../../src/core/hooks.ts";
import { newAuthToken } from "../../src/core/record-tokens.ts";
import type { Router } from "../../src/core/router.ts";
import type { TestDatabase } from "../db/postgres-server.ts";
import { newTestApp, superuserEmail, type TestApp } from "./test-app.ts";
import { sqliteOnly } from "./test-engine.ts";

/**
 * The table-driven API test runner: each scenario is one request sent through the app's fetch handler (no
 * socket) on its own copy of a seeded data directory, with its status, body and fired hooks checked.
 *
 *   const fixture = defineFixture(async (app) => { ...collections and records... });
 *   runScenarios("posts API", fixture, [
 *     { name: "guest list", url: "/api/collections/posts/records", expectedStatus: 200,
 *       expectedContent: ['"totalItems":3'], expectedEvents: { onRecordsListRequest: 1 } },
 *   ]);
 */

/** Who signs a scenario's request: the fixture's superuser, or an auth record by collection and email. */
export type ScenarioAuth = "superuser" | { collection: string; email: string };

export interface ScenarioResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it isn't JSON). */
  json: unknown;
}

export interface Scenario {
  name: string;
  /** GET when left out. */
  method?: string;
  /** A path with its query, e.g. `/api/logs?perPage=2`. */
  url: string;
  /** A plain object or array is sent as JSON; anything else (FormData, string, bytes) as it is. */
  body?: unknown;
  headers?: Record<string, string>;
  auth?: ScenarioAuth;
  expectedStatus: number;
  /** Substrings the body must contain. */
  expectedContent?: readonly string[];
  /** Substrings the body must not contain. */
  notExpectedContent?: readonly string[];
  /**
   * How many times each hook must have fired during the request (0: never). With `"*": 0`, no hook left
   * out of the list may fire.
   */
  expectedEvents?: Partial<Record<HookName | "*", number>>;
  /** Adds routes and middlewares to the request's router, as an onServe handler does with `e.router`. */
  routes?: (router: Router, app: App) => void;
  /** Runs on the scenario's app before the request (seed what only this scenario needs, bind hooks). */
  beforeTest?: (t: TestApp) => Promise<void> | void;
  /** Runs after the checks, with the response (assert on the database, the storage, ...). */
  afterTest?: (t: TestApp, res: ScenarioResponse) => Promise<void> | void;
  /** Longer than the default 5 s for a scenario that waits on purpose. */
  timeoutMs?: number;
  /** Why the scenario checks something only SQLite has: it is skipped on PostgreSQL, the reason printed. */
  sqliteOnly?: string;
}

/** A seeded data directory, built once and copied for each scenario. */
export interface Fixture {
  /** A fresh app on its own copy of the seeded directory (bootstrapped; hook counts start at zero). */
  newApp(): Promise<TestApp>;
  /** Removes the seeded directory (a later newApp() seeds a new one). */
  dispose(): Promise<void>;
}

/**
 * StageClock times the stages of a slow setup, and names them when the whole took long enough to matter
 * for a test's timeout: on a loaded machine such a setup once took over 40 s with no sign of which part
 * (tests/README.md).
 */
class StageClock {
  readonly #started = performance.now();
  #last = this.#started;
  readonly #laps: string[] = [];

  lap(stage: string): void {
    const now = performance.now();
    this.#laps.push(`${stage} ${((now - this.#last) / 1000).toFixed(1)} s`);
    this.#last = now;
  }

  reportIfSlow(what: string, thresholdMs = 10_000): void {
    const total = performance.now() - this.#started;
    if (total < thresholdMs) return;
    const load = loadavg()[0]?.toFixed(1);
    process.stderr.write(
      `${what} took ${(total / 1000).toFixed(1)} s (${this.#laps.join(", ")}; load average ${load})\n`,
    );
  }
}

/** defineFixture seeds a data directory once (a superuser root@example.com is always there). */
export function defineFixture(seed: (app: App) => Promise<void> = async () => {}): Fixture {
  let template: Promise<{ dir: string; database: TestDatabase | null }> | null = null;
  const build = async () => {
    const stages = new StageClock();
    const t = await newTestApp({ withSuperuser: true });
    stages.lap("new app");
    await seed(t.app);
    stages.lap("seed");
    await t.app.terminate();
    stages.lap("close");
    stages.reportIfSlow("a scenario fixture's build");
    return { dir: t.dir, database: t.database };
  };
  return {
    async newApp() {
      template ??= build();
      const seeded = await template;
      const stages = new StageClock();
      const dir = await mkdtemp(join(tmpdir(), "satchel-scenario-"));
      await cp(seeded.dir, dir, { recursive: true });
      const t = await newTestApp({ dir, ...(seeded.database ? { template: seeded.database } : {}) });
      stages.lap("copy and open");
      stages.reportIfSlow("a scenario's copy of its fixture");
      return t;
    },
    async dispose() {
      const built = template;
      // a fixture shared by several runScenarios calls is seeded again for the next one
      template = null;
      if (!built) return;
      const seeded = await built;
      await rm(seeded.dir, { recursive: true, force: true });
      seeded.database?.dropLater();
    },
  };
}

const loopback = { requestIP: () => ({ address: "127.0.0.1", family: "IPv4", port: 0 }) };

/** requestInit builds the Request of a scenario (JSON for plain objects and arrays). */
function requestInit(s: RequestParts, token: string | null): RequestInit {
  const headers = new Headers(s.headers);
  if (token !== null) headers.set("authorization", token);
  let body: RequestInit["body"];
  if (s.body !== undefined) {
    const plain =
      s.body !== null &&
      typeof s.body === "object" &&
      (Array.isArray(s.body) || Object.getPrototypeOf(s.body) === Object.prototype);
    if (plain) {
      body = JSON.stringify(s.body);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    } else body = s.body as RequestInit["body"];
  }
  return { method: s.method ?? "GET", headers, body };
}

async function tokenFor(app: App, auth: ScenarioAuth | undefined): Promise<string | null> {
  if (auth === undefined) return null;
  const [collection, email] = auth === "superuser" ? ["_superusers", superuserEmail] : [auth.collection, auth.email];
  const record = await app.findAuthRecordByEmail(collection, email);
  if (!record) throw new Error(`no ${collection} record with the email ${email} in the fixture`);
  return newAuthToken(record);
}

type RequestParts = Pick<Scenario, "method" | "url" | "body" | "headers" | "auth" | "routes">;

/** send runs one request through a fresh router on the app, as if it came from 127.0.0.1. */
export async function send(app: App, s: RequestParts): Promise<ScenarioResponse> {
  return sendSigned(app, s, await tokenFor(app, s.auth));
}

async function sendSigned(app: App, s: RequestParts, token: string | null): Promise<ScenarioResponse> {
  const request = new Request(`http://127.0.0.1:8090${s.url}`, requestInit(s, token));
  const router = newRouter(app);
  s.routes?.(serveRouter(router), app);
  const res = await router.fetch(request, { server: loopback });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

function checkEvents(calls: ReadonlyMap<HookName, number>, expected: Scenario["expectedEvents"]): void {
  if (!expected) return;
  const fired: Record<string, number> = {};
  for (const [name, n] of calls) if (n > 0) fired[name] = n;
  const want: Record<string, number> = {};
  for (const [name, n] of Object.entries(expected)) if (name !== "*") want[name] = n ?? 0;
  if (expected["*"] === 0) {
    const nonZero = Object.fromEntries(Object.entries(want).filter(([, n]) => n > 0));
    expect(fired).toEqual(nonZero);
    return;
  }
  for (const [name, n] of Object.entries(want)) expect({ [name]: fired[name] ?? 0 }).toEqual({ [name]: n });
}

/** runScenarios registers one test per scenario, each on a fresh copy of the fixture's directory. */
export function runScenarios(title: string, fixture: Fixture, scenarios: readonly Scenario[]): void {
  describe(title, () => {
    afterAll(() => fixture.dispose());
    for (const s of scenarios) {
      (s.sqliteOnly ? sqliteOnly(s.sqliteOnly) : test)(
        s.name,
        async () => {
          const t = await fixture.newApp();
          try {
            await s.beforeTest?.(t);
            const token = await tokenFor(t.app, s.auth);
            t.calls.clear();
            const res = await sendSigned(t.app, s, token);
            if (res.status !== s.expectedStatus) {
              throw new Error(`expected status ${s.expectedStatus}, got ${res.status}: ${res.text.slice(0, 500)}`);
            }
            for (const c of s.expectedContent ?? []) expect(res.text).toContain(c);
            for (const c of s.notExpectedContent ?? []) expect(res.text).not.toContain(c);
            checkEvents(t.calls, s.expectedEvents);
            await s.afterTest?.(t, res);
          } finally {
            await t.cleanup();
          }
        },
        s.timeoutMs,
      );
    }
  });
}
