import type { HourBucket } from "./logs.ts";

/** niceMax rounds a maximum up to 1, 2 or 5 times a power of ten (at least 1), for the axis. */
export function niceMax(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

const labelSteps = [1, 2, 3, 4, 6, 12, 24, 48, 72, 168];

/**
 * labelEvery picks how many hours apart the time axis labels go so that they stay `minGapPx` apart: an
 * hour step that divides a day (or whole days).
 */
export function labelEvery(barWidth: number, minGapPx = 72): number {
  const hours = Math.ceil(minGapPx / Math.max(barWidth, 0.01));
  return labelSteps.find((s) => s >= hours) ?? 24 * Math.ceil(hours / 24);
}

/**
 * labelledBuckets picks the buckets that get a time label: the local hours on a multiple of the step, or
 * for steps of days every (step / 24)th midnight.
 */
export function labelledBuckets(buckets: HourBucket[], step: number): number[] {
  const out: number[] = [];
  let midnights = 0;
  buckets.forEach((b, i) => {
    const hour = new Date(b.start).getHours();
    if (step < 24) {
      if (hour % step === 0) out.push(i);
    } else if (hour === 0) {
      if (midnights % (step / 24) === 0) out.push(i);
      midnights++;
    }
  });
  return out;
}
