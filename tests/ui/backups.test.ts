import { expect } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { holdBackups } from "../backups/backup-fixture.ts";
import { describedBy, uiTest } from "./harness.ts";

uiTest(
  "backups: one is created, downloaded, and restored after its name is typed; the data goes back to its state",
  async ({ page, server }) => {
    await server.pb.collections.create({ name: "before", type: "base", fields: [{ name: "title", type: "text" }] });
    await page.goto(`${server.dashboardUrl}#/settings/backups`);
    await page.getByText("No backups yet").waitFor();

    // a bad name is refused beside the field
    await page.getByRole("button", { name: "Create a backup" }).click();
    const create = page.getByRole("dialog", { name: "Create a backup" });
    const name = create.getByLabel("Backup name");
    await name.fill("Not Valid");
    await create.getByRole("button", { name: "Start the backup" }).click();
    await name.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(name)).toContain("Must be in a valid format.");

    await name.fill("nightly_1.zip");
    await create.getByRole("button", { name: "Start the backup" }).click();
    await page.getByRole("status").filter({ hasText: "The backup was made." }).waitFor();
    const list = page.getByRole("list", { name: "Backups" });
    const item = list.getByRole("listitem").filter({ hasText: "nightly_1.zip" });
    await item.waitFor();
    expect(await item.innerText()).toMatch(/\d+(\.\d)? (KB|MB)/);

    // the download is the server's zip
    const downloading = page.waitForEvent("download");
    await item.getByRole("button", { name: "Download nightly_1.zip" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("nightly_1.zip");
    const zip = await readFile((await download.path()) ?? "");
    expect(zip.subarray(0, 2).toString()).toBe("PK");

    // a change after the backup, which the restore undoes
    await server.pb.collections.create({ name: "after", type: "base", fields: [{ name: "title", type: "text" }] });
    await item.getByRole("button", { name: "Restore nightly_1.zip" }).click();
    const restore = page.getByRole("dialog", { name: "Restore nightly_1.zip" });
    const restoreButton = restore.getByRole("button", { name: "Restore the backup" });
    expect(await restoreButton.isDisabled()).toBe(true);
    await restore.getByLabel("Backup name").fill("nightly_1");
    expect(await restoreButton.isDisabled()).toBe(true);
    await restore.getByLabel("Backup name").fill("nightly_1.zip");
    await restoreButton.click();
    await restore.getByRole("status").filter({ hasText: "the server restarts on the restored data" }).waitFor();
    // the page reloads on the restored server
    await page.waitForEvent("load", { timeout: 15_000 });
    await page.getByRole("heading", { name: "Backups", level: 1 }).waitFor();
    const names = (await server.pb.collections.getFullList()).map((c) => c.name);
    expect(names).toContain("before");
    expect(names).not.toContain("after");
  },
  { signedIn: true },
);

uiTest(
  "backups: an uploaded zip is listed, a deleted one goes, and the schedule is saved with its errors beside the fields",
  async ({ page, server }) => {
    await server.pb.backups.create("source.zip");
    const zip = await readFile(join(server.dir, "backups", "source.zip"));
    await server.pb.backups.delete("source.zip");

    await page.goto(`${server.dashboardUrl}#/settings/backups`);
    await page.getByText("No backups yet").waitFor();
    await page
      .getByLabel("Upload a backup")
      .setInputFiles({ name: "uploaded.zip", mimeType: "application/zip", buffer: zip });
    await page.getByRole("dialog", { name: "Upload uploaded.zip?" }).getByRole("button", { name: "Upload" }).click();
    await page.getByRole("status").filter({ hasText: "uploaded.zip was uploaded." }).waitFor();
    const item = page.getByRole("list", { name: "Backups" }).getByRole("listitem").filter({ hasText: "uploaded.zip" });
    await item.waitFor();

    await item.getByRole("button", { name: "Delete uploaded.zip" }).click();
    await page.getByRole("dialog", { name: "Delete uploaded.zip?" }).getByRole("button", { name: "Delete" }).click();
    await page.getByText("No backups yet").waitFor();
    expect(await server.pb.backups.getFullList()).toEqual([]);

    await page.getByLabel("Back up automatically").check();
    const cron = page.getByLabel("Schedule (cron expression, UTC)");
    expect(await cron.inputValue()).toBe("0 0 * * *");
    expect(await describedBy(cron)).toBe("at 00:00, every day");
    await cron.fill("every night");
    await page.getByRole("button", { name: "Save changes" }).click();
    await cron.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(cron)).toContain("Minute, hour");

    await cron.fill("30 3 * * 1");
    await page.getByLabel("Automatic backups to keep").fill("5");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "The settings were saved." }).waitFor();
    expect((await server.pb.settings.getAll()).backups).toMatchObject({ cron: "30 3 * * 1", cronMaxKeep: 5 });
  },
  { signedIn: true },
);

uiTest(
  "backups: while one is being made (by anyone), the page says so and no other can start; then the list shows it",
  async ({ page, server }) => {
    const held = holdBackups(server.app);
    const making = server.app.createBackup("scheduled.zip");
    await held.started;
    await page.goto(`${server.dashboardUrl}#/settings/backups`);
    await page.getByRole("status").filter({ hasText: "A backup or restore is running…" }).waitFor();
    expect(await page.getByRole("button", { name: "Create a backup" }).isDisabled()).toBe(true);

    held.release();
    await making;
    await page
      .getByRole("list", { name: "Backups" })
      .getByRole("listitem")
      .filter({ hasText: "scheduled.zip" })
      .waitFor();
    await page
      .getByRole("status")
      .filter({ hasText: "A backup or restore is running…" })
      .waitFor({ state: "detached" });
    expect(await page.getByRole("button", { name: "Create a backup" }).isDisabled()).toBe(false);
  },
  { signedIn: true },
);
