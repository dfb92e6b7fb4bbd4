import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

function uniqueName(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
}

const failed = (message: string, data: Record<string, unknown>) => ({ status: 400, response: { message, data } });

test("rules are compiled when saved: one that can't run is refused", async () => {
  const name = uniqueName("ruled");
  await expect(
    t.pb.collections.create({
      name,
      listRule: "title = ",
      viewRule: "nope = 1",
      fields: [{ name: "title", type: "text" }],
    }),
  ).rejects.toMatchObject(
    failed("Failed to create collection.", {
      listRule: { code: "validation_invalid_rule" },
      viewRule: {
        code: "validation_invalid_rule",
        message: 'Invalid rule. Raw error: invalid left operand "nope" - unknown field "nope".',
      },
    }),
  );
  const c = await t.pb.collections.create({
    name,
    listRule: "title = 'x' && @request.auth.id != ''",
    viewRule: "@collection.users.id ?= id",
    createRule: "@request.body.title:isset = true",
    fields: [{ name: "title", type: "text" }],
  });
  expect(c.viewRule).toBe("@collection.users.id ?= id");
  await expect(
    t.pb.collections.create({
      name: uniqueName("a"),
      type: "auth",
      authRule: "verified = true && x = 1",
      manageRule: "",
    }),
  ).rejects.toMatchObject(
    failed("Failed to create collection.", {
      authRule: { code: "validation_invalid_rule" },
      manageRule: { code: "validation_nil_or_not_empty_required" },
    }),
  );
  await expect(
    t.pb.collections.create({
      name: uniqueName("a"),
      type: "auth",
      mfa: { enabled: true, rule: "bad ~~" },
      otp: { enabled: true },
    }),
  ).rejects.toMatchObject(
    failed("Failed to create collection.", { mfa: { rule: { code: "validation_invalid_rule" } } }),
  );
});

test("identity fields need a field with a single-column UNIQUE index", async () => {
  const name = uniqueName("ident");
  const body = { name, type: "auth", passwordAuth: { enabled: true, identityFields: ["username"] } };
  await expect(t.pb.collections.create(body)).rejects.toMatchObject(
    failed("Failed to create collection.", {
      passwordAuth: { identityFields: { code: "validation_missing_field", params: { fieldName: "username" } } },
    }),
  );
  const withField = { ...body, fields: [{ name: "username", type: "text" }] };
  await expect(t.pb.collections.create(withField)).rejects.toMatchObject(
    failed("Failed to create collection.", {
      passwordAuth: { identityFields: { code: "validation_missing_unique_constraint" } },
    }),
  );
  const c = await t.pb.collections.create({
    ...withField,
    indexes: [`CREATE UNIQUE INDEX idx_un_${name} ON ${name} (username COLLATE NOCASE)`],
  });
  expect(c.passwordAuth).toEqual({ enabled: true, identityFields: ["username"] });
});

test("token and OTP settings are range-checked; an empty secret is refused, an omitted one kept", async () => {
  const name = uniqueName("tokens");
  await t.pb.collections.create({ name, type: "auth" });
  await expect(
    t.pb.collections.update(name, { authToken: { duration: 1 }, otp: { enabled: true, duration: 5, length: 2 } }),
  ).rejects.toMatchObject(
    failed("Failed to update collection.", {
      authToken: { duration: { code: "validation_min_greater_equal_than_required" } },
      otp: {
        duration: { code: "validation_min_greater_equal_than_required" },
        length: { code: "validation_min_greater_equal_than_required" },
      },
    }),
  );
  await expect(t.pb.collections.update(name, { authToken: { secret: "" } })).rejects.toMatchObject(
    failed("Failed to update collection.", { authToken: { secret: { code: "validation_required" } } }),
  );
  await expect(t.pb.collections.update(name, { authToken: { secret: "short" } })).rejects.toMatchObject(
    failed("Failed to update collection.", { authToken: { secret: { code: "validation_length_out_of_range" } } }),
  );
  const c = await t.pb.collections.update(name, { authToken: { duration: 100 } });
  expect(c.authToken).toEqual({ duration: 100 });
});

test("OAuth2 providers are checked, keep their secrets when omitted and never show them", async () => {
  const name = uniqueName("oauth");
  const c = await t.pb.collections.create({
    name,
    type: "auth",
    oauth2: {
      enabled: true,
      providers: [
        { name: "google", clientId: "g-id", clientSecret: "g-secret", authURL: "https://auth.example.com" },
        { name: "github", clientId: "h-id", clientSecret: "h-secret" },
      ],
    },
  });
  expect(c.oauth2.providers[0]).toEqual({
    pkce: null,
    name: "google",
    clientId: "g-id",
    authURL: "https://auth.example.com",
    tokenURL: "",
    userInfoURL: "",
    displayName: "",
    extra: null,
  });
  // the list merges item by item over the stored one: the secrets at each index stay
  const swapped = await t.pb.collections.update(name, {
    oauth2: {
      providers: [
        { name: "github", clientId: "h-id" },
        { name: "google", clientId: "g-id" },
      ],
    },
  });
  expect(swapped.oauth2.providers.map((p: { name: string }) => p.name)).toEqual(["github", "google"]);
  const stored = t.app.findCachedCollectionByNameOrId(name);
  expect(stored?.auth.oauth2.providers.map((p) => p.clientSecret)).toEqual(["g-secret", "h-secret"]);

  await expect(
    t.pb.collections.update(name, { oauth2: { providers: [{ name: "google", clientId: "x", clientSecret: "" }] } }),
  ).rejects.toMatchObject(
    failed("Failed to update collection.", {
      oauth2: { providers: { "0": { clientSecret: { code: "validation_required" } } } },
    }),
  );
  await expect(
    t.pb.collections.update(name, {
      oauth2: {
        providers: [{ name: "nope", clientId: "x", clientSecret: "y", authURL: "not a url", tokenURL: "ftp://x" }],
      },
    }),
  ).rejects.toMatchObject(
    failed("Failed to update collection.", {
      oauth2: {
        providers: {
          "0": {
            name: { code: "validation_missing_provider", params: { name: "nope" } },
            authURL: { code: "validation_is_url" },
          },
        },
      },
    }),
  );
  await expect(
    t.pb.collections.update(name, {
      oauth2: {
        providers: [
          { name: "google", clientId: "a", clientSecret: "b" },
          { name: "google", clientId: "a", clientSecret: "b" },
        ],
      },
    }),
  ).rejects.toMatchObject(
    failed("Failed to update collection.", {
      oauth2: { providers: { "1": { name: { code: "validation_duplicated_provider" } } } },
    }),
  );
});

test("MFA needs two auth methods", async () => {
  await expect(
    t.pb.collections.create({ name: uniqueName("mfa"), type: "auth", mfa: { enabled: true } }),
  ).rejects.toMatchObject(
    failed("Failed to create collection.", { mfa: { enabled: { code: "validation_mfa_not_enough_auths" } } }),
  );
});
