/** The schedules offered for automatic backups (any cron expression can be typed too). */
export const backupCronPresets = [
  { cron: "0 0 * * *", label: "Every day at 00:00" },
  { cron: "0 0 * * 0", label: "Every Sunday at 00:00" },
  { cron: "0 0 * * 1,3", label: "Every Monday and Wednesday at 00:00" },
  { cron: "0 0 1 * *", label: "The first day of every month at 00:00" },
];

/** formatBytes says a size in the largest fitting unit (1 decimal): 1536 is "1.5 KB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1).replace(/\.0$/, "")} ${units[unit]}`;
}

/** newestFirst sorts backups by their modification time, the newest first (then by name). */
export function newestFirst<T extends { key: string; modified: string }>(backups: T[]): T[] {
  return backups.toSorted((a, b) =>
    a.modified === b.modified ? a.key.localeCompare(b.key) : a.modified < b.modified ? 1 : -1,
  );
}

/** formatDate shows a server date (`2006-01-02 15:04:05.000Z`) in the browser's time zone. */
export function formatDate(value: string): string {
  const date = new Date(value.replace(" ", "T"));
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
