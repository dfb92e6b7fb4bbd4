import { afterEach, expect, test } from "bun:test";
import {
  expandLogRows,
  logQueueTypes,
  packLog,
  packRequestLog,
  type RequestLog,
  requestLogData,
  requestLogMessage,
} from "../../src/core/log-write.ts";
import { cloneSettings } from "../../src/core/settings-model.ts";
import { type PackedRows, PackedRowsWriter, packedChunks } from "../../src/db/packed-rows.ts";
import { LogLevel } from "../../src/tools/logger/logger.ts";
import { formatDateTime } from "../../src/tools/types/datetime.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";

let t: TestApp | null = null;
afterEach(async () => {
  await t?.cleanup();
  t = null;
});

const base: RequestLog = {
  status: 200,
  execTime: 1.234567,
  method: "GET",
  url: "/api/collections/posts/records?perPage=30&sort=-num",
  message: "",
  referer: "",
  userAgent: "agent/1",
  auth: "",
  remoteIP: "127.0.0.1",
  userIP: "127.0.0.1",
};

// what a client may send that JSON must escape, and text that isn't ASCII
const awkward = `q"uote\\back\u0001\u001f\b\f\n\r\t del\u007f é 日本 😀 </script>`;

const cases: RequestLog[] = [
  base,
  { ...base, execTime: 0.000001, status: 201, method: "POST", url: "/api/collections/posts/records" },
  { ...base, execTime: 3, referer: "http://x.test/page", auth: "users", authId: "abc123def456ghi" },
  { ...base, userAgent: awkward, referer: awkward, auth: awkward, authId: awkward, url: `/a?b=${awkward}` },
  { ...base, remoteIP: undefined, userIP: undefined, userAgent: "", execTime: 12345.678901 },
  { ...base, remoteIP: "10.0.0.1", userIP: "203.0.113.9" },
  { ...base, url: "/a%20b?c=%27d%27", message: "GET /a b?c='d'" },
  { ...base, method: "", url: "", userAgent: "", remoteIP: "" },
  // not ASCII, but nothing JSON escapes
  { ...base, userAgent: "agent é 日本 😀", referer: "http://x.test/é", auth: "usérs", authId: "id日本" },
  // a lone surrogate, which JSON.stringify escapes and UTF-8 can't hold
  { ...base, userAgent: "agent \ud800 x", referer: "\udfff" },
];

/** decoded reads expanded rows back as strings and numbers, as the INSERT binds them. */
function decoded(rows: PackedRows) {
  const params = packedChunks(rows, 1 << 20).flatMap((c) => c.params);
  const out: { id: string; level: number; message: string; data: string; created: string }[] = [];
  for (let i = 0; i < params.length; i += 5) {
    out.push({
      id: params[i] as string,
      level: params[i + 1] as number,
      message: params[i + 2] as string,
      data: params[i + 3] as string,
      created: params[i + 4] as string,
    });
  }
  return out;
}

test("a queued request log expands to the row the log entry would have: same message and data JSON", () => {
  const writer = new PackedRowsWriter(logQueueTypes, { maxBytes: 1 << 20 });
  const before = Date.now();
  for (const log of cases) expect(packRequestLog(log, writer)).toBe(true);
  const after = Date.now();
  const rows = decoded(expandLogRows(writer.take()));
  expect(rows).toHaveLength(cases.length);
  for (const [i, row] of rows.entries()) {
    const log = cases[i] as RequestLog;
    expect(row.data).toBe(JSON.stringify(requestLogData(log)));
    expect(row.message).toBe(requestLogMessage(log));
    expect(row.level).toBe(LogLevel.info);
    expect(row.id).toMatch(/^[a-z0-9]{15}$/);
    const created = Date.parse(row.created.replace(" ", "T"));
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(after);
    expect(row.created).toBe(formatDateTime(new Date(created)));
  }
  expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
});

test("app log entries and request logs queue together, in order; ids sort by time", () => {
  const writer = new PackedRowsWriter(logQueueTypes, { maxBytes: 1 << 20 });
  const time = Date.UTC(2030, 0, 2, 3, 4, 5, 6);
  packLog({ level: LogLevel.warn, message: "slow ✓", data: { ms: 1200, note: awkward }, time }, writer);
  packRequestLog(base, writer);
  packLog({ level: LogLevel.error, message: "", data: {}, time: time + 1 }, writer);
  const rows = decoded(expandLogRows(writer.take()));
  expect(rows.map((r) => [r.level, r.message, r.data, r.created])).toEqual([
    [LogLevel.warn, "slow ✓", JSON.stringify({ ms: 1200, note: awkward }), "2030-01-02 03:04:05.006Z"],
    [LogLevel.info, requestLogMessage(base), JSON.stringify(requestLogData(base)), rows[1]?.created ?? ""],
    [LogLevel.error, "", "{}", "2030-01-02 03:04:05.007Z"],
  ]);
  expect((rows[0]?.id ?? "") < (rows[2]?.id ?? "")).toBe(true);
});

test("created is each log's own time to the millisecond, across seconds, days and years", () => {
  const writer = new PackedRowsWriter(logQueueTypes, { maxBytes: 1 << 20 });
  const end = Date.UTC(2031, 0, 1);
  const times = [0, 1, 9, 10, 99, 100, 999, 1000, 1001].flatMap((ms) => [end - 1000 + ms, end - 86_400_000 + ms]);
  for (const time of times) packRequestLog({ ...base, time }, writer);
  const rows = decoded(expandLogRows(writer.take()));
  expect(rows.map((r) => r.created)).toEqual(times.map((time) => formatDateTime(new Date(time))));
});

test("request logs written by the background writer are the rows the entries would make", async () => {
  t = await newTestApp();
  // enough waiting logs for the worker thread to make and write them (50 or more)
  const logs = Array.from({ length: 120 }, (_, i) => ({ ...(cases[i % cases.length] as RequestLog), status: 200 + i }));
  for (const log of logs) t.app.logger().request(log);
  await t.app.logger().flush();
  const stored = await t.app.auxDb.all<{ level: number; message: string; data: string }>(
    "SELECT level, message, data FROM _logs",
  );
  const byStatus = stored
    .map((r) => ({ level: r.level, message: r.message, data: JSON.parse(r.data) as Record<string, unknown> }))
    .sort((a, b) => Number(a.data.status) - Number(b.data.status));
  expect(byStatus).toEqual(
    logs.map((log) => ({ level: LogLevel.info, message: requestLogMessage(log), data: requestLogData(log) })),
  );
}, 30_000);

test("a failed request's log is an entry with the error and its details, its data keys in order", async () => {
  t = await newTestApp();
  t.app.logger().request(base, { message: "Failed.", details: { title: "cannot be blank" } });
  t.app.logger().request(base, { message: "boom" });
  await t.app.logger().flush();
  const stored = (await t.app.auxDb.all<{ level: number; data: string }>("SELECT level, data FROM _logs")).sort(
    (a, b) => b.data.length - a.data.length,
  );
  expect(stored.map((r) => [r.level, JSON.parse(r.data)])).toEqual([
    [LogLevel.error, { ...requestLogData(base), details: { title: "cannot be blank" }, error: "Failed." }],
    [LogLevel.error, { ...requestLogData(base), error: "boom" }],
  ]);
  expect(Object.keys(JSON.parse(stored[0]?.data ?? "{}"))).toEqual(
    Object.keys(JSON.parse(stored[0]?.data ?? "{}")).sort(),
  );
}, 30_000);

test("a request log follows settings.logs at once: minLevel above info and maxDays 0 drop it", async () => {
  t = await newTestApp();
  const s = cloneSettings(t.app.settings());
  s.logs.minLevel = LogLevel.warn;
  await t.app.saveSettings(s);
  t.app.logger().request(base);
  s.logs.minLevel = LogLevel.info;
  s.logs.maxDays = 0;
  await t.app.saveSettings(s);
  t.app.logger().request(base);
  s.logs.maxDays = 1;
  await t.app.saveSettings(s);
  t.app.logger().request({ ...base, status: 204 });
  await t.app.logger().flush();
  const stored = await t.app.auxDb.all<{ data: string }>("SELECT data FROM _logs");
  expect(stored.map((r) => JSON.parse(r.data).status)).toEqual([204]);
}, 30_000);

test("ids start with their time's base-36 digits, share them within a millisecond, and differ after", () => {
  const writer = new PackedRowsWriter(logQueueTypes, { maxBytes: 1 << 20 });
  const t0 = Date.UTC(2030, 5, 6, 7, 8, 9, 10);
  // rows of one millisecond, then of the next ones, then back to an earlier one (a clock set back)
  const times = [t0, t0, t0, t0 + 1, t0 + 1, t0 + 36, t0 + 1000, t0 - 5000, t0 + 0.75];
  for (const time of times) packRequestLog({ ...base, time }, writer);
  const rows = decoded(expandLogRows(writer.take()));
  for (const [i, row] of rows.entries()) {
    const ms = Math.floor(times[i] as number);
    expect(row.id.slice(0, 8)).toBe((ms % 36 ** 8).toString(36).padStart(8, "0"));
    expect(row.id).toMatch(/^[a-z0-9]{15}$/);
  }
  expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  // the random part uses all of its 7 digits
  const many = new PackedRowsWriter(logQueueTypes, { maxBytes: 1 << 22 });
  for (let i = 0; i < 2000; i++) packRequestLog({ ...base, time: t0 }, many);
  const ids = decoded(expandLogRows(many.take())).map((r) => r.id);
  for (let d = 8; d < 15; d++) expect(new Set(ids.map((id) => id[d])).size).toBeGreaterThan(30);
});

test("texts long and short expand the same: a long URL, user agent and referer", () => {
  const writer = new PackedRowsWriter(logQueueTypes, { maxBytes: 1 << 20 });
  const long = "x".repeat(257);
  const logs: RequestLog[] = [
    { ...base, url: `/api/a?q=${long}`, userAgent: long, referer: `http://x.test/${long}` },
    {
      ...base,
      url: `/a%20b?q=${"y".repeat(300)}`,
      message: `GET /a b?q=${"y".repeat(300)}`,
      userAgent: "z".repeat(256),
    },
    { ...base, userAgent: `${"日本".repeat(100)}"` },
  ];
  for (const log of logs) packRequestLog(log, writer);
  const rows = decoded(expandLogRows(writer.take()));
  expect(rows.map((r) => [r.message, r.data])).toEqual(
    logs.map((log) => [requestLogMessage(log), JSON.stringify(requestLogData(log))]),
  );
});
