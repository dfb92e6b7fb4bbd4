import { expect, test } from "bun:test";
import { Cron as Croner } from "croner";
import { cronExpressionError, parseCronExpression } from "./schedule.ts";

// what PocketBase v0.39 answered for each expression (PATCH /api/settings backups.cron, before its
// message was capitalized and given a final period); null: accepted
const pocketbaseAnswers: [string, string | null][] = [
  ["* * * * *", null],
  ["@daily", null],
  ["@every 5m", "invalid cron expression - must be a valid macro or to have exactly 5 space separated segments"],
  ["@reboot", "invalid cron expression - must be a valid macro or to have exactly 5 space separated segments"],
  [" * * * * *", "invalid cron expression - must be a valid macro or to have exactly 5 space separated segments"],
  ["*  * * * *", "invalid cron expression - must be a valid macro or to have exactly 5 space separated segments"],
  ["* * * * * *", "invalid cron expression - must be a valid macro or to have exactly 5 space separated segments"],
  ["*/0 * * * *", "invalid segment step boundary - the step must be between 1 and the 59"],
  ["*/60 * * * *", "invalid segment step boundary - the step must be between 1 and the 59"],
  ["*/59 * * * *", null],
  ["5/10 * * * *", "invalid segment step - step > 1 could be used only with the wildcard or range format"],
  ["1-5/2 * * * *", null],
  ["5-1 * * * *", "invalid segment range maximum - must be between 5 and 59"],
  ["+5 * * * *", null],
  ["-5 * * * *", 'strconv.Atoi: parsing "": invalid syntax'],
  ["-0 * * * *", 'strconv.Atoi: parsing "": invalid syntax'],
  ["05 * * * *", null],
  ["1,2,3-5,*/10 * * * *", null],
  ["1,,2 * * * *", 'strconv.Atoi: parsing "": invalid syntax'],
  ["* * * * 7", "invalid segment value - must be between the min and max of the segment"],
  ["* * * * MON", 'strconv.Atoi: parsing "MON": invalid syntax'],
  ["* * * JAN *", 'strconv.Atoi: parsing "JAN": invalid syntax'],
  ["* * L * *", 'strconv.Atoi: parsing "L": invalid syntax'],
  ["* * ? * *", 'strconv.Atoi: parsing "?": invalid syntax'],
  ["* 24 * * *", "invalid segment value - must be between the min and max of the segment"],
  ["* * 0 * *", "invalid segment value - must be between the min and max of the segment"],
  ["* * 32 * *", "invalid segment value - must be between the min and max of the segment"],
  ["* * * 0 *", "invalid segment value - must be between the min and max of the segment"],
  ["* * * 13 *", "invalid segment value - must be between the min and max of the segment"],
  ["1-2-3 * * * *", "invalid segment range format - the range must have 1 or 2 parts"],
  ["*/5/2 * * * *", "invalid segment step format - must be in the format */n or 1-30/n"],
  ["*-5 * * * *", 'strconv.Atoi: parsing "*": invalid syntax'],
  ["1-60 * * * *", "invalid segment range maximum - must be between 1 and 59"],
  ["60 * * * *", "invalid segment value - must be between the min and max of the segment"],
  ["99999999999999999999 * * * *", 'strconv.Atoi: parsing "99999999999999999999": value out of range'],
  ["1-5/0 * * * *", "invalid segment step boundary - the step must be between 1 and the 59"],
  ["1-5/99 * * * *", "invalid segment step boundary - the step must be between 1 and the 59"],
  ["*/31 * */32 * *", "invalid segment step boundary - the step must be between 1 and the 31"],
  ["* * * * */7", "invalid segment step boundary - the step must be between 1 and the 6"],
  ["* * * * 0-6/3", null],
];

test("expressions are accepted and refused as PocketBase does, with its messages", () => {
  for (const [expression, answer] of pocketbaseAnswers) {
    expect({ expression, answer: cronExpressionError(expression) }).toEqual({ expression, answer });
  }
});

test("a name of an Object property is no macro", () => {
  for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
    expect(cronExpressionError(name)).toContain("must be a valid macro");
  }
});

test("macros are listed as the fields they stand for; fields hold every value they cover", () => {
  expect(parseCronExpression("@hourly").expression).toBe("0 * * * *");
  expect(parseCronExpression("@weekly").expression).toBe("0 0 * * 0");
  expect(parseCronExpression("*/20 +1,3-9/3 */10 1-12/5 0-6/3").fields).toEqual([
    [0, 20, 40],
    [1, 3, 6, 9],
    [1, 11, 21, 31],
    [1, 6, 11],
    [0, 3, 6],
  ]);
});

/** isDue is PocketBase's rule: every field matches the UTC time, the day of the month and of the week both. */
function isDue(fields: readonly (readonly number[])[], t: Date): boolean {
  const parts = [t.getUTCMinutes(), t.getUTCHours(), t.getUTCDate(), t.getUTCMonth() + 1, t.getUTCDay()];
  return parts.every((v, i) => fields[i]?.includes(v));
}

/** The first n due minutes after `from`, found minute by minute (a day that can't match is skipped whole). */
function dueMinutes(fields: readonly (readonly number[])[], from: Date, n: number): string[] {
  const out: string[] = [];
  const dayMs = 86_400_000;
  let t = Math.floor(from.getTime() / 60_000) * 60_000 + 60_000;
  const end = from.getTime() + 30 * 366 * dayMs;
  while (out.length < n && t < end) {
    const d = new Date(t);
    const dayMatches =
      fields[2]?.includes(d.getUTCDate()) &&
      fields[3]?.includes(d.getUTCMonth() + 1) &&
      fields[4]?.includes(d.getUTCDay());
    if (!dayMatches) {
      t = Math.floor(t / dayMs) * dayMs + dayMs;
      continue;
    }
    if (isDue(fields, d)) out.push(d.toISOString());
    t += 60_000;
  }
  return out;
}

test("croner, as the scheduler sets it up, runs jobs exactly when PocketBase's rule says they are due", () => {
  const expressions = [
    "* * * * *",
    "*/7 * * * *",
    "0 */6 * * *",
    "30 9 * * 1-5",
    "0 0 13 * 5", // Friday the 13th: both day fields must match
    "0 0 1 * 1",
    "0 0 29 2 *",
    "15 3,15 */10 1-12/5 0-6/3",
    "@yearly",
    "@weekly",
  ];
  const from = new Date("2030-01-01T10:03:20Z");
  for (const text of expressions) {
    const { fields } = parseCronExpression(text);
    const pattern = fields.map((v) => v.join(",")).join(" ");
    const job = new Croner(pattern, { mode: "5-part", domAndDow: true, utcOffset: 0, paused: true });
    const expected = dueMinutes(fields, from, 6);
    expect({ text, runs: job.nextRuns(6, from).map((d) => d.toISOString()) }).toEqual({ text, runs: expected });
    job.stop();
  }
});

test("an expression that can never be due is valid and has no run", () => {
  const { fields } = parseCronExpression("0 0 30 2 *");
  const job = new Croner(fields.map((v) => v.join(",")).join(" "), {
    mode: "5-part",
    domAndDow: true,
    utcOffset: 0,
    paused: true,
  });
  expect(job.nextRun(new Date("2030-01-01T00:00:00Z"))).toBeNull();
  job.stop();
});
