import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

const patch = (body: unknown, token = t.pb.authStore.token) =>
  fetch(`${t.url}/api/settings`, {
    method: "PATCH",
    headers: { "content-type": "application/json", authorization: token },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

test("the settings are PocketBase's defaults, secrets left out, keys in its order", async () => {
  const calls = t.calls.get("onSettingsListRequest") ?? 0;
  const settings = await t.pb.settings.getAll();
  expect(t.calls.get("onSettingsListRequest")).toBe(calls + 1);
  expect(JSON.stringify(settings)).toBe(
    JSON.stringify({
      superuserIPs: [],
      smtp: {
        enabled: false,
        port: 587,
        host: "smtp.example.com",
        username: "",
        authMethod: "",
        tls: false,
        localName: "",
      },
      backups: {
        cron: "",
        cronMaxKeep: 3,
        s3: { enabled: false, bucket: "", region: "", endpoint: "", accessKey: "", forcePathStyle: false },
      },
      s3: { enabled: false, bucket: "", region: "", endpoint: "", accessKey: "", forcePathStyle: false },
      meta: {
        accentColor: "#1055c9",
        appName: "Acme",
        appURL: "http://localhost:8090",
        senderName: "Support",
        senderAddress: "support@example.com",
        hideControls: false,
      },
      rateLimits: {
        rules: [
          { label: "*:auth", audience: "", duration: 3, maxRequests: 2 },
          { label: "*:create", audience: "", duration: 5, maxRequests: 20 },
          { label: "/api/batch", audience: "", duration: 1, maxRequests: 3 },
          { label: "/api/", audience: "", duration: 10, maxRequests: 300 },
        ],
        excludedIPs: [],
        enabled: false,
      },
      trustedProxy: { headers: [], useLeftmostIP: false },
      batch: { enabled: false, maxRequests: 50, timeout: 3, maxBodySize: 0 },
      logs: { maxDays: 5, minLevel: 0, logIP: true, logAuthId: false },
    }),
  );
});

test("only superusers read or change the settings", async () => {
  await t.pb
    .collection("users")
    .create({ email: "u@example.com", password: "user-pass-1", passwordConfirm: "user-pass-1" });
  const user = t.client();
  await user.collection("users").authWithPassword("u@example.com", "user-pass-1");
  await expect(user.settings.getAll()).rejects.toMatchObject({
    status: 403,
    response: { message: "The authorized record is not allowed to perform this action." },
  });
  await expect(t.client().settings.update({})).rejects.toMatchObject({
    status: 401,
    response: { message: "The request requires valid record authorization token." },
  });
});

test("a patch merges, is stored and keeps the secrets it omits", async () => {
  const reloads = t.calls.get("onSettingsReload") ?? 0;
  const updated = await t.pb.settings.update({
    meta: { appName: "Renamed" },
    smtp: { password: "smtp-secret", username: "mailer" },
    s3: { secret: "s3-secret" },
  });
  expect(updated.meta.appName).toBe("Renamed");
  expect(updated.meta.senderName).toBe("Support");
  expect(updated.smtp.username).toBe("mailer");
  expect("password" in updated.smtp).toBe(false);
  expect("secret" in updated.s3).toBe(false);
  expect(t.calls.get("onSettingsReload")).toBe(reloads + 1);
  expect(t.calls.get("onSettingsUpdateRequest")).toBeGreaterThan(0);

  // a later patch without the secrets keeps them; the app and the database both have them
  await t.pb.settings.update({ meta: { senderName: "Team" } });
  expect(t.app.settings().smtp.password).toBe("smtp-secret");
  expect(t.app.settings().s3.secret).toBe("s3-secret");
  const row = await t.app.db.get<{ value: Uint8Array }>("SELECT value FROM _params WHERE id = 'settings'");
  const stored = JSON.parse(new TextDecoder().decode(row?.value));
  expect(stored.smtp.password).toBe("smtp-secret");
  expect(stored.meta).toMatchObject({ appName: "Renamed", senderName: "Team" });
});

test("a patch decodes as Go does: any key case, list items merged over the existing ones, null no-op", async () => {
  const res = await patch({ META: { APPNAME: "Cased" }, rateLimits: { rules: [{ label: "abc" }] }, logs: null });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { meta: { appName: string }; rateLimits: { rules: unknown[] } };
  expect(body.meta.appName).toBe("Cased");
  expect(body.rateLimits.rules).toEqual([{ label: "abc", audience: "", duration: 3, maxRequests: 2 }]);
  // an empty body changes nothing
  const empty = await fetch(`${t.url}/api/settings`, {
    method: "PATCH",
    headers: { authorization: t.pb.authStore.token },
  });
  expect(empty.status).toBe(200);
  await patch({
    rateLimits: {
      rules: [
        { label: "*:auth", audience: "", duration: 3, maxRequests: 2 },
        { label: "*:create", audience: "", duration: 5, maxRequests: 20 },
      ],
    },
  });
});

test("values of the wrong type or a malformed body fail to load", async () => {
  for (const body of [{ meta: { appName: 5 } }, { smtp: { port: "25" } }, { smtp: { port: 2.5 } }, { meta: [] }, "{"]) {
    const res = await patch(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      status: 400,
      message: "An error occurred while loading the submitted data.",
      data: {},
    });
  }
});

test("invalid settings are refused with PocketBase's codes and nothing is stored", async () => {
  const before = await t.pb.settings.getAll();
  const res = await patch({
    meta: { appName: "", appURL: "nope", senderAddress: "x", accentColor: "#12" },
    smtp: { enabled: true, host: "", port: 0, authMethod: "x", localName: "a b" },
    superuserIPs: ["1.2.3.4", "x", "", "10.0.0.0/8"],
    batch: { enabled: true, maxRequests: 0, timeout: -1 },
    logs: { maxDays: -1 },
    s3: { enabled: true },
    backups: { cron: "bad", cronMaxKeep: 0 },
    rateLimits: { excludedIPs: ["::1", "300.1.1.1"] },
  });
  expect(res.status).toBe(400);
  const body = (await res.json()) as { message: string; data: unknown };
  expect(body.message).toBe("An error occurred while saving the new settings.");
  const required = { code: "validation_required", message: "Cannot be blank." };
  expect(body.data).toEqual({
    superuserIPs: {
      1: { code: "validation_invlaid_ip_or_subnet", message: "Invalid IP or CIDR subnet." },
      2: required,
    },
    meta: {
      accentColor: {
        code: "validation_length_invalid",
        message: "The length must be exactly 7.",
        params: { max: 7, min: 7 },
      },
      appName: required,
      appURL: { code: "validation_is_url", message: "Must be a valid URL." },
      senderAddress: { code: "validation_is_email", message: "Must be a valid email address." },
    },
    logs: {
      maxDays: {
        code: "validation_min_greater_equal_than_required",
        message: "Must be no less than 0.",
        params: { threshold: 0 },
      },
    },
    smtp: {
      host: required,
      port: required,
      authMethod: { code: "validation_in_invalid", message: "Must be a valid value." },
      localName: { code: "validation_is_host", message: "Must be a valid IP address or DNS name." },
    },
    // the secret stored by an earlier test counts, though it is never shown
    s3: { endpoint: required, bucket: required, region: required, accessKey: required },
    backups: {
      cron: {
        code: "validation_invalid_cron",
        message: "Invalid cron expression - must be a valid macro or to have exactly 5 space separated segments.",
      },
      cronMaxKeep: required,
    },
    batch: {
      maxRequests: required,
      timeout: {
        code: "validation_min_greater_equal_than_required",
        message: "Must be no less than 0.",
        params: { threshold: 0 },
      },
    },
    rateLimits: {
      excludedIPs: { 1: { code: "validation_invlaid_ip_or_subnet", message: "Invalid IP or CIDR subnet." } },
    },
  });
  expect(await t.pb.settings.getAll()).toEqual(before);
});

test("rate limit rules: labels must match the allowed forms and not conflict", async () => {
  const conflict = await patch({
    rateLimits: {
      rules: [
        { label: "users:auth", duration: 1, maxRequests: 1 },
        { label: "users:auth", duration: 2, maxRequests: 2 },
      ],
    },
  });
  expect(((await conflict.json()) as { data: unknown }).data).toEqual({
    rateLimits: {
      rules: {
        1: {
          label: {
            code: "validation_conflicting_rate_limit_rule",
            message:
              "Rate limit rule configuration with label users:auth already exists or conflicts with another rule.",
            params: { label: "users:auth" },
          },
        },
      },
    },
  });
  const invalid = await patch({
    rateLimits: { enabled: true, rules: [{ label: "bad label!", audience: "@x", duration: 0, maxRequests: -1 }] },
  });
  expect(((await invalid.json()) as { data: unknown }).data).toEqual({
    rateLimits: {
      rules: {
        0: {
          label: { code: "validation_match_invalid", message: "Must be in a valid format." },
          audience: { code: "validation_in_invalid", message: "Must be a valid value." },
          duration: { code: "validation_required", message: "Cannot be blank." },
          maxRequests: {
            code: "validation_min_greater_equal_than_required",
            message: "Must be no less than 1.",
            params: { threshold: 1 },
          },
        },
      },
    },
  });
  const none = await patch({ rateLimits: { enabled: true, rules: [] } });
  expect(((await none.json()) as { data: unknown }).data).toEqual({
    rateLimits: { rules: { code: "validation_required", message: "Cannot be blank." } },
  });
});

test("cron expressions are checked segment by segment", async () => {
  const cases: [string, string | null][] = [
    ["@daily", null],
    ["*/15 0-6 1,15 * 1-5", null],
    ["60 * * * *", "Invalid segment value - must be between the min and max of the segment."],
    ["*/0 * * * *", "Invalid segment step boundary - the step must be between 1 and the 59."],
    ["5/2 * * * *", "Invalid segment step - step > 1 could be used only with the wildcard or range format."],
    ["x * * * *", 'Strconv.Atoi: parsing "x": invalid syntax.'],
    ["1-2-3 * * * *", "Invalid segment range format - the range must have 1 or 2 parts."],
    ["* * 5-2 * *", "Invalid segment range maximum - must be between 5 and 31."],
    ["* * * * 7", "Invalid segment value - must be between the min and max of the segment."],
    ["constructor", "Invalid cron expression - must be a valid macro or to have exactly 5 space separated segments."],
  ];
  for (const [cron, message] of cases) {
    const res = await patch({ backups: { cron } });
    if (message === null) expect(res.status).toBe(200);
    else
      expect(((await res.json()) as { data: unknown }).data).toEqual({
        backups: { cron: { code: "validation_invalid_cron", message } },
      });
  }
  await patch({ backups: { cron: "" } });
});

test("an update hook can change the settings before they are saved", async () => {
  const id = t.app.onSettingsUpdateRequest().bindFunc(async (e) => {
    e.newSettings.meta.appName = `${e.newSettings.meta.appName} (checked)`;
    await e.next();
  });
  try {
    const updated = await t.pb.settings.update({ meta: { appName: "Hooked" } });
    expect(updated.meta.appName).toBe("Hooked (checked)");
  } finally {
    t.app.onSettingsUpdateRequest().unbind(id);
  }
});
