import { afterEach, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventSource } from "eventsource";
import PocketBase from "pocketbase";
import { runCli } from "../../src/cmd/cli.ts";
import { type RunningServer, serve } from "../../src/cmd/serve.ts";
import { type BaseApp, createApp } from "../../src/core/base-app.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { registerHooks } from "../../src/plugins/hooks/hooks.ts";
import { HookFileError } from "../../src/plugins/hooks/loader.ts";

// Bun has no EventSource: the SDK's realtime service uses this WHATWG-compliant one
(globalThis as { EventSource?: unknown }).EventSource = EventSource;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** project makes a directory with satchel_data/ and satchel_hooks/ holding the given hook files. */
async function project(files: Record<string, string>): Promise<{ dataDir: string; hooksDir: string }> {
  const root = await mkdtemp(join(tmpdir(), "satchel-hooks-bad-"));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const hooksDir = join(root, "satchel_hooks");
  await mkdir(hooksDir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(hooksDir, name), text);
  return { dataDir: join(root, "satchel_data"), hooksDir };
}

function newApp(dataDir: string, hookTimeout?: number): BaseApp {
  const app = createApp({
    dataDir,
    openDatabase: (p) => new SqliteDriver(p),
    migrations: systemMigrations,
    ...(hookTimeout ? { hookTimeout } : {}),
  });
  cleanups.push(() => (app.isBootstrapped() ? app.terminate() : Promise.resolve()));
  return app;
}

async function serveApp(app: BaseApp): Promise<RunningServer> {
  const running = await serve(app, { http: "127.0.0.1:0", origins: ["*"] });
  cleanups.unshift(() => running.stop());
  return running;
}

test("a hook file with a syntax error fails the load with the file and line, and binds nothing of the others", async () => {
  const { dataDir, hooksDir } = await project({
    "01_good.ts": "export default (app) => { app.onBootstrap((e) => e.next()); };",
    "02_bad.ts": "export default (app) => {\n  app.onServe((e) => {\n    return e.next(;\n  });\n};\n",
  });
  const app = newApp(dataDir);
  const before = app.hooks.onBootstrap.length;
  const err = await registerHooks(app, { dir: hooksDir, watch: false, typeCheck: false }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(HookFileError);
  expect(String((err as Error).message)).toMatch(/^failed to load hook file 02_bad\.ts: .*\(line 3, column \d+\)$/);
  expect(app.hooks.onBootstrap.length).toBe(before);
});

test("a hook file whose registration throws binds nothing, and `satchel serve` stops at start naming the file", async () => {
  const { dataDir, hooksDir } = await project({
    "01_good.ts": "export default (app) => { app.onRecordCreate((e) => e.next()); };",
    "02_throws.ts": 'export default () => { throw new Error("no config"); };',
  });
  const app = newApp(dataDir);
  const err = await registerHooks(app, { dir: hooksDir, watch: false, typeCheck: false }).catch((e: unknown) => e);
  expect(String((err as Error).message)).toStartWith("failed to register hook file 02_throws.ts: Error: no config");
  expect(app.hooks.onRecordCreate.length).toBe(0);

  const out: string[] = [];
  const code = await runCli(["serve", `--dir=${dataDir}`, `--hooksDir=${hooksDir}`, "--http=127.0.0.1:0"], {
    version: "test",
    io: { out: (t) => out.push(t), err: (t) => out.push(t), readLine: async () => null },
    makeApp: async ({ dir }) => newApp(dir),
    onStopSignal: () => () => {},
  });
  expect(code).toBe(1);
  expect(out.join("")).toContain("failed to register hook file 02_throws.ts");
  // serve type-checks the files first: seconds on a loaded machine
}, 30_000);

test("a hook that never calls e.next() answers that request with a 500 naming the hook after the timeout; the server goes on", async () => {
  const { dataDir, hooksDir } = await project({
    "hang.ts": `export default (app) => {
      app.onRecordsListRequest({ id: "slowList", func: () => new Promise(() => {}) });
    };`,
  });
  const app = newApp(dataDir, 300);
  await registerHooks(app, { dir: hooksDir, watch: false, typeCheck: false });
  const running = await serveApp(app);
  const started = performance.now();
  const res = await fetch(`${running.url}/api/collections/users/records`);
  expect(res.status).toBe(500);
  expect(((await res.json()) as { message: string }).message).toBe(
    'The onRecordsListRequest handler "slowList" did not call e.next() or return within 300ms.',
  );
  // at the hook's timeout, not never (no tight bound: machines are loaded)
  expect(performance.now() - started).toBeLessThan(10_000);
  expect((await fetch(`${running.url}/api/health`)).status).toBe(200);
});

test("under --dev, editing a hook file changes behaviour without a restart while an SSE client stays connected", async () => {
  const hookFile = (greeting: string) => `export default (app) => {
    app.onServe((e) => {
      e.router.get("/greet", (re) => re.json(200, { greeting: ${JSON.stringify(greeting)} }));
      return e.next();
    });
  };`;
  const { dataDir, hooksDir } = await project({ "greet.ts": hookFile("hello") });
  const app = newApp(dataDir);
  await registerHooks(app, { dir: hooksDir, watch: true, typeCheck: false });
  const running = await serveApp(app);
  const greeting = async () => ((await (await fetch(`${running.url}/greet`)).json()) as { greeting: string }).greeting;
  expect(await greeting()).toBe("hello");

  const pb = new PocketBase(running.url);
  const messages: unknown[] = [];
  await pb.realtime.subscribe("news", (data) => messages.push(data));
  const clientId = pb.realtime.clientId;
  let disconnects = 0;
  pb.realtime.onDisconnect = () => disconnects++;
  cleanups.unshift(async () => pb.realtime.unsubscribe());

  await writeFile(join(hooksDir, "greet.ts"), hookFile("bonjour"));
  const deadline = performance.now() + 10_000;
  while ((await greeting()) !== "bonjour") {
    if (performance.now() > deadline) throw new Error("the edited hook file was not loaded");
    await Bun.sleep(50);
  }
  // the connection made before the reload still gets messages
  expect(app.realtime().send("news", { after: "reload" })).toBe(1);
  await Bun.sleep(100);
  expect(messages).toEqual([{ after: "reload" }]);
  expect(pb.realtime.clientId).toBe(clientId);
  expect(disconnects).toBe(0);
});

/** A typed hook file whose handler reads a field the event doesn't have, on line 5. */
const misspeltField = `import { type App, ApiError } from "satchel/hooks";

export default (app: App) => {
  app.onRecordCreate((e) => {
    if (e.recrd.getString("title") === "") throw new ApiError(400, "A title, please.");
    return e.next();
  }, "posts");
};
`;

test("a hook file with a type error stops `satchel serve` at start with the file and line; no file runs", async () => {
  const { dataDir, hooksDir } = await project({
    // its top-level code would run if the files were imported
    "01_good.ts": `import type { App } from "satchel/hooks";
(globalThis as Record<string, unknown>).satchelGoodHookRan = true;
export default (app: App) => { app.onRecordCreate((e) => e.next()); };
`,
    "02_typo.ts": misspeltField,
  });
  const out: string[] = [];
  let app: BaseApp | undefined;
  const code = await runCli(["serve", `--dir=${dataDir}`, `--hooksDir=${hooksDir}`, "--http=127.0.0.1:0"], {
    version: "test",
    io: { out: (t) => out.push(t), err: (t) => out.push(t), readLine: async () => null },
    makeApp: async ({ dir }) => {
      app = newApp(dir);
      return app;
    },
    onStopSignal: () => () => {},
  });
  expect(code).toBe(1);
  expect(out.join("")).toMatch(
    /failed to load hook file 02_typo\.ts: Property 'recrd' does not exist on type 'RecordEvent'.*\(TS2551, line 5, column 11\)/,
  );
  expect(app?.hooks.onRecordCreate.length).toBe(0);
  expect((globalThis as Record<string, unknown>).satchelGoodHookRan).toBeUndefined();
}, 30_000);

test("--hooksTypecheck=false loads a file with a type error (bun runs it as it is)", async () => {
  const { dataDir, hooksDir } = await project({ "02_typo.ts": misspeltField });
  const app = newApp(dataDir);
  await registerHooks(app, { dir: hooksDir, watch: false, typeCheck: false });
  expect(app.hooks.onRecordCreate.length).toBe(1);
});

test("under --dev, a change with a type error keeps the previous hooks and logs the file and line", async () => {
  const hookFile = (greeting: string, body = "") => `import type { App } from "satchel/hooks";

export default (app: App) => {
  app.onServe((e) => {
    ${body}
    e.router.get("/greet", (re) => re.json(200, { greeting: ${JSON.stringify(greeting)} }));
    return e.next();
  });
};
`;
  const { dataDir, hooksDir } = await project({ "greet.ts": hookFile("hello") });
  const app = newApp(dataDir);
  const errors: string[] = [];
  app.logger().addSink({
    write: (entry) => {
      if (entry.message === "hook files not reloaded: the previous ones stay") errors.push(String(entry.data.error));
    },
  });
  await registerHooks(app, { dir: hooksDir, watch: true, typeCheck: true });
  const running = await serveApp(app);
  const greeting = async () => ((await (await fetch(`${running.url}/greet`)).json()) as { greeting: string }).greeting;
  expect(await greeting()).toBe("hello");

  await writeFile(join(hooksDir, "greet.ts"), hookFile("bonjour", "const port: number = e.listen;"));
  const deadline = performance.now() + 20_000;
  while (errors.length === 0) {
    if (performance.now() > deadline) throw new Error("the failed reload was not logged");
    await Bun.sleep(50);
  }
  expect(errors[0]).toMatch(
    /failed to load hook file greet\.ts: Type 'string' is not assignable to type 'number'.*\(TS2322, line 5, column 11\)/,
  );
  expect(await greeting()).toBe("hello");

  await writeFile(join(hooksDir, "greet.ts"), hookFile("bonjour"));
  while ((await greeting()) !== "bonjour") {
    if (performance.now() > deadline) throw new Error("the fixed hook file was not loaded");
    await Bun.sleep(50);
  }
}, 40_000);
