import { afterAll, beforeAll, expect, test } from "bun:test";
import { cloneSettings } from "../../src/core/settings-model.ts";
import { startTestServer, superuserEmail, superuserPassword, type TestServer } from "../helpers/test-app.ts";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
  await t.pb
    .collection("users")
    .create({ email: "u@example.com", password: "user-pass-1", passwordConfirm: "user-pass-1" });
});
afterAll(() => t.stop());

test("superusers from outside superuserIPs are refused everywhere; other users are not", async () => {
  await t.pb.settings.update({ superuserIPs: ["10.9.9.9", "192.168.0.0/16"] });
  try {
    await expect(t.pb.settings.getAll()).rejects.toMatchObject({
      status: 403,
      response: { message: "You are not allowed to perform this request." },
    });
    await expect(t.pb.collections.getList()).rejects.toMatchObject({ status: 403 });
    await expect(
      t.client().collection("_superusers").authWithPassword(superuserEmail, superuserPassword),
    ).rejects.toMatchObject({ status: 403 });
    const user = t.client();
    await user.collection("users").authWithPassword("u@example.com", "user-pass-1");
    expect((await user.collection("users").authRefresh()).record.email).toBe("u@example.com");
  } finally {
    const settings = cloneSettings(t.app.settings());
    settings.superuserIPs = [];
    await t.app.saveSettings(settings);
  }
});

test("a listed address or subnet lets the superuser in", async () => {
  for (const allowed of [["127.0.0.1"], ["127.0.0.0/8"], ["10.0.0.1", "127.0.0.1/32"]]) {
    await t.pb.settings.update({ superuserIPs: allowed });
    expect((await t.pb.settings.getAll()).superuserIPs).toEqual(allowed);
    await t.client().collection("_superusers").authWithPassword(superuserEmail, superuserPassword);
  }
  await t.pb.settings.update({ superuserIPs: [] });
});
