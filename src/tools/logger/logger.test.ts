import { expect, test } from "bun:test";
import { ValidationError, ValidationErrors } from "../validation/validation.ts";
import { type LogEntry, Logger, LogLevel, levelName } from "./logger.ts";

function recording(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return { logger: new Logger([{ write: (e) => entries.push(e) }]), entries };
}

test("each level writes an entry with PocketBase's level number, its message, attrs and time", () => {
  const { logger, entries } = recording();
  const before = Date.now();
  logger.debug("d");
  logger.info("i", { a: 1 });
  logger.warn("w");
  logger.error("e");
  logger.log(2, "custom");
  expect(entries.map((e) => [e.level, e.message, e.data])).toEqual([
    [-4, "d", {}],
    [0, "i", { a: 1 }],
    [4, "w", {}],
    [8, "e", {}],
    [2, "custom", {}],
  ]);
  expect(entries[0]?.time).toBeGreaterThanOrEqual(before);
  expect(entries.map((e) => levelName(e.level))).toEqual(["DEBUG", "INFO", "WARN", "ERROR", "2"]);
});

test("errors in attrs are stored as their messages, validation errors as a map, nested objects too", () => {
  const { logger, entries } = recording();
  const original = { plain: "x", nested: { err: new Error("inner") } };
  logger.error("failed", {
    error: new Error("boom"),
    validation: new ValidationErrors({
      title: new ValidationError("validation_required", "cannot be blank"),
      sub: new ValidationErrors({ x: new ValidationError("validation_min", "too small") }),
    }),
    ...original,
    list: [1, 2],
  });
  expect(entries[0]?.data).toEqual({
    error: "boom",
    validation: { title: "cannot be blank", sub: { x: "too small" } },
    plain: "x",
    nested: { err: "inner" },
    list: [1, 2],
  });
  // the caller's objects are not changed
  expect(original.nested.err).toBeInstanceOf(Error);
});

test("with adds attrs (the entry's own win); withGroup nests later attrs as slog does", () => {
  const { logger, entries } = recording();
  const scoped = logger.with({ app: "a", n: 1 });
  scoped.info("one", { n: 2 });
  scoped.withGroup("req").with({ id: "r1" }).info("two", { status: 200 });
  scoped.withGroup("empty").info("three");
  logger.withGroup("").info("four", { x: 1 });
  expect(entries.map((e) => e.data)).toEqual([
    { app: "a", n: 2 },
    { app: "a", n: 1, req: { id: "r1", status: 200 } },
    { app: "a", n: 1 },
    { x: 1 },
  ]);
});

test("flush waits for every sink that buffers", async () => {
  const written: string[] = [];
  let pending: string[] = [];
  const logger = new Logger([
    { write: () => {} },
    {
      write: (e) => pending.push(e.message),
      flush: async () => {
        await Bun.sleep(1);
        written.push(...pending);
        pending = [];
      },
    },
  ]);
  logger.info("a");
  logger.info("b");
  expect(written).toEqual([]);
  await logger.flush();
  expect(written).toEqual(["a", "b"]);
});

test("LogLevel matches slog", () => {
  expect(LogLevel).toEqual({ debug: -4, info: 0, warn: 4, error: 8 });
});
