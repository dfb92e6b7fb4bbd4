import { BatchHandler } from "../tools/logger/batch-handler.ts";
import { Logger, LogLevel, type LogSink } from "../tools/logger/logger.ts";
import type { App } from "./app.ts";
import { consoleLogSink } from "./log-printer.ts";
import { deleteLogsOutsideSettings } from "./log-query.ts";
import {
  insertPackedLogs,
  logQueueTypes,
  packLog,
  packRequestLog,
  type RequestLog,
  requestLogData,
  requestLogMessage,
} from "./log-write.ts";

/** The app as its logger needs it: the settings and aux database, and whether they are open. */
type LoggingApp = App & { isBootstrapped(): boolean };

/**
 * AppLogger is the logger behind `app.logger()`, with `request` for the router's request logs: a
 * successful request's log is queued as its values (packRequestLog), its row made when the batch is
 * written, unless something else must see it as an entry (the console with `--dev`, a sink added).
 */
export class AppLogger extends Logger {
  readonly #app: LoggingApp;
  readonly #store: BatchHandler;
  #ownSinksOnly = true;

  constructor(app: LoggingApp, store: BatchHandler) {
    super([consoleLogSink(app.isDev), store]);
    this.#app = app;
    this.#store = store;
  }

  override addSink(sink: LogSink): void {
    this.#ownSinksOnly = false;
    super.addSink(sink);
  }

  /** request logs a finished request: at info level, or at error level with the error and its details. */
  request(log: RequestLog, error?: { message: string; details?: unknown }): void {
    if (error !== undefined || !this.#ownSinksOnly || this.#app.isDev) {
      this.log(
        error === undefined ? LogLevel.info : LogLevel.error,
        requestLogMessage(log),
        requestLogData(log, error),
      );
      return;
    }
    const logs = this.#app.settings().logs;
    if (logs.maxDays > 0 && LogLevel.info >= logs.minLevel) this.#store.writePacked(packRequestLog, log);
  }
}

/**
 * newAppLogger builds the logger behind `app.logger()`: it prints to the console (everything with `--dev`)
 * and stores entries in `auxiliary.db`'s `_logs` in batches, off the caller's path, following
 * `settings.logs` as it is at each entry (`maxDays: 0` stores nothing, `minLevel` drops lower levels).
 * When the settings reload, logs the new settings would not keep are deleted, as PocketBase does.
 */
export function newAppLogger(app: LoggingApp): AppLogger {
  const store = new BatchHandler({
    types: logQueueTypes,
    pack: packLog,
    // Waiting logs are bytes, which cost the collector nothing however long they wait; each transaction
    // writes its tables' and indexes' last pages to the WAL again, so larger ones cost less per row
    // (1000 rows took 0.3-0.4 µs less CPU per row than 200, the kernel's share 0.5-0.8 µs less, measured in
    // process), and handing a batch to the writer thread costs the event loop about half a millisecond
    // however large it is (4000 rows: 0.4-0.5 µs a log on the main thread, against 0.8-1.1 for 1000).
    batchSize: 4000,
    accept: (entry) => {
      const logs = app.settings().logs;
      return logs.maxDays > 0 && entry.level >= logs.minLevel;
    },
    write: async (logs) => {
      if (!app.isBootstrapped() || app.settings().logs.maxDays === 0) return;
      await insertPackedLogs(app.auxDb, logs);
    },
    onError: (err, count) => {
      process.stderr.write(`failed to write ${count} log entries: ${String(err)}\n`);
    },
  });
  const logger = new AppLogger(app, store);

  app.onSettingsReload().bind({
    id: "pbAppLoggerOnSettingsReload",
    priority: -999,
    func: async (e) => {
      await e.next();
      const { maxDays, minLevel } = app.settings().logs;
      await deleteLogsOutsideSettings(app.auxDb, maxDays, minLevel).catch((err: unknown) =>
        logger.debug("Failed to cleanup old logs", { error: err }),
      );
    },
  });
  return logger;
}
