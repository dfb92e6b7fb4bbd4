import { afterEach, expect, jest, test } from "bun:test";
import { Cron } from "./cron.ts";
import { CronExpressionError } from "./schedule.ts";

const minute = 60_000;

afterEach(() => {
  jest.useRealTimers();
});

test("jobs are listed in the order they were added; adding an existing id replaces it at the end", () => {
  const cron = new Cron();
  cron.add("a", "* * * * *", () => {});
  cron.add("b", "@daily", () => {});
  cron.add("a", "*/5 * * * *", () => {});
  expect(cron.total()).toBe(2);
  expect(JSON.parse(JSON.stringify(cron.jobs()))).toEqual([
    { id: "b", expression: "0 0 * * *" },
    { id: "a", expression: "*/5 * * * *" },
  ]);
  cron.remove("b");
  cron.remove("missing");
  expect(cron.jobs().map((j) => j.id)).toEqual(["a"]);
  cron.removeAll();
  expect(cron.total()).toBe(0);
});

test("a bad expression or function is refused with PocketBase's message, and nothing is replaced", () => {
  const cron = new Cron();
  cron.add("a", "0 * * * *", () => {});
  expect(() => cron.add("a", "* * * * 7", () => {})).toThrow(
    new CronExpressionError(
      "failed to add new cron job: invalid segment value - must be between the min and max of the segment",
    ),
  );
  expect(() => cron.add("b", "every minute", () => {})).toThrow(
    "failed to add new cron job: invalid cron expression - must be a valid macro or to have exactly 5 space separated segments",
  );
  expect(() => cron.add("c", "* * * * *", "not a function" as unknown as () => void)).toThrow(
    "failed to add new cron job: fn must be non-nil function",
  );
  expect(JSON.parse(JSON.stringify(cron.jobs()))).toEqual([{ id: "a", expression: "0 * * * *" }]);
});

test("jobs run at their minutes (UTC) between start and stop, including jobs added while started", async () => {
  jest.useFakeTimers({ now: new Date("2030-01-01T10:59:30Z") });
  const runs: string[] = [];
  const record = (id: string) => () => {
    runs.push(`${id} ${new Date().toISOString().slice(11, 16)}`);
  };
  const cron = new Cron();
  cron.add("hourly", "@hourly", record("hourly"));
  cron.add("quarter", "*/15 * * * *", record("quarter"));
  jest.advanceTimersByTime(2 * minute);
  expect(runs).toEqual([]);

  cron.start();
  expect(cron.hasStarted()).toBe(true);
  jest.advanceTimersByTime(31 * minute);
  cron.add("late", "40 11 * * *", record("late"));
  jest.advanceTimersByTime(30 * minute);
  expect(runs).toEqual([
    "quarter 11:15",
    "quarter 11:30",
    "late 11:40",
    "quarter 11:45",
    "hourly 12:00",
    "quarter 12:00",
  ]);

  cron.remove("quarter");
  cron.stop();
  expect(cron.hasStarted()).toBe(false);
  jest.advanceTimersByTime(120 * minute);
  expect(runs.length).toBe(6);
});

test("a failing job is reported and keeps its schedule; run() runs a job now", async () => {
  jest.useFakeTimers({ now: new Date("2030-01-01T00:00:30Z") });
  const failures: string[] = [];
  const cron = new Cron({ onError: (id, err) => failures.push(`${id}: ${(err as Error).message}`) });
  let runs = 0;
  cron.add("flaky", "* * * * *", async () => {
    runs++;
    throw new Error(`run ${runs} failed`);
  });
  cron.start();
  jest.advanceTimersByTime(2 * minute);
  jest.useRealTimers();
  await Bun.sleep(1);
  expect(failures).toEqual(["flaky: run 1 failed", "flaky: run 2 failed"]);
  await cron.jobs()[0]?.run();
  expect(failures.at(-1)).toBe("flaky: run 3 failed");
  cron.stop();
});

test("setTimezone reads the fields in that time zone; an unknown zone is refused", () => {
  jest.useFakeTimers({ now: new Date("2030-01-01T23:30:00Z") });
  const runs: string[] = [];
  const cron = new Cron();
  cron.add("morning", "0 9 * * *", () => {
    runs.push(new Date().toISOString());
  });
  cron.start();
  cron.setTimezone("Asia/Tokyo");
  jest.advanceTimersByTime(60 * minute);
  expect(runs).toEqual(["2030-01-02T00:00:00.000Z"]);
  expect(() => cron.setTimezone("Mars/Olympus")).toThrow('unknown time zone "Mars/Olympus"');
  cron.stop();
});
