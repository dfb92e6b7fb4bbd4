import { expect, test } from "bun:test";
import { wallTimeAt } from "./wall-clock.ts";

// Within a millisecond: the origin is checked against Date.now() at most once a second, and a wall clock being
// slewed (NTP, a virtual machine's clock catching up) moves against the monotonic one in between (it failed
// here once by 1 ms under load on a VM whose clock was being adjusted).
test("wallTimeAt reads as Date.now() did at the same moment, to the millisecond", async () => {
  for (let i = 0; i < 50; i++) {
    const before = Date.now();
    const at = wallTimeAt(performance.now());
    const after = Date.now();
    expect(Number.isInteger(at)).toBe(true);
    expect(at).toBeGreaterThanOrEqual(before - 1);
    expect(at).toBeLessThanOrEqual(after + 1);
    if (i % 10 === 0) await Bun.sleep(3);
  }
});

test("wallTimeAt of an earlier reading is that much earlier", () => {
  const now = performance.now();
  expect(wallTimeAt(now) - wallTimeAt(now - 5000)).toBe(5000);
});
