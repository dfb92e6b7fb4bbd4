/**
 * The server keeps dates as UTC text (`2024-05-01 10:20:30.000Z`); people read and type them in their own
 * time zone. These turn one into the other.
 */

/** The browser's time zone name (`Europe/Paris`), shown beside date inputs. */
export const localTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** parseServerDate reads the server's date text (or any ISO date); null for "" or nonsense. */
export function parseServerDate(value: unknown): Date | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  const date = new Date(value.trim().replace(" ", "T"));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** toServerDate writes a date as the server's UTC text. */
export function toServerDate(date: Date): string {
  return date.toISOString().replace("T", " ");
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** toLocalInput is a server date as a `datetime-local` input's value, in the local time zone ("" if none). */
export function toLocalInput(value: unknown): string {
  const d = parseServerDate(value);
  if (!d) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** fromLocalInput is a `datetime-local` input's value (local time) as the server's UTC text ("" if empty). */
export function fromLocalInput(value: string): string {
  if (value === "") return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "" : toServerDate(date);
}

const displayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** formatDate is a server date for people, in their time zone ("" if none). */
export function formatDate(value: unknown): string {
  const d = parseServerDate(value);
  return d ? displayFormat.format(d) : "";
}
