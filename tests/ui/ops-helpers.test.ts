import { expect, test } from "bun:test";
import { couldBeId, type PaletteItem, score, search } from "../../ui/src/components/palette/palette-items.ts";
import { recordPath } from "../../ui/src/screens/collections/paths.ts";
import { formatBytes, newestFirst } from "../../ui/src/screens/settings/backups.ts";
import { describeCron } from "../../ui/src/screens/settings/cron-describe.ts";
import {
  compareValues,
  needsConfirmation,
  sortRows,
  toCsv,
  withQuery,
} from "../../ui/src/screens/settings/sql-console.ts";
import { formatDuration, newSecret, tokenKinds } from "../../ui/src/screens/settings/token-options.ts";

/** The plain helpers of the operations screens (no browser needed). */

test("cron expressions of the common shapes are said in words; others give nothing", () => {
  expect(describeCron("0 0 * * *")).toBe("at 00:00, every day");
  expect(describeCron("30 2 * * *")).toBe("at 02:30, every day");
  expect(describeCron("0 */6 * * *")).toBe("every 6 hours at minute 0");
  expect(describeCron("2 * * * *")).toBe("every hour at minute 2");
  expect(describeCron("0 * * * *")).toBe("every hour, on the hour");
  expect(describeCron("* * * * *")).toBe("every minute");
  expect(describeCron("*/15 * * * *")).toBe("every 15 minutes");
  expect(describeCron("0 0 * * 1,3")).toBe("at 00:00, on Monday and Wednesday");
  expect(describeCron("0 0 * * 0")).toBe("at 00:00, on Sunday");
  expect(describeCron("0 0 1 * *")).toBe("at 00:00, on day 1 of the month");
  expect(describeCron("0 9,17 * 1 *")).toBe("at 09:00 and 17:00, in January");
  expect(describeCron("0-5 * * * *")).toBe("");
  expect(describeCron("0 0 * * MON")).toBe("");
  expect(describeCron("0 0 * 13 *")).toBe("");
  expect(describeCron("@daily")).toBe("");
});

test("the SQL console asks before statements that change things, wherever they are in the script", () => {
  expect(needsConfirmation("select * from users")).toBe(false);
  expect(needsConfirmation("SELECT created_at, updated FROM t")).toBe(false);
  expect(needsConfirmation("delete from users")).toBe(true);
  expect(needsConfirmation("SELECT 1;\nDROP TABLE x")).toBe(true);
  expect(needsConfirmation("pragma foreign_keys")).toBe(true);
  expect(needsConfirmation("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x")).toBe(true);
});

test("result values sort with NULL first, numbers as numbers, text as read", () => {
  expect(compareValues(null, "a")).toBeLessThan(0);
  expect(compareValues("10", "9")).toBeGreaterThan(0);
  expect(compareValues("item 10", "item 9")).toBeGreaterThan(0);
  expect(compareValues("", "0")).not.toBe(0);
  const rows = [
    ["b", "2"],
    [null, "10"],
    ["a", "1"],
  ];
  expect(sortRows(rows, 1, true).map((r) => r[0])).toEqual(["a", "b", null]);
  expect(sortRows(rows, 0, false).map((r) => r[0])).toEqual(["b", "a", null]);
  // the original order is kept
  expect(rows[0]?.[0]).toBe("b");
});

test("results export as RFC 4180 CSV", () => {
  expect(
    toCsv(
      ["a", "b"],
      [
        ["x,y", 'say "hi"'],
        [null, " padded"],
        ["line\nbreak", "plain"],
      ],
    ),
  ).toBe('a,b\r\n"x,y","say ""hi"""\r\n," padded"\r\n"line\nbreak",plain');
});

test("the query history keeps the latest ten, once each", () => {
  let history: string[] = [];
  for (let i = 0; i < 12; i++) history = withQuery(history, `SELECT ${i}`);
  expect(history).toHaveLength(10);
  expect(history[0]).toBe("SELECT 11");
  history = withQuery(history, "select 5;");
  expect(history[0]).toBe("select 5;");
  expect(history.filter((q) => q.toUpperCase().startsWith("SELECT 5"))).toHaveLength(1);
});

test("token durations read in whole units; new secrets are 50 random characters", () => {
  expect(formatDuration(432000)).toBe("5 days");
  expect(formatDuration(86400)).toBe("1 day");
  expect(formatDuration(1800)).toBe("30 minutes");
  expect(formatDuration(7200)).toBe("2 hours");
  expect(formatDuration(90)).toBe("90 seconds");
  expect(formatDuration(0)).toBe("");
  const a = newSecret();
  expect(a).toMatch(/^[A-Za-z0-9]{50}$/);
  expect(newSecret()).not.toBe(a);
  expect(tokenKinds("_superusers").map((k) => k.key)).toEqual(["authToken", "passwordResetToken", "fileToken"]);
  expect(tokenKinds("users")).toHaveLength(5);
});

test("the palette ranks a label's start above a word of it, above anywhere in it, above its keywords", () => {
  const item = (label: string, keywords: string[] = []): PaletteItem => ({
    id: label,
    group: "Pages",
    label,
    detail: "",
    path: `/${label}`,
    keywords,
  });
  expect(score(item("Mail"), "ma")).toBeGreaterThan(score(item("Email change"), "ma"));
  expect(score(item("Email change"), "ch")).toBeGreaterThan(score(item("Batch"), "ch"));
  expect(score(item("Batch"), "ch")).toBeGreaterThan(score(item("Other", ["change"]), "ch"));
  // keywords match at the start of their words only
  expect(score(item("Mail", ["SMTP", "sender"]), "smtp")).toBeGreaterThan(0);
  expect(score(item("API preview", ["endpoints"]), "po")).toBe(0);
  // every word must match
  expect(score(item("Files storage", ["S3"]), "s3 files")).toBeGreaterThan(0);
  expect(score(item("Files storage"), "files nope")).toBe(0);
  const ranked = search([item("Token options", ["secrets"]), item("Tools"), item("SQL console")], "to");
  expect(ranked.map((i) => i.label)).toEqual(["Token options", "Tools"]);
});

test("a text is looked up as a record id only where it fits the id field's length and pattern", () => {
  const rules = { pattern: "^[a-z0-9]+$", min: 15, max: 15 };
  expect(couldBeId("a1b2c3d4e5f6g7h", rules)).toBe(true);
  expect(couldBeId("a1b2c3d4e5f6g7", rules)).toBe(false);
  expect(couldBeId("A1B2C3D4E5F6G7H", rules)).toBe(false);
  expect(couldBeId("a1b2c3d4 5f6g7h", rules)).toBe(false);
  expect(couldBeId("anything", { pattern: "", min: 0, max: 0 })).toBe(true);
  // a Go pattern JavaScript can't compile is left to the server
  expect(couldBeId("abc", { pattern: "(?i)^[a-z]+$", min: 0, max: 0 })).toBe(true);
  expect(recordPath("my posts", "abc")).toBe("/collections/my%20posts/records?record=abc");
});

test("backups list the newest first, with sizes in the largest fitting unit", () => {
  expect(formatBytes(0)).toBe("0 B");
  expect(formatBytes(1023)).toBe("1023 B");
  expect(formatBytes(1536)).toBe("1.5 KB");
  expect(formatBytes(10 * 1024 * 1024)).toBe("10 MB");
  expect(formatBytes(3.25 * 1024 ** 3)).toBe("3.3 GB");
  const list = [
    { key: "b.zip", modified: "2026-01-01 10:00:00.000Z" },
    { key: "a.zip", modified: "2026-01-02 10:00:00.000Z" },
    { key: "c.zip", modified: "2026-01-01 10:00:00.000Z" },
  ];
  expect(newestFirst(list).map((b) => b.key)).toEqual(["a.zip", "b.zip", "c.zip"]);
});
