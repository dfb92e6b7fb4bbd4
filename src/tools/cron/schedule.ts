/** The macros PocketBase's scheduler accepts, and the five fields each stands for. */
const macros = new Map([
  ["@yearly", "0 0 1 1 *"],
  ["@annually", "0 0 1 1 *"],
  ["@monthly", "0 0 1 * *"],
  ["@weekly", "0 0 * * 0"],
  ["@daily", "0 0 * * *"],
  ["@midnight", "0 0 * * *"],
  ["@hourly", "0 * * * *"],
]);

/** The bounds of the five fields: minute, hour, day of the month, month, day of the week (0 is Sunday). */
const fieldBounds: readonly (readonly [number, number])[] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

/** CronExpressionError is an expression PocketBase's scheduler refuses, with its words for why. */
export class CronExpressionError extends Error {}

/** CronSchedule is a parsed expression. */
export interface CronSchedule {
  /** The expression as PocketBase lists it: a macro is replaced by the five fields it stands for. */
  readonly expression: string;
  /** The values of the minute, hour, day of the month, month and day of the week fields, ascending. */
  readonly fields: readonly (readonly number[])[];
}

/**
 * parseCronExpression reads an expression as PocketBase's scheduler does: a macro, or exactly five fields
 * separated by single spaces, each a comma separated list of items: `*`, a number or a range `a-b`, where
 * `*` and a range may take a step (`/s`). Nothing more: no names, `L`, `W`, `#`, `?`, seconds, nor 7 for
 * Sunday. It throws a CronExpressionError with PocketBase's message.
 */
export function parseCronExpression(text: string): CronSchedule {
  const expression = macros.get(text) ?? text;
  const segments = expression.split(" ");
  if (segments.length !== fieldBounds.length) {
    throw new CronExpressionError(
      "invalid cron expression - must be a valid macro or to have exactly 5 space separated segments",
    );
  }
  const fields = segments.map((segment, i) => {
    const [min, max] = fieldBounds[i] as readonly [number, number];
    return parseSegment(segment, min, max);
  });
  return { expression, fields };
}

/** cronExpressionError returns why PocketBase's scheduler refuses an expression, or null when it takes it. */
export function cronExpressionError(text: string): string | null {
  try {
    parseCronExpression(text);
    return null;
  } catch (err) {
    if (err instanceof CronExpressionError) return err.message;
    throw err;
  }
}

function parseSegment(segment: string, min: number, max: number): number[] {
  const values = new Set<number>();
  for (const item of segment.split(",")) {
    const stepParts = item.split("/");
    if (stepParts.length > 2) {
      throw new CronExpressionError("invalid segment step format - must be in the format */n or 1-30/n");
    }
    let step = 1;
    if (stepParts.length === 2) {
      step = atoi(stepParts[1] as string);
      if (step < 1 || step > max) {
        throw new CronExpressionError(`invalid segment step boundary - the step must be between 1 and the ${max}`);
      }
    }
    const [low, high] = itemRange(stepParts[0] as string, step, min, max);
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

/** itemRange reads `*`, `n` or `a-b` into the first and last values it covers. */
function itemRange(range: string, step: number, min: number, max: number): [number, number] {
  if (range === "*") return [min, max];
  const bounds = range.split("-");
  if (bounds.length === 1) {
    if (step !== 1) {
      throw new CronExpressionError(
        "invalid segment step - step > 1 could be used only with the wildcard or range format",
      );
    }
    const value = atoi(bounds[0] as string);
    if (value < min || value > max) {
      throw new CronExpressionError("invalid segment value - must be between the min and max of the segment");
    }
    return [value, value];
  }
  if (bounds.length !== 2) {
    throw new CronExpressionError("invalid segment range format - the range must have 1 or 2 parts");
  }
  const low = atoi(bounds[0] as string);
  if (low < min || low > max) {
    throw new CronExpressionError(`invalid segment range minimum - must be between ${min} and ${max}`);
  }
  const high = atoi(bounds[1] as string);
  if (high < low || high > max) {
    throw new CronExpressionError(`invalid segment range maximum - must be between ${low} and ${max}`);
  }
  return [low, high];
}

/** atoi reads a decimal integer as Go's strconv.Atoi does (a sign is allowed), failing with its words. */
function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s))
    throw new CronExpressionError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) {
    throw new CronExpressionError(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  }
  return Number(n);
}
