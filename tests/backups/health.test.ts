import { expect, test } from "bun:test";
import { send } from "../helpers/api-scenario.ts";
import { backupFixture, holdBackups } from "./backup-fixture.ts";

test("the health check tells superusers whether a backup can start: not while one is being made", async () => {
  const t = await backupFixture.newApp();
  try {
    const canBackup = async () => {
      const res = await send(t.app, { url: "/api/health", auth: "superuser" });
      return (res.json as { data: { canBackup?: boolean } }).data.canBackup;
    };
    expect(await canBackup()).toBe(true);
    const held = holdBackups(t.app);
    const making = t.app.createBackup("held.zip");
    await held.started;
    expect(await canBackup()).toBe(false);
    // guests never see it
    expect((await send(t.app, { url: "/api/health" })).json).toEqual({
      message: "API is healthy.",
      code: 200,
      data: {},
    });
    held.release();
    await making;
    expect(await canBackup()).toBe(true);
  } finally {
    await t.cleanup();
  }
});
