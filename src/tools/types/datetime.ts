import { castString } from "./cast.ts";

/**
 * A time as Go's parser builds it: the wall clock fields, nanoseconds, and an offset from UTC in seconds
 * (null when the text named no usable offset).
 */
export interface ParsedTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  offset: number | null;
}

/** How a layout's zone is used: ignored (the wall clock is UTC), or applied when the text gives a number. */
type ZoneUse = "wallClock" | "numeric";

interface Layout {
  chunks: string[];
  zone: ZoneUse;
}

// the pieces of Go's reference time a layout is made of, longest first
const stdTokens = [
  "2006",
  "Monday",
  "Mon",
  "Jan",
  "Z07:00",
  "Z0700",
  "-07:00",
  "-0700",
  "MST",
  ".000000000",
  ".999999999",
  ".000000",
  ".000",
  "PM",
  "_2",
  "15",
  "06",
  "01",
  "02",
  "04",
  "05",
  "3",
];

function layout(text: string, zone: ZoneUse): Layout {
  const chunks: string[] = [];
  let literal = "";
  for (let i = 0; i < text.length; ) {
    const token = stdTokens.find((t) => text.startsWith(t, i));
    if (token) {
      if (literal) chunks.push(`'${literal}`);
      literal = "";
      chunks.push(token);
      i += token.length;
    } else literal += text[i++];
  }
  if (literal) chunks.push(`'${literal}`);
  return { chunks, zone };
}

// PocketBase first tries its own format, then the layouts of spf13/cast's ToTime, in that order; layouts
// without a numeric zone keep the wall clock and read it as UTC, whatever zone name the text carries
const defaultLayout = layout("2006-01-02 15:04:05.000Z", "numeric");
const castLayouts: Layout[] = [
  layout("2006-01-02", "wallClock"),
  layout("2006-01-02T15:04:05Z07:00", "numeric"),
  layout("2006-01-02T15:04:05", "wallClock"),
  layout("Mon, 02 Jan 2006 15:04:05 -0700", "numeric"),
  layout("Mon, 02 Jan 2006 15:04:05 MST", "wallClock"),
  layout("02 Jan 06 15:04 -0700", "numeric"),
  layout("02 Jan 06 15:04 MST", "wallClock"),
  layout("Monday, 02-Jan-06 15:04:05 MST", "wallClock"),
  layout("2006-01-02 15:04:05.999999999 -0700 MST", "numeric"),
  layout("2006-01-02T15:04:05-0700", "numeric"),
  layout("2006-01-02 15:04:05Z0700", "numeric"),
  layout("2006-01-02 15:04:05", "wallClock"),
  layout("Mon Jan _2 15:04:05 2006", "wallClock"),
  layout("Mon Jan _2 15:04:05 MST 2006", "wallClock"),
  layout("Mon Jan 02 15:04:05 -0700 2006", "numeric"),
  layout("2006-01-02 15:04:05Z07:00", "numeric"),
  layout("02 Jan 2006", "wallClock"),
  layout("2006-01-02 15:04:05 -07:00", "numeric"),
  layout("2006-01-02 15:04:05 -0700", "numeric"),
  layout("3:04PM", "numeric"),
  layout("Jan _2 15:04:05", "numeric"),
  layout("Jan _2 15:04:05.000", "numeric"),
  layout("Jan _2 15:04:05.000000", "numeric"),
  layout("Jan _2 15:04:05.000000000", "numeric"),
];

const monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const dayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** Reads one or two digits (exactly two when fixed), as Go's getnum. */
function getnum(s: string, fixed: boolean): [number, string] | null {
  if (!isDigit(s, 0)) return null;
  if (!isDigit(s, 1)) return fixed ? null : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

/** Matches layout text; a space in the layout takes any run of spaces in the value. */
function skipLiteral(value: string, literal: string): string | null {
  let v = value;
  let p = literal;
  while (p.length > 0) {
    if (p[0] === " ") {
      if (v.length > 0 && v[0] !== " ") return null;
      p = p.trimStart();
      v = v.replace(/^ +/, "");
      continue;
    }
    if (v.length === 0 || v[0] !== p[0]) return null;
    p = p.slice(1);
    v = v.slice(1);
  }
  return v;
}

function fraction(digits: string): number {
  return Number(digits.slice(0, 9).padEnd(9, "0"));
}

/** parseLayout reads a value with one layout, following Go's time.Parse, or returns null. */
function parseLayout(l: Layout, input: string): ParsedTime | null {
  const t: ParsedTime = { year: 0, month: -1, day: -1, hour: 0, minute: 0, second: 0, nanos: 0, offset: null };
  let value = input;
  let pm: boolean | null = null;
  // a "Z" or "UTC" zone wins over a numeric offset, as in Go
  let utc = false;
  // Go gives a "GMT+3" zone a fixed offset, and the layouts that keep the wall clock read it in that zone
  let gmtHours = 0;
  for (const [index, chunk] of l.chunks.entries()) {
    if (chunk.startsWith("'")) {
      const rest = skipLiteral(value, chunk.slice(1));
      if (rest === null) return null;
      value = rest;
      continue;
    }
    let n: [number, string] | null;
    switch (chunk) {
      case "2006":
        if (value.length < 4 || !/^\d{4}/.test(value)) return null;
        t.year = Number(value.slice(0, 4));
        value = value.slice(4);
        break;
      case "06":
        // Go reads the two characters as a signed integer, so "+5" is a year too
        if (!/^(\d\d|[+-]\d)/.test(value)) return null;
        t.year = Number(value.slice(0, 2));
        t.year += t.year >= 69 ? 1900 : 2000;
        value = value.slice(2);
        break;
      case "01":
        n = getnum(value, true);
        if (!n || n[0] < 1 || n[0] > 12) return null;
        [t.month, value] = n;
        break;
      case "Jan": {
        const i = monthNames.indexOf(value.slice(0, 3).toLowerCase());
        if (i < 0) return null;
        t.month = i + 1;
        value = value.slice(3);
        break;
      }
      case "Mon":
      case "Monday": {
        const lower = value.toLowerCase();
        const name = dayNames.find((d) => lower.startsWith(chunk === "Mon" ? d.slice(0, 3) : d));
        if (!name) return null;
        value = value.slice(chunk === "Mon" ? 3 : name.length);
        break;
      }
      case "02":
      case "_2":
        if (chunk === "_2" && value[0] === " ") value = value.slice(1);
        n = getnum(value, chunk === "02");
        if (!n) return null;
        [t.day, value] = n;
        break;
      case "15":
        n = getnum(value, false);
        if (!n || n[0] >= 24) return null;
        [t.hour, value] = n;
        break;
      case "3":
        n = getnum(value, false);
        if (!n || n[0] > 12) return null;
        [t.hour, value] = n;
        break;
      case "04":
        n = getnum(value, true);
        if (!n || n[0] >= 60) return null;
        [t.minute, value] = n;
        break;
      case "05": {
        n = getnum(value, true);
        if (!n || n[0] >= 60) return null;
        [t.second, value] = n;
        // a fraction the layout doesn't ask for is still read, with any number of digits
        const next = l.chunks[index + 1];
        const layoutHasFraction =
          next === ".000" || next === ".000000" || next === ".000000000" || next === ".999999999";
        const m = /^[.,](\d+)/.exec(value);
        if (m && !layoutHasFraction) {
          t.nanos = fraction(m[1] as string);
          value = value.slice(m[0].length);
        }
        break;
      }
      case ".000":
      case ".000000":
      case ".000000000": {
        const digits = chunk.length - 1;
        const m = new RegExp(`^[.,](\\d{${digits}})`).exec(value);
        if (!m) return null;
        t.nanos = fraction(m[1] as string);
        value = value.slice(digits + 1);
        break;
      }
      case ".999999999": {
        const m = /^[.,](\d+)/.exec(value);
        if (m) {
          t.nanos = fraction(m[1] as string);
          value = value.slice(m[0].length);
        }
        break;
      }
      case "PM":
        if (value.startsWith("PM")) pm = true;
        else if (value.startsWith("AM")) pm = false;
        else return null;
        value = value.slice(2);
        break;
      case "Z07:00":
      case "Z0700":
      case "-07:00":
      case "-0700": {
        if (chunk.startsWith("Z") && value.startsWith("Z")) {
          utc = true;
          value = value.slice(1);
          break;
        }
        const m = (chunk.includes(":") ? /^([+-])(\d\d):(\d\d)/ : /^([+-])(\d\d)(\d\d)/).exec(value);
        if (!m) return null;
        const hours = Number(m[2]);
        const minutes = Number(m[3]);
        if (hours > 24 || minutes > 60) return null;
        t.offset = (m[1] === "-" ? -1 : 1) * (hours * 3600 + minutes * 60);
        value = value.slice(m[0].length);
        break;
      }
      case "MST": {
        const length = value.startsWith("UTC") ? 3 : timeZoneNameLength(value);
        if (length === 0) return null;
        if (value.startsWith("UTC")) utc = true;
        else if (value.startsWith("GMT") && length > 3) gmtHours = Number(value.slice(3, length));
        value = value.slice(length);
        break;
      }
    }
  }
  if (value.length > 0) return null;
  if (pm === true && t.hour < 12) t.hour += 12;
  else if (pm === false && t.hour === 12) t.hour = 0;
  if (t.month < 0) t.month = 1;
  if (t.day < 0) t.day = 1;
  if (t.day < 1 || t.day > daysIn(t.month, t.year)) return null;
  if (utc) t.offset = 0;
  if (l.zone === "wallClock") t.offset = gmtHours === 0 ? null : -gmtHours * 3600;
  return t;
}

/** The length of a zone abbreviation at the start of value (Go's parseTimeZone), or 0. */
function timeZoneNameLength(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith("ChST") || value.startsWith("MeST")) return 4;
  if (value.startsWith("GMT")) return 3 + signedOffsetLength(value.slice(3));
  if (value[0] === "+" || value[0] === "-") return signedOffsetLength(value);
  const upper = /^[A-Z]{0,6}/.exec(value)?.[0].length ?? 0;
  if (upper === 3) return 3;
  if (upper === 4 && (value[3] === "T" || value.startsWith("WITA"))) return 4;
  if (upper === 5 && value[4] === "T") return 5;
  return 0;
}

function signedOffsetLength(value: string): number {
  const m = /^[+-](\d+)/.exec(value);
  if (!m || Number(m[1]) > 12) return 0;
  return m[0].length;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** formatParsed writes a parsed time in the storage format, "" for Go's zero time (year 1, UTC midnight). */
function formatParsed(t: ParsedTime): string {
  const date = new Date(0);
  date.setUTCFullYear(t.year, t.month - 1, t.day);
  date.setUTCHours(t.hour, t.minute, t.second, Math.floor(t.nanos / 1e6));
  if (t.offset !== null) date.setTime(date.getTime() - t.offset * 1000);
  const ms = date.getTime();
  if (ms === zeroTime && t.nanos % 1e6 === 0) return "";
  const year = date.getUTCFullYear();
  const yearText = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  return (
    `${yearText}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)} ` +
    `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.${pad(date.getUTCMilliseconds(), 3)}Z`
  );
}

/** Go's zero time, January 1 of year 1 at midnight UTC, in milliseconds since the epoch. */
const zeroTime = (() => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  return d.getTime();
})();

/** formatDateTime turns a Date into the storage format (or "" for an invalid date). */
export function formatDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) return "";
  const iso = date.toISOString();
  if (!/^\d{4}-/.test(iso)) return "";
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}Z`;
}

// a save stamps `created` and `updated` within the same millisecond: the text is made once
let lastNow = { ms: Number.NaN, text: "" };

/** nowDateTime is the current time in the storage format. */
export function nowDateTime(): string {
  const ms = Date.now();
  if (ms !== lastNow.ms) lastNow = { ms, text: formatDateTime(new Date(ms)) };
  return lastNow.text;
}

/**
 * parseDateTime normalizes a value to the storage format the way PocketBase's DateTime does: a string in
 * the storage format, or in one of the layouts spf13/cast's ToTime knows (RFC 3339, RFC 1123, a bare
 * date, Go's time.String, ...); numbers and other values are read as their text. Anything unparseable is
 * "" (the zero date). A Date object is taken as it is.
 */
export function parseDateTime(value: unknown): string {
  if (typeof value === "string" && isValidStorageDate(value)) return value;
  if (value instanceof Date) return formatDateTime(value);
  const s = castString(value);
  if (s === "") return "";
  for (const l of [defaultLayout, ...castLayouts]) {
    const t = parseLayout(l, s);
    if (t) return formatParsed(t);
  }
  return "";
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const zeroTimeText = "0001-01-01 00:00:00.000Z";

/**
 * isValidStorageDate recognizes a real date already in the storage format (every value read back from the
 * database), which the layout parser would return unchanged: the hot path of loading records.
 */
function isValidStorageDate(s: string): boolean {
  // charCode arithmetic instead of a regex and slices: this runs for every date of every record read
  if (s.length !== 24 || s === zeroTimeText) return false;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 32) return false;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90)
    return false;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (digits(s, 20, 3) < 0 || year < 1 || month < 1 || month > 12 || day < 1) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (monthDays[month - 1] as number));
}

/** digits reads `count` ASCII digits at `at` as a number, or -1 when one isn't a digit. */
function digits(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const storageParts = /^(-?\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;

/** The fraction of a storage-format date as Go prints it: "" for whole seconds, else "." and trimmed digits. */
function goFraction(ms: string): string {
  const trimmed = ms.replace(/0+$/, "");
  return trimmed === "" ? "" : `.${trimmed}`;
}

/** goTimeString writes a storage-format date as Go's time.String does (`2006-01-02 15:04:05.5 +0000 UTC`). */
export function goTimeString(s: string): string {
  const m = storageParts.exec(s);
  if (!m) return s;
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}${goFraction(m[7] as string)} +0000 UTC`;
}

/** rfc3339Nano writes a storage-format date as Go's JSON encoding of a time (`2006-01-02T15:04:05.5Z`). */
export function rfc3339Nano(s: string): string {
  const m = storageParts.exec(s);
  if (!m) return s;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${goFraction(m[7] as string)}Z`;
}

/**
 * parseGoTime reads a value with a Go layout as time.Parse does (a layout without a zone reads the time as
 * UTC), or returns null when it doesn't fit.
 */
export function parseGoTime(layoutText: string, value: string): ParsedTime | null {
  return parseLayout(layout(layoutText, /[-Z]07/.test(layoutText) ? "numeric" : "wallClock"), value);
}

/** formatRfc3339Nano writes a parsed time as Go's RFC3339Nano layout does, in its own offset ("Z" for UTC). */
export function formatRfc3339Nano(t: ParsedTime): string {
  const fraction = t.nanos === 0 ? "" : `.${pad(t.nanos, 9).replace(/0+$/, "")}`;
  const offset = t.offset ?? 0;
  const zone =
    offset === 0
      ? "Z"
      : `${offset < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(offset) / 3600), 2)}:${pad(Math.floor((Math.abs(offset) % 3600) / 60), 2)}`;
  return (
    `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T` +
    `${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}${fraction}${zone}`
  );
}
