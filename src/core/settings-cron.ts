const cronMacros: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const segmentBounds: readonly [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

/**
 * cronExpressionError checks a backups cron expression as PocketBase's scheduler parses it (a macro, or five
 * space separated segments of lists, ranges and steps) and returns its complaint, or null when valid.
 */
export function cronExpressionError(expr: string): string | null {
  const segments = (cronMacros[expr] ?? expr).split(" ");
  if (segments.length !== 5)
    return "invalid cron expression - must be a valid macro or to have exactly 5 space separated segments";
  for (const [i, segment] of segments.entries()) {
    const [min, max] = segmentBounds[i] ?? [0, 0];
    const err = segmentError(segment, min, max);
    if (err) return err;
  }
  return null;
}

function segmentError(segment: string, min: number, max: number): string | null {
  for (const part of segment.split(",")) {
    const stepParts = part.split("/");
    let step = 1;
    if (stepParts.length === 2) {
      const parsed = atoi(stepParts[1] ?? "");
      if (typeof parsed === "string") return parsed;
      if (parsed < 1 || parsed > max)
        return `invalid segment step boundary - the step must be between 1 and the ${max}`;
      step = parsed;
    } else if (stepParts.length !== 1) {
      return "invalid segment step format - must be in the format */n or 1-30/n";
    }
    const range = stepParts[0] ?? "";
    if (range === "*") continue;
    const bounds = range.split("-");
    if (bounds.length === 1) {
      if (step !== 1) return "invalid segment step - step > 1 could be used only with the wildcard or range format";
      const value = atoi(bounds[0] ?? "");
      if (typeof value === "string") return value;
      if (value < min || value > max) return "invalid segment value - must be between the min and max of the segment";
    } else if (bounds.length === 2) {
      const low = atoi(bounds[0] ?? "");
      if (typeof low === "string") return low;
      if (low < min || low > max) return `invalid segment range minimum - must be between ${min} and ${max}`;
      const high = atoi(bounds[1] ?? "");
      if (typeof high === "string") return high;
      if (high < low || high > max) return `invalid segment range maximum - must be between ${low} and ${max}`;
    } else {
      return "invalid segment range format - the range must have 1 or 2 parts";
    }
  }
  return null;
}

/** atoi parses a decimal integer as Go's strconv.Atoi does, returning its error text on failure. */
function atoi(s: string): number | string {
  if (!/^[+-]?[0-9]+$/.test(s)) return `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n)
    return `strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`;
  return Number(n);
}
