/** Levels as PocketBase logs them (slog): debug -4, info 0, warn 4, error 8. */
export const LogLevel = { debug: -4, info: 0, warn: 4, error: 8 } as const;
export type LogLevelName = keyof typeof LogLevel;

export interface LogEntry {
  level: number;
  message: string;
  data: Record<string, unknown>;
  time: Date;
}

/** Logger writes structured entries to its sinks (the console; later the logs table). */
export class Logger {
  readonly #sinks: ((entry: LogEntry) => void)[] = [];

  constructor(
    /** Entries below this level are dropped. */
    public minLevel: number = LogLevel.info,
  ) {}

  addSink(sink: (entry: LogEntry) => void): void {
    this.#sinks.push(sink);
  }

  log(level: number, message: string, data: Record<string, unknown> = {}): void {
    if (level < this.minLevel) return;
    const entry = { level, message, data, time: new Date() };
    for (const sink of this.#sinks) sink(entry);
  }

  debug(message: string, data?: Record<string, unknown>): void {
    this.log(LogLevel.debug, message, data);
  }

  info(message: string, data?: Record<string, unknown>): void {
    this.log(LogLevel.info, message, data);
  }

  warn(message: string, data?: Record<string, unknown>): void {
    this.log(LogLevel.warn, message, data);
  }

  error(message: string, data?: Record<string, unknown>): void {
    this.log(LogLevel.error, message, data);
  }
}

/** consoleSink prints entries to stderr, one line each. */
export function consoleSink(entry: LogEntry): void {
  const name =
    (Object.keys(LogLevel) as LogLevelName[]).find((k) => LogLevel[k] === entry.level) ?? String(entry.level);
  const data = Object.keys(entry.data).length > 0 ? ` ${JSON.stringify(entry.data)}` : "";
  process.stderr.write(`${entry.time.toISOString()} ${name.toUpperCase()} ${entry.message}${data}\n`);
}
