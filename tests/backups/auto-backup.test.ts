import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { utimesSync } from "node:fs";
import { join } from "node:path";
import type { App } from "../../src/core/app.ts";
import { runAutoBackup } from "../../src/core/base-backup.ts";
import { newFileToken } from "../../src/core/record-tokens.ts";
import { cloneSettings, type Settings } from "../../src/core/settings-model.ts";
import type { Message } from "../../src/tools/mailer/message.ts";
import { startS3rver, type TestS3 } from "../files/s3rver.ts";
import { send } from "../helpers/api-scenario.ts";
import { rawZip } from "../helpers/raw-zip.ts";
import { newTestApp } from "../helpers/test-app.ts";
import { addPost, backupFixture, dataState, settled } from "./backup-fixture.ts";

async function patchSettings(app: App, change: (s: Settings) => void): Promise<void> {
  const s = cloneSettings(app.settings());
  change(s);
  await app.saveSettings(s);
}

async function cronIds(app: App): Promise<string[]> {
  const res = await send(app, { url: "/api/crons", auth: "superuser" });
  return (res.json as { id: string; expression: string }[]).map((j) => `${j.id} ${j.expression}`);
}

describe("automatic backups", () => {
  test("__pbAutoBackup__ follows settings.backups.cron: added on reload and bootstrap, removed when emptied", async () => {
    const t = await backupFixture.newApp();
    try {
      expect((await cronIds(t.app)).some((j) => j.startsWith("__pbAutoBackup__"))).toBe(false);
      const res = await send(t.app, {
        method: "PATCH",
        url: "/api/settings",
        auth: "superuser",
        body: { backups: { cron: "0 2 * * *", cronMaxKeep: 2 } },
      });
      expect(res.status).toBe(200);
      expect(await cronIds(t.app)).toContain("__pbAutoBackup__ 0 2 * * *");

      // a new app on the same directory registers it at bootstrap
      await t.app.terminate();
      // (on PostgreSQL, on a copy of its database: the directory holds none)
      const again = await newTestApp({ dir: t.dir, ...(t.database ? { template: t.database } : {}) });
      expect(
        again.app
          .cron()
          .jobs()
          .find((j) => j.id === "__pbAutoBackup__")?.expression,
      ).toBe("0 2 * * *");
      // where PocketBase lists it after a start
      expect(
        again.app
          .cron()
          .jobs()
          .map((j) => j.id),
      ).toEqual(["__pbDBOptimize__", "__pbMFACleanup__", "__pbOTPCleanup__", "__pbLogsCleanup__", "__pbAutoBackup__"]);
      await patchSettings(again.app, (s) => {
        s.backups.cron = "";
      });
      expect(
        again.app
          .cron()
          .jobs()
          .some((j) => j.id === "__pbAutoBackup__"),
      ).toBe(false);
      await again.app.terminate();
    } finally {
      await t.cleanup();
    }
  });

  test("an invalid cron is refused by the settings", async () => {
    const t = await backupFixture.newApp();
    try {
      const res = await send(t.app, {
        method: "PATCH",
        url: "/api/settings",
        auth: "superuser",
        body: { backups: { cron: "not a cron", cronMaxKeep: 2 } },
      });
      expect(res.status).toBe(400);
      expect(res.text).toContain('"backups":{"cron"');
    } finally {
      await t.cleanup();
    }
  });

  test("the job makes an @auto_pb_backup_ backup and keeps only the cronMaxKeep newest automatic ones", async () => {
    const t = await backupFixture.newApp();
    try {
      await patchSettings(t.app, (s) => {
        s.backups.cron = "0 2 * * *";
        s.backups.cronMaxKeep = 2;
      });
      const fs = t.app.backupsFilesystem();
      const old = ["@auto_pb_backup_acme_20200101000000.zip", "@auto_pb_backup_acme_20210101000000.zip"];
      for (const [i, name] of old.entries()) {
        await fs.upload(name, rawZip([{ name: "data.db" }]));
        const when = new Date(Date.UTC(2020 + i, 0, 1));
        utimesSync(join(t.dir, "backups", name), when, when);
      }
      await fs.upload("manual.zip", rawZip([{ name: "data.db" }]));
      utimesSync(join(t.dir, "backups", "manual.zip"), new Date(0), new Date(0));

      await t.app
        .cron()
        .jobs()
        .find((j) => j.id === "__pbAutoBackup__")
        ?.run();
      const keys = await fs.list("");
      expect(keys).toHaveLength(3);
      expect(keys).toContain("manual.zip");
      expect(keys).toContain("@auto_pb_backup_acme_20210101000000.zip");
      const made = keys.find((k) => !old.includes(k) && k !== "manual.zip");
      expect(made).toMatch(/^@auto_pb_backup_acme_\d{14}\.zip$/);
    } finally {
      await t.cleanup();
    }
  });

  test("a failed automatic backup is logged and mailed to every superuser", async () => {
    const t = await backupFixture.newApp();
    try {
      const mails: Message[] = [];
      t.app.onMailerSend().bind({
        id: "capture",
        func: async (e) => {
          mails.push(e.message);
        },
      });
      t.app.onBackupCreate().bind({
        id: "fail",
        func: async () => {
          throw new Error("the disk is full");
        },
      });
      await runAutoBackup(t.app);
      expect(mails).toHaveLength(1);
      expect(mails[0]?.to).toEqual([{ address: "root@example.com" }]);
      expect(mails[0]?.subject).toBe("[Acme system alert] Autobackup failure");
      expect(mails[0]?.html).toContain("Failed to create/upload automated backup. Raw error:\nthe disk is full");
      expect(await t.app.backupsFilesystem().list("")).toEqual([]);
    } finally {
      await t.cleanup();
    }
  });
});

describe("backups on S3 (settings.backups.s3)", () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3rver();
  });
  afterAll(() => s3.stop());

  test("create, list, download, upload, restore and delete go to the bucket", async () => {
    await s3.makeBucket("backups");
    const t = await backupFixture.newApp();
    try {
      await patchSettings(t.app, (s) => {
        s.backups.s3 = { ...s3.options("backups"), enabled: true };
      });
      const atBackup = await dataState(t.app);
      const created = await send(t.app, {
        method: "POST",
        url: "/api/backups",
        auth: "superuser",
        body: { name: "on_s3.zip" },
      });
      expect(created.status).toBe(204);
      expect(await t.app.backupsFilesystem().list("")).toEqual(["on_s3.zip"]);
      expect(await t.app.filesystem().list("")).not.toContain("on_s3.zip");

      const list = await send(t.app, { url: "/api/backups", auth: "superuser" });
      const [item] = list.json as { key: string; size: number }[];
      expect(item?.key).toBe("on_s3.zip");

      const root = await t.app.findAuthRecordByEmail("_superusers", "root@example.com");
      if (!root) throw new Error("no superuser");
      const dl = await send(t.app, { url: `/api/backups/on_s3.zip?token=${await newFileToken(root)}` });
      expect(dl.status).toBe(200);
      expect(dl.headers.get("content-length")).toBe(String(item?.size));

      const form = new FormData();
      form.append("file", new File([(await t.app.backupsFilesystem().read("on_s3.zip")) ?? ""], "copy.zip"));
      const up = await send(t.app, { method: "POST", url: "/api/backups/upload", auth: "superuser", body: form });
      expect(up.status).toBe(204);
      expect(await t.app.backupsFilesystem().list("")).toEqual(["copy.zip", "on_s3.zip"]);

      await addPost(t.app, "post 4", "doc4.txt", "content of post 4");
      const restore = await send(t.app, { method: "POST", url: "/api/backups/copy.zip/restore", auth: "superuser" });
      expect(restore.status).toBe(204);
      await settled(t.app);
      expect(await dataState(t.app)).toEqual(atBackup);
      // the restored settings are the backup's, which knew the bucket already
      expect(t.app.settings().backups.s3.enabled).toBe(true);

      const del = await send(t.app, { method: "DELETE", url: "/api/backups/copy.zip", auth: "superuser" });
      expect(del.status).toBe(204);
      expect(await t.app.backupsFilesystem().list("")).toEqual(["on_s3.zip"]);
    } finally {
      await t.cleanup();
    }
  });
});
