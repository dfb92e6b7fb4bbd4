import { expect, test } from "bun:test";
import { wallTimeAt } from "./wall-clock.ts";

test("wallTimeAt reads as Date.now() did at the same moment", async () => {
  for (let i = 0; i < 50; i++) {
    const before = Date.now();
    const at = wallTimeAt(performance.now());
    const after = Date.now();
    expect(Number.isInteger(at)).toBe(true);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
    if (i % 10 === 0) await Bun.sleep(3);
  }
});

test("wallTimeAt of an earlier reading is that much earlier", () => {
  const now = performance.now();
  expect(wallTimeAt(now) - wallTimeAt(now - 5000)).toBe(5000);
});
