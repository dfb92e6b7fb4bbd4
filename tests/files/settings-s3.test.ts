import { afterAll, beforeAll, expect, test } from "bun:test";
import { S3Filesystem } from "../../src/tools/filesystem/s3.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { startS3rver, type TestS3 } from "./s3rver.ts";

let t: TestServer;
let s3: TestS3;

beforeAll(async () => {
  t = await startTestServer();
  s3 = await startS3rver();
});

afterAll(async () => {
  await t.stop();
  await s3.stop();
});

const testS3 = (body: unknown, token = t.pb.authStore.token) =>
  fetch(`${t.url}/api/settings/test/s3`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

test("only superusers may test S3, with a valid filesystem name", async () => {
  expect((await testS3({ filesystem: "storage" }, "")).status).toBe(401);
  const cases: [unknown, unknown][] = [
    [
      {},
      {
        data: { filesystem: { code: "validation_required", message: "Cannot be blank." } },
        message: "Failed to test the S3 filesystem.",
        status: 400,
      },
    ],
    [
      { filesystem: "nope" },
      {
        data: { filesystem: { code: "validation_in_invalid", message: "Must be a valid value." } },
        message: "Failed to test the S3 filesystem.",
        status: 400,
      },
    ],
    ["garbage", { data: {}, message: "An error occurred while loading the submitted data.", status: 400 }],
  ];
  for (const [body, expected] of cases) {
    const res = await testS3(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(expected);
  }
});

test("a disabled S3 configuration is a 400 saying so", async () => {
  for (const filesystem of ["storage", "backups"]) {
    const res = await testS3({ filesystem });
    expect(await res.json()).toEqual({
      data: {},
      message: "Failed to test the S3 filesystem. Raw error: \nS3 storage filesystem is not enabled.",
      status: 400,
    });
  }
});

test("a working bucket answers 204 and is left as it was; an unreachable or refused one is a 400 with the error", async () => {
  await t.pb.settings.update({
    s3: { enabled: true, ...s3.options() },
    backups: { s3: { enabled: true, ...s3.options(), accessKey: "UNKNOWN" } },
  });
  try {
    expect((await testS3({ filesystem: "storage" })).status).toBe(204);
    expect(await new S3Filesystem(s3.options()).list("")).toEqual([]);
    const refused = (await (await testS3({ filesystem: "backups" })).json()) as { message: string; status: number };
    expect(refused.status).toBe(400);
    expect(refused.message).toStartWith(
      "Failed to test the S3 filesystem. Raw error: \nfailed to upload a test file: [key: pb_settings_test_",
    );
    await t.pb.settings.update({ s3: { endpoint: "http://127.0.0.1:9" } });
    const unreachable = (await (await testS3({ filesystem: "storage" })).json()) as { message: string };
    expect(unreachable.message).toContain("failed to upload a test file");
  } finally {
    await t.pb.settings.update({ s3: { enabled: false }, backups: { s3: { enabled: false } } });
  }
});
