/** The log levels the server writes (slog's), by number. */
const levelNames: Record<number, string> = { [-4]: "DEBUG", 0: "INFO", 4: "WARN", 8: "ERROR" };

/** levelLabel names a log level: `INFO (0)`, or just the number for a level of the app's own. */
export function levelLabel(level: number): string {
  const name = levelNames[level];
  return name ? `${name} (${level})` : `Level ${level}`;
}

/** levelTone is how a level looks: errors red, warnings amber, the rest plain. */
export function levelTone(level: number): "error" | "warn" | "info" | "debug" {
  if (level >= 8) return "error";
  if (level >= 4) return "warn";
  if (level >= 0) return "info";
  return "debug";
}

/** The filter that hides the requests of superusers (the dashboard's own, mostly). */
export const withoutSuperusers = "data.auth != '_superusers'";

/** quote writes a text as a filter string literal, as the SDK's `pb.filter()` does. */
export function quote(text: string): string {
  return `'${text.replaceAll("'", "\\'")}'`;
}

/**
 * searchFilter turns what was typed into a logs filter: a filter expression as it is, and plain words as a
 * search of the level, the message and the data (PocketBase's dashboard reads the box the same way).
 */
export function searchFilter(typed: string): string {
  const text = typed.trim();
  if (text === "") return "";
  if (/[=~<>]/.test(text)) return text;
  const term = text.replace(/^["'`]|["'`]$/g, "");
  return ["level", "message", "data"].map((f) => `${f} ?~ ${quote(term)}`).join(" || ");
}

/** allOf joins filters with `&&`, each in parentheses (the empty ones left out). */
export function allOf(...filters: string[]): string {
  return filters
    .filter((f) => f.trim() !== "")
    .map((f) => `(${f})`)
    .join(" && ");
}

export const hourMs = 3600_000;

/** parseServerDate reads a server date (`2006-01-02 15:04:05.000Z`, UTC) as ms. */
export function parseServerDate(value: string): number {
  return Date.parse(value.replace(" ", "T"));
}

/** formatServerDate writes a time as the server's dates and filters read it. */
export function formatServerDate(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ");
}

/** One hour of the chart. */
export interface HourBucket {
  /** The hour's start, in ms. */
  start: number;
  total: number;
}

/**
 * hourBuckets lays the hourly stats on a continuous timeline, the empty hours at 0: from the first hour
 * with logs (at most `maxHours` back, and at least a day back) to the current hour (or a later one with logs).
 */
export function hourBuckets(
  stats: { date: string; total: number }[],
  now = Date.now(),
  maxHours = 24 * 90,
): HourBucket[] {
  const totals = new Map<number, number>();
  for (const s of stats) {
    const start = parseServerDate(s.date);
    if (Number.isFinite(start)) totals.set(start, (totals.get(start) ?? 0) + s.total);
  }
  const starts = [...totals.keys()];
  const last = Math.max(Math.floor(now / hourMs) * hourMs, ...starts);
  const first = Math.max(Math.min(last - 23 * hourMs, ...starts), last - (maxHours - 1) * hourMs);
  const buckets: HourBucket[] = [];
  for (let t = first; t <= last; t += hourMs) buckets.push({ start: t, total: totals.get(t) ?? 0 });
  return buckets;
}

/** hourFilter keeps the logs of one hour (its start in ms). */
export function hourFilter(start: number): string {
  return `created >= ${quote(formatServerDate(start))} && created < ${quote(formatServerDate(start + hourMs))}`;
}

/** The data keys shown first in a log's details, in this order; the others follow as stored. */
const firstKeys = [
  "execTime",
  "type",
  "auth",
  "authId",
  "status",
  "method",
  "url",
  "referer",
  "remoteIP",
  "userIP",
  "userAgent",
  "error",
  "details",
];

/** orderedDataKeys lists a log's data keys, the telling ones first. */
export function orderedDataKeys(data: Record<string, unknown>): string[] {
  const keys = firstKeys.filter((k) => k in data);
  for (const k of Object.keys(data)) if (!keys.includes(k)) keys.push(k);
  return keys;
}

/** A short fact of a log shown under its message in the list. */
export interface LogChip {
  key: string;
  value: string;
  tone: "" | "error" | "warn";
}

/** displayValue writes a data value on one line, cut to `max` characters. */
export function displayValue(value: unknown, max = 80): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "");
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * logChips picks what the list shows of a log's data: for a request its status, time, auth and IP (and a
 * referer from elsewhere); for other logs their first keys; then the error and its details.
 */
export function logChips(data: Record<string, unknown>, ownHost: string): LogChip[] {
  const chips: LogChip[] = [];
  const add = (key: string, tone: LogChip["tone"] = "") => {
    const raw = data[key];
    if (raw === undefined || raw === null || raw === "") return;
    const value =
      key === "execTime" && typeof raw === "number" ? `${Math.round(raw * 100) / 100}ms` : displayValue(raw);
    chips.push({ key, value, tone });
  };
  if (data.type === "request") {
    for (const key of ["status", "execTime", "auth", "authId", "userIP"]) add(key);
    if (typeof data.referer === "string" && data.referer !== "" && !data.referer.includes(ownHost)) add("referer");
  } else {
    for (const key of Object.keys(data)
      .filter((k) => k !== "error" && k !== "details")
      .slice(0, 6))
      add(key);
  }
  if (data.error) add("error", "error");
  if (data.details) add("details", "warn");
  return chips;
}

/** formatLocal shows a server date in the browser's time zone, to the second. */
export function formatLocal(value: string | number): string {
  const ms = typeof value === "number" ? value : parseServerDate(value);
  if (!Number.isFinite(ms)) return String(value);
  return new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}
