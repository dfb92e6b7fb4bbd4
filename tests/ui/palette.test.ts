import { expect } from "bun:test";
import { addressMatches, uiTest } from "./harness.ts";

uiTest(
  "the command palette (Ctrl+K) jumps to a setting, a collection and a record found by its id, all by keyboard",
  async ({ page, server }) => {
    await server.pb.collections.create({ name: "posts", type: "base", fields: [{ name: "title", type: "text" }] });
    await server.pb.collections.create({ name: "comments", type: "base", fields: [{ name: "body", type: "text" }] });
    const comment = await server.pb.collection("comments").create({ body: "hello" });

    await page.goto(server.dashboardUrl);
    await page.getByRole("heading", { name: "Application" }).waitFor();
    const dialog = page.getByRole("dialog", { name: "Go to" });
    const input = dialog.getByRole("combobox", { name: "Go to a collection, a record id or a setting" });

    // a setting, by a word of what it holds
    await page.keyboard.press("Control+k");
    await input.waitFor();
    expect(await input.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await input.fill("smtp");
    const first = dialog.getByRole("option").first();
    expect(await first.innerText()).toContain("Mail");
    expect(await first.getAttribute("aria-selected")).toBe("true");
    expect(await input.getAttribute("aria-activedescendant")).toBe(await first.getAttribute("id"));
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("heading", { name: "Mail", level: 1 }).waitFor();
    await addressMatches(page, "#/settings/mail");

    // a collection's API preview: the arrows move through the results
    await page.keyboard.press("Control+k");
    await input.fill("posts");
    const options = dialog.getByRole("option");
    await options.filter({ hasText: "posts API" }).waitFor();
    expect(await dialog.getByRole("group", { name: "Collections" }).getByRole("option").allInnerTexts()).toEqual([
      expect.stringContaining("posts"),
    ]);
    await page.keyboard.press("ArrowDown");
    expect(await options.nth(1).getAttribute("aria-selected")).toBe("true");
    expect(await options.nth(1).innerText()).toContain("posts API");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "posts", level: 1 }).waitFor();
    await addressMatches(page, "#/api-preview/posts");

    // a collection itself: its records
    await page.keyboard.press("Control+k");
    await input.fill("comm");
    await dialog
      .getByRole("group", { name: "Collections" })
      .getByRole("option", { name: /comments/ })
      .click();
    await dialog.waitFor({ state: "hidden" });
    await addressMatches(page, "#/collections/comments/records");

    // a record, by its id, looked up in every collection whose ids it could be
    await page.keyboard.press("Control+k");
    await input.fill(comment.id);
    const record = dialog.getByRole("group", { name: "Records" }).getByRole("option");
    await record.waitFor();
    expect(await record.innerText()).toContain("Record in comments");
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "hidden" });
    await addressMatches(page, `#/collections/comments/records?record=${comment.id}`);

    // nothing found says so; Escape closes and gives the focus back
    await page.goto(`${server.dashboardUrl}#/settings/crons`);
    // the hash changes at once: the records screen (its own Refresh, the record's panel) may still be up
    await page.getByRole("heading", { name: "Crons", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Refresh" }).focus();
    await page.keyboard.press("Control+k");
    await input.fill("zzzz-nothing");
    await dialog.getByRole("status").filter({ hasText: "Nothing matches “zzzz-nothing”." }).waitFor();
    expect(await dialog.getByRole("option").count()).toBe(0);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await page.evaluate("document.activeElement?.textContent?.trim()")).toBe("Refresh");
  },
  { signedIn: true },
);

uiTest(
  "at phone width the palette opens from the menu's Go to button",
  async ({ page, server }) => {
    await page.goto(server.dashboardUrl);
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("button", { name: "Go to" }).click();
    const dialog = page.getByRole("dialog", { name: "Go to" });
    await dialog.getByRole("combobox").fill("sql");
    const box = await dialog.evaluate((el) => el.getBoundingClientRect());
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(390);
    await dialog.getByRole("option", { name: /SQL console/ }).click();
    await page.getByRole("heading", { name: "SQL console", level: 1 }).waitFor();
  },
  { signedIn: true, viewport: { width: 390, height: 800 } },
);
