import { expect, test } from "bun:test";
import { labelEvery, labelledBuckets, niceMax } from "../../ui/src/screens/logs/chart-scale.ts";
import {
  allOf,
  hourBuckets,
  hourFilter,
  levelLabel,
  logChips,
  orderedDataKeys,
  searchFilter,
} from "../../ui/src/screens/logs/logs.ts";

/** The logs screen's plain helpers (no browser needed). */

const at = (iso: string) => Date.parse(iso);

test("plain words search the level, message and data; a filter expression is kept as typed", () => {
  expect(searchFilter("")).toBe("");
  expect(searchFilter("  data.status >= 400 ")).toBe("data.status >= 400");
  expect(searchFilter("message ~ 'x'")).toBe("message ~ 'x'");
  expect(searchFilter("timeout")).toBe("level ?~ 'timeout' || message ?~ 'timeout' || data ?~ 'timeout'");
  expect(searchFilter('"it\'s"')).toBe("level ?~ 'it\\'s' || message ?~ 'it\\'s' || data ?~ 'it\\'s'");
  expect(allOf("", "a = 1", " ", "b || c")).toBe("(a = 1) && (b || c)");
  expect(allOf()).toBe("");
});

test("hourly stats lie on a continuous timeline of at least a day, ending at the current hour", () => {
  const now = at("2026-01-02T10:30:00Z");
  const buckets = hourBuckets(
    [
      { date: "2026-01-02 08:00:00.000Z", total: 3 },
      { date: "2026-01-02 10:00:00.000Z", total: 1 },
    ],
    now,
  );
  expect(buckets).toHaveLength(24);
  expect(buckets.at(-1)).toEqual({ start: at("2026-01-02T10:00:00Z"), total: 1 });
  expect(buckets.at(-2)).toEqual({ start: at("2026-01-02T09:00:00Z"), total: 0 });
  expect(buckets.at(-3)?.total).toBe(3);
  // a longer span keeps its first hour; too long a one keeps its latest hours
  expect(hourBuckets([{ date: "2025-12-30 10:00:00.000Z", total: 2 }], now)).toHaveLength(73);
  expect(hourBuckets([{ date: "2025-12-30 10:00:00.000Z", total: 2 }], now, 48)).toHaveLength(48);
  expect(hourBuckets([], now).every((b) => b.total === 0)).toBe(true);
  expect(hourFilter(at("2026-01-02T10:00:00Z"))).toBe(
    "created >= '2026-01-02 10:00:00.000Z' && created < '2026-01-02 11:00:00.000Z'",
  );
});

test("the chart's axis: round maximums, labels far enough apart on whole hours", () => {
  expect(niceMax(0)).toBe(1);
  expect(niceMax(7)).toBe(10);
  expect(niceMax(11)).toBe(20);
  expect(niceMax(380)).toBe(500);
  expect(labelEvery(50)).toBe(2);
  expect(labelEvery(10)).toBe(12);
  expect(labelEvery(1)).toBe(72);
  expect(labelEvery(0.2)).toBe(24 * 15);
  const day = Array.from({ length: 48 }, (_, i) => ({ start: new Date(2026, 0, 1, i).getTime(), total: 0 }));
  expect(labelledBuckets(day, 6).map((i) => new Date(day[i]?.start ?? 0).getHours())).toEqual([
    0, 6, 12, 18, 0, 6, 12, 18,
  ]);
  expect(labelledBuckets(day, 48)).toEqual([0]);
});

test("a log's list line shows its request facts and errors; its details show the telling keys first", () => {
  const data = {
    auth: "",
    error: "Missing collection context.",
    execTime: 1.234567,
    method: "GET",
    referer: "https://elsewhere.example/page",
    status: 404,
    type: "request",
    url: "/api/x",
    userIP: "127.0.0.1",
    custom: 1,
  };
  expect(logChips(data, "127.0.0.1:8090")).toEqual([
    { key: "status", value: "404", tone: "" },
    { key: "execTime", value: "1.23ms", tone: "" },
    { key: "userIP", value: "127.0.0.1", tone: "" },
    { key: "referer", value: "https://elsewhere.example/page", tone: "" },
    { key: "error", value: "Missing collection context.", tone: "error" },
  ]);
  expect(logChips({ ...data, referer: "http://127.0.0.1:8090/_/" }, "127.0.0.1:8090").map((c) => c.key)).not.toContain(
    "referer",
  );
  expect(logChips({ job: "x", details: { a: 1 } }, "h")).toEqual([
    { key: "job", value: "x", tone: "" },
    { key: "details", value: '{"a":1}', tone: "warn" },
  ]);
  expect(orderedDataKeys(data)).toEqual([
    "execTime",
    "type",
    "auth",
    "status",
    "method",
    "url",
    "referer",
    "userIP",
    "error",
    "custom",
  ]);
  expect(levelLabel(8)).toBe("ERROR (8)");
  expect(levelLabel(-4)).toBe("DEBUG (-4)");
  expect(levelLabel(2)).toBe("Level 2");
});
