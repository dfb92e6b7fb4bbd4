import { nodeTag } from "../apis/realtime-client-id.ts";
import type { App } from "../core/app.ts";
import type { BaseApp } from "../core/base-app.ts";
import type { ClusterBus } from "../tools/cluster/bus.ts";
import { SocketBus } from "../tools/cluster/socket-bus.ts";
import { busSocket, type SoloHub, startSoloHub } from "./cluster-bus-file.ts";
import { type Command, CommandError, type CommandInput, errorMessage, UsageError } from "./command.ts";
import { parseListen } from "./listen-address.ts";
import { migrateConfig } from "./migrate-command.ts";
import { databaseUrlEnv } from "./open-database.ts";
import { joinPostgresCluster } from "./postgres-cluster.ts";
import type { RunningServer } from "./serve.ts";
import { parseWorkers, readyChannel, runPrimary, workerEnv } from "./serve-workers.ts";

export interface ServeCommandDeps {
  /** Builds the (not yet bootstrapped) app of the command's data directory, on the cluster bus when given. */
  makeApp(input: CommandInput, bus?: ClusterBus): Promise<BaseApp & App>;
  /** Calls listener on every stop request until the returned function is called. */
  onStopSignal(listener: (signal: string) => void): () => void;
  /** The command line starting a worker process (`--workers` is refused without it). */
  workerCommand?: readonly string[];
}

/** How long in-flight requests may run on after the first stop signal. */
const shutdownGraceMs = 5000;
/** After the grace period, the databases get this long to close before the command gives up. */
const closeDeadlineMs = 10_000;

/** timestamp formats a date like Go's standard logger (PocketBase's banner): `2006/01/02 15:04:05`. */
function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * stopRequests listens for stop signals from now on: `first` settles with the first one, `again` with the
 * next (which cuts the graceful wait short).
 */
function stopRequests(deps: ServeCommandDeps, ignore: readonly string[] = []) {
  const first = Promise.withResolvers<string>();
  const again = Promise.withResolvers<string>();
  let received = 0;
  const unsubscribe = deps.onStopSignal((signal) => {
    if (ignore.includes(signal)) return;
    received++;
    (received === 1 ? first : again).resolve(signal);
  });
  return { first: first.promise, again: again.promise, unsubscribe };
}

/** stopWithin stops the server, failing when it takes longer than the grace period plus the close deadline. */
async function stopWithin(running: RunningServer, abort: Promise<unknown>): Promise<number> {
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    deadline = setTimeout(
      () => reject(new CommandError("the server did not shut down in time")),
      shutdownGraceMs + closeDeadlineMs,
    );
  });
  try {
    const { interrupted } = await Promise.race([running.stop({ graceMs: shutdownGraceMs, abort }), timedOut]);
    return interrupted;
  } finally {
    clearTimeout(deadline);
  }
}

/** startBanner lists the server's addresses as PocketBase does; the dashboard's, or why it isn't served. */
function startBanner(running: RunningServer, dashboardMissing: string | null): string {
  const started = `${timestamp(new Date())} Server started at ${running.url}\n`;
  if (running.dashboardUrl) {
    return `${started}├─ REST API:  ${running.url}/api/\n└─ Dashboard: ${running.dashboardUrl}\n`;
  }
  const note = dashboardMissing ? `(the dashboard is not served: ${dashboardMissing})\n` : "";
  return `${started}└─ REST API:  ${running.url}/api/\n${note}`;
}

/**
 * installerBanner invites to open the installer link, as PocketBase words it; without a dashboard to open
 * it in, it points to the command line instead.
 */
function installerBanner(url: string | null): string {
  if (!url) return "\nYou can create your first superuser by running: satchel superuser upsert EMAIL PASS\n\n";
  return (
    "\n(!) Launch the URL below in the browser if it hasn't been open already to create your first superuser account:\n" +
    `${url}\n(you can also create your first superuser by running: satchel superuser upsert EMAIL PASS)\n\n`
  );
}

/** Said at start by a node on PostgreSQL whose record files are in its own data directory. */
export const localStorageWarning =
  "Warning: the record files are stored in this node's data directory (storage/), not on S3. Other nodes serving the same PostgreSQL database won't see them: with more than one node, turn on S3 storage in the settings (Settings > Files storage).\n";

/** serveCommand is `satchel serve`: it runs until SIGINT/SIGTERM, then shuts down gracefully. */
export function serveCommand(deps: ServeCommandDeps): Command {
  return {
    name: "serve",
    summary: "Starts the web server (default to 127.0.0.1:8090 if no --http is set)",
    flags: [
      { name: "http", kind: "string", default: "127.0.0.1:8090", usage: "TCP address to listen for the HTTP server" },
      {
        name: "origins",
        kind: "list",
        default: "*",
        usage: "CORS allowed domain origins list (comma separated or repeated)",
      },
      {
        name: "publicOpenAPI",
        kind: "boolean",
        usage: "serve /api/openapi.json to anybody, each the part of the API they may use (default superusers only)",
      },
      {
        name: "workers",
        kind: "string",
        default: "1",
        usage: 'how many server processes share the port and the data directory ("auto": one per core)',
      },
    ],
    async run(input) {
      const { args, flags, io } = input;
      const workerNode = process.env[workerEnv.node];
      if (workerNode) return runWorker(deps, input, Number(workerNode));
      if (args.length > 0) {
        throw new UsageError(
          `unexpected argument ${JSON.stringify(args[0])}: serving domains with automatic TLS certificates is not supported; put a TLS-terminating proxy in front of Satchel`,
        );
      }
      const http = flags.string("http");
      try {
        parseListen(http);
      } catch (err) {
        throw new UsageError(errorMessage(err));
      }

      let workers: number;
      try {
        workers = parseWorkers(flags.string("workers"));
      } catch (err) {
        throw new UsageError(errorMessage(err));
      }
      const databaseUrl = flags.string("db") || (process.env[databaseUrlEnv] ?? "");
      if (workers > 1 && databaseUrl !== "") {
        throw new UsageError(
          "--workers is for SQLite: on PostgreSQL, start several `satchel serve` nodes (one per core or per machine) behind a load balancer; they join one cluster on their own (see docs/scaling.md)",
        );
      }
      if (workers > 1) return runCluster(deps, input, workers);

      // listen from the start, so a signal during startup stops the server as soon as it is up
      const stop = stopRequests(deps);
      let solo: SoloHub | null = null;
      try {
        // loaded here so that help and usage errors answer without loading the server
        const [{ serve }, { loadInstaller }, { loadDashboard }] = await Promise.all([
          import("./serve.ts"),
          import("../apis/installer.ts"),
          import("./dashboard-source.ts"),
        ]);
        const report = (m: string) => io.err(`${m}\n`);
        // on PostgreSQL, every node serving the database is one cluster, over LISTEN/NOTIFY; on SQLite, the
        // server runs a hub for the commands run beside it on the data directory (migrate, superuser)
        const failed = (err: unknown) => {
          throw new CommandError(`failed to start the server: ${errorMessage(err)}`);
        };
        solo = databaseUrl === "" ? await startSoloHub(flags.string("dir"), report).catch(failed) : null;
        const hub = solo;
        const bus: ClusterBus | null = hub
          ? hub.bus
          : databaseUrl === ""
            ? null
            : await joinPostgresCluster(databaseUrl, report).catch(failed);
        const leave = async () => {
          if (hub) hub.close();
          else await bus?.close();
        };
        const app = await deps.makeApp(input, bus ?? undefined).catch(async (err: unknown) => {
          await leave();
          throw err;
        });
        // a program embedding Satchel made its app beforehand: it serves alone
        const joined = bus !== null && app.cluster() === bus;
        if (bus && !joined) await leave();
        let running: RunningServer;
        const dashboard = await loadDashboard();
        try {
          // like PocketBase, an empty list means any origin
          const origins = flags.list("origins");
          running = await serve(app, {
            http,
            origins: origins.length > 0 ? origins : ["*"],
            dashboard,
            publicOpenApi: flags.boolean("publicOpenAPI"),
          });
        } catch (err) {
          await app.terminate().catch(() => {});
          await leave();
          throw new CommandError(`failed to start the server: ${errorMessage(err)}`);
        }
        if (joined) {
          await hub?.announce().catch((err: unknown) => {
            report(
              `Warning: could not name the cluster bus in the data directory (${errorMessage(err)}): commands run beside this server (migrate, superuser) reach it at its next restart.`,
            );
          });
        }
        io.out(startBanner(running, "missing" in dashboard ? dashboard.missing : null));
        if (databaseUrl !== "" && !app.settings().s3.enabled) io.err(localStorageWarning);
        const installerUrl = await loadInstaller(app, running.url).catch((err: unknown) => {
          app.logger().warn("failed to initialize the installer", { error: errorMessage(err) });
          return null;
        });
        if (installerUrl) io.out(installerBanner(running.dashboardUrl ? installerUrl : null));

        // the app may also end on its own: a restore whose data, and then the previous data, failed to start
        const signal = await Promise.race([stop.first, running.closed.then(() => null)]);
        if (signal === null) {
          io.err("The app was terminated (see the error above): the server stopped.\n");
          return 1;
        }
        io.out(`Received ${signal}, shutting down (a second signal stops without waiting for requests)...\n`);
        const interrupted = await stopWithin(running, stop.again);
        await leave();
        if (interrupted > 0) io.err(`Closed the connections of ${interrupted} unfinished request(s).\n`);
        io.out("Server stopped.\n");
        return 0;
      } finally {
        solo?.close();
        stop.unsubscribe();
      }
    },
  };
}

/**
 * runCluster is the primary of `serve --workers=N`: it applies the pending migrations once, then runs the
 * workers (serve-workers.ts) until a stop signal.
 */
async function runCluster(deps: ServeCommandDeps, input: CommandInput, count: number): Promise<number> {
  const { io, flags } = input;
  if (!deps.workerCommand)
    throw new UsageError("--workers is not available here: there is no command to start workers with");
  const stop = stopRequests(deps);
  try {
    const app = await deps.makeApp(input);
    try {
      await app.bootstrap();
      const { applyAppMigrations } = await import("../plugins/migratecmd/operations.ts");
      await applyAppMigrations(app, migrateConfig(input).dir);
    } catch (err) {
      throw new CommandError(`failed to start the server: ${errorMessage(err)}`);
    } finally {
      await app.terminate().catch(() => {});
    }
    return await runPrimary({
      count,
      dataDir: app.dataDir,
      http: flags.string("http"),
      io,
      command: deps.workerCommand,
      stop,
      stopDeadlineMs: shutdownGraceMs + closeDeadlineMs,
    });
  } finally {
    stop.unsubscribe();
  }
}

/**
 * runWorker is one process of `serve --workers`: the server on the shared port, joined to the primary's
 * bus. It stops on SIGTERM (the primary's; a terminal's SIGINT reaches the primary, which passes it on) or
 * when the primary goes away.
 */
async function runWorker(deps: ServeCommandDeps, input: CommandInput, node: number): Promise<number> {
  const { io, flags } = input;
  const dir = process.env[workerEnv.dir] ?? "";
  const stop = stopRequests(deps, ["SIGINT"]);
  try {
    const hubLost = Promise.withResolvers<null>();
    const bus = await SocketBus.connect(busSocket(dir), `w${node}`, {
      onError: (message) => io.err(`${message}\n`),
      onHubLost: () => hubLost.resolve(null),
    });
    const [{ serve }, { loadInstaller }, { loadDashboard }] = await Promise.all([
      import("./serve.ts"),
      import("../apis/installer.ts"),
      import("./dashboard-source.ts"),
    ]);
    const app = await deps.makeApp(input, bus);
    const dashboard = await loadDashboard();
    let running: RunningServer;
    try {
      const origins = flags.list("origins");
      running = await serve(app, {
        http: process.env[workerEnv.http] || flags.string("http"),
        origins: origins.length > 0 ? origins : ["*"],
        dashboard,
        publicOpenApi: flags.boolean("publicOpenAPI"),
        reusePort: true,
        realtimeCluster: { tag: nodeTag(node) },
      });
    } catch (err) {
      await app.terminate().catch(() => {});
      await bus.close();
      throw new CommandError(`worker ${node} failed to start the server: ${errorMessage(err)}`);
    }
    if (process.env[workerEnv.banner] === "1") {
      io.out(startBanner(running, "missing" in dashboard ? dashboard.missing : null));
      const installerUrl = await loadInstaller(app, running.url).catch(() => null);
      if (installerUrl) io.out(installerBanner(running.dashboardUrl ? installerUrl : null));
    }
    bus.publish(readyChannel, { node, url: running.url });
    const signal = await Promise.race([stop.first, hubLost.promise, running.closed.then(() => "closed" as const)]);
    if (signal === "closed") {
      await bus.close();
      return 1;
    }
    await stopWithin(running, stop.again);
    await bus.close();
    return 0;
  } finally {
    stop.unsubscribe();
  }
}
