import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { browserSkipReason, newPage, screenshotOnFailure, screenshotPath } from "./harness.ts";

/** The browser tests' harness itself: what a failing test leaves behind. */

test.skipIf(browserSkipReason !== null)(
  "a failing browser test saves a screenshot of its page, a passing one none",
  async () => {
    const page = await newPage();
    const name = `harness check ${crypto.randomUUID()}`;
    const file = screenshotPath(name);
    try {
      await page.setContent("<h1>This test fails on purpose</h1>");
      const failure = new Error("failing on purpose");
      await expect(
        screenshotOnFailure(name, page, async () => {
          throw failure;
        }),
      ).rejects.toBe(failure);
      const png = await readFile(file);
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      await rm(file);

      await screenshotOnFailure(name, page, async () => {});
      expect(existsSync(file)).toBe(false);
    } finally {
      await rm(file, { force: true });
      await page.context().close();
    }
  },
);
