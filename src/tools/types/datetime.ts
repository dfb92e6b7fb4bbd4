/** The storage and wire format of every date: `2006-01-02 15:04:05.000Z`, always UTC. */
const storagePattern = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const isoLike =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?(?:\s+[A-Z]{2,5})?)?$/;
const monthName = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i;

/** formatDateTime turns a Date into the storage format (or "" for an invalid date). */
export function formatDateTime(date: Date): string {
  const t = date.getTime();
  if (Number.isNaN(t)) return "";
  const y = date.getUTCFullYear();
  if (y < 1 || y > 9999) return "";
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 23)}Z`;
}

/** nowDateTime is the current time in the storage format. */
export function nowDateTime(): string {
  return formatDateTime(new Date());
}

/**
 * parseDateTime normalizes a date given as a string in one of the common layouts (ISO 8601/RFC 3339 with
 * or without "T", zone or fraction; a bare date; RFC 1123/822 and similar) or as a unix timestamp in
 * seconds, to the storage format. Anything unparseable becomes "" (the zero date), as PocketBase does.
 */
export function parseDateTime(value: unknown): string {
  if (value instanceof Date) return formatDateTime(value);
  if (typeof value === "number" || typeof value === "bigint") {
    const n = Number(value);
    if (!Number.isInteger(n)) return "";
    return formatDateTime(new Date(n * 1000));
  }
  if (typeof value !== "string") return "";
  const s = value.trim();
  if (s === "") return "";
  if (storagePattern.test(s)) return s;
  const m = isoLike.exec(s);
  if (m) {
    const [, y, mo, d, h = "00", mi = "00", sec = "00", frac = "", zone = "Z"] = m;
    const ms = frac.padEnd(3, "0").slice(0, 3);
    const z = zone === "Z" ? "Z" : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
    const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${sec}.${ms}${z}`);
    return formatDateTime(date);
  }
  if (monthName.test(s)) return formatDateTime(new Date(s));
  return "";
}

/** isDateTime reports whether a string is already in the storage format. */
export function isDateTime(s: string): boolean {
  return storagePattern.test(s);
}
