/** Reading what number and date inputs hold into the values field options take. */

/** toInt reads a whole number (0 when empty or not a number: the option's default). */
export function toInt(text: string): number {
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) ? n : 0;
}

/** toNumberOrNull reads a number (null when empty: no bound). */
export function toNumberOrNull(text: string): number | null {
  if (text.trim() === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** toLocalInput shows a stored UTC datetime (`2024-01-02 03:04:05.000Z`) in a datetime-local input. */
export function toLocalInput(stored: string): string {
  if (stored === "") return "";
  const d = new Date(stored.replace(" ", "T"));
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** fromLocalInput stores what a datetime-local input holds as a UTC datetime ("" when empty). */
export function fromLocalInput(local: string): string {
  if (local === "") return "";
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return "";
  return d.toISOString().replace("T", " ");
}
