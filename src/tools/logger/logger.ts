import { ValidationError, ValidationErrors } from "../validation/validation.ts";

/** Levels as PocketBase logs them (slog): debug -4, info 0, warn 4, error 8. */
export const LogLevel = { debug: -4, info: 0, warn: 4, error: 8 } as const;
export type LogLevelName = keyof typeof LogLevel;

/** levelName is "DEBUG", "INFO", "WARN", "ERROR", or the number of any other level. */
export function levelName(level: number): string {
  switch (level) {
    case LogLevel.debug:
      return "DEBUG";
    case LogLevel.info:
      return "INFO";
    case LogLevel.warn:
      return "WARN";
    case LogLevel.error:
      return "ERROR";
    default:
      return String(level);
  }
}

export interface LogEntry {
  level: number;
  message: string;
  data: Record<string, unknown>;
  /** When it was logged, in milliseconds since the epoch (`Date.now()`). */
  time: number;
}

/** LogSink receives every entry a Logger writes; one that buffers entries writes them out on flush. */
export interface LogSink {
  write(entry: LogEntry): void;
  flush?(): Promise<void>;
}

type Scope = (data: Record<string, unknown>) => Record<string, unknown>;

/**
 * Logger writes structured entries to its sinks (the console, the logs table). Attribute values that are
 * errors are stored as their message (validation errors as a map of field messages), as PocketBase does.
 * `with` and `withGroup` work as slog's: attrs added after a group go inside it, an empty group is dropped.
 */
export class Logger {
  readonly #sinks: LogSink[];
  /** Places an entry's attrs among the attrs and groups added by `with` and `withGroup`. */
  readonly #scope: Scope | null;

  constructor(sinks: LogSink[] = [], scope: Scope | null = null) {
    this.#sinks = sinks;
    this.#scope = scope;
  }

  addSink(sink: LogSink): void {
    this.#sinks.push(sink);
  }

  /** with returns a logger that adds attrs to every entry (an entry's own attrs of the same name win). */
  with(attrs: Record<string, unknown>): Logger {
    const own = normalizeLogData(attrs);
    const parent = this.#scope;
    return new Logger(this.#sinks, (data) => {
      const merged = { ...own, ...data };
      return parent === null ? merged : parent(merged);
    });
  }

  /** withGroup returns a logger that nests the attrs of every entry (and later `with` attrs) under name. */
  withGroup(name: string): Logger {
    if (name === "") return this;
    const parent = this.#scope;
    return new Logger(this.#sinks, (data) => {
      const grouped = Object.keys(data).length === 0 ? {} : { [name]: data };
      return parent === null ? grouped : parent(grouped);
    });
  }

  log(level: number, message: string, attrs?: Record<string, unknown>): void {
    let data = attrs === undefined ? {} : normalizeLogData(attrs);
    if (this.#scope !== null) data = this.#scope(data);
    const entry: LogEntry = { level, message, data, time: Date.now() };
    for (const sink of this.#sinks) sink.write(entry);
  }

  debug(message: string, attrs?: Record<string, unknown>): void {
    this.log(LogLevel.debug, message, attrs);
  }

  info(message: string, attrs?: Record<string, unknown>): void {
    this.log(LogLevel.info, message, attrs);
  }

  warn(message: string, attrs?: Record<string, unknown>): void {
    this.log(LogLevel.warn, message, attrs);
  }

  error(message: string, attrs?: Record<string, unknown>): void {
    this.log(LogLevel.error, message, attrs);
  }

  /** flush writes out what the sinks still buffer. */
  async flush(): Promise<void> {
    await Promise.all(this.#sinks.map((s) => s.flush?.()));
  }
}

/**
 * normalizeLogData makes attributes storable as JSON: an error becomes its message (validation errors a
 * map of their fields' messages), inside plain objects too. Objects without errors are kept as they are.
 */
export function normalizeLogData(attrs: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const key in attrs) {
    const value = attrs[key];
    const normalized = normalizeLogValue(value);
    if (normalized !== value) {
      out ??= { ...attrs };
      out[key] = normalized;
    }
  }
  return out ?? attrs;
}

/** stringifyLogData is the JSON of a log's data; data that can't be serialized (a cycle, a bigint) is replaced by why. */
export function stringifyLogData(data: Record<string, unknown>): string {
  try {
    return JSON.stringify(data) ?? "{}";
  } catch (err) {
    return JSON.stringify({ logDataError: err instanceof Error ? err.message : String(err) });
  }
}

/** normalizeLogValue is a value as it is stored in a log's data (see normalizeLogData). */
export function normalizeLogValue(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof ValidationErrors) return validationMessages(value);
  if (value instanceof ValidationError) return value.message;
  if (value instanceof Error) return value.message;
  if (Object.getPrototypeOf(value) === Object.prototype) return normalizeLogData(value as Record<string, unknown>);
  return value;
}

function validationMessages(errs: ValidationErrors): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, err] of Object.entries(errs.errors)) {
    out[field] = err instanceof ValidationErrors ? validationMessages(err) : err.message;
  }
  return out;
}
