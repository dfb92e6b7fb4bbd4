import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type PocketBase from "pocketbase";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { apiError, openRules } from "./fixtures.ts";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.pb.collections.update("users", openRules);
});
afterAll(async () => {
  await t.stop();
});

const users = (pb: PocketBase = t.client()) => pb.collection("users");
const required = { code: "validation_required", message: "Cannot be blank." };
const mismatch = { code: "validation_values_mismatch", message: "Values don't match." };
const failed = (action: "create" | "update", data: Record<string, unknown>) => ({
  data,
  message: `Failed to ${action} record.`,
  status: 400,
});

/** signUp creates a user as a guest and returns a client logged in as that user. */
async function signUp(email: string, extra: Record<string, unknown> = {}): Promise<{ id: string; pb: PocketBase }> {
  const rec = await users().create({ email, password: "12345678", passwordConfirm: "12345678", ...extra });
  const pb = t.client();
  await pb.collection("users").authWithPassword(email, "12345678");
  return { id: rec.id, pb };
}

describe("creating auth records", () => {
  test("password and passwordConfirm are required and must match", async () => {
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{}, { password: required, passwordConfirm: required }],
      [{ password: "12345678" }, { passwordConfirm: required }],
      [{ password: "12345678", passwordConfirm: "1234567x" }, { passwordConfirm: mismatch }],
      [
        { password: "123", passwordConfirm: "123" },
        { password: { code: "validation_min_text_constraint", message: "Must be at least 8 character(s)." } },
      ],
    ];
    for (const [body, data] of cases) {
      const e = await apiError(users().create({ email: "new@example.com", ...body }));
      expect(e.response).toEqual(failed("create", data));
    }
    const badEmail = await apiError(
      users().create({ email: "nope", password: "12345678", passwordConfirm: "12345678" }),
    );
    expect(badEmail.response).toEqual(
      failed("create", { email: { code: "validation_is_email", message: "Must be a valid email address." } }),
    );
  });

  test("a guest can't create a verified record, a superuser can", async () => {
    const body = { password: "12345678", passwordConfirm: "12345678", verified: true };
    const e = await apiError(users().create({ email: "v1@example.com", ...body }));
    expect(e.response).toEqual(failed("create", { verified: mismatch }));
    expect(await users().create({ email: "v2@example.com", ...body, verified: false })).toMatchObject({
      verified: false,
    });
    expect(await users(t.pb).create({ email: "v3@example.com", ...body })).toMatchObject({ verified: true });
  });

  test("a superuser still needs passwordConfirm", async () => {
    const e = await apiError(users(t.pb).create({ email: "v4@example.com", password: "12345678" }));
    expect(e.response).toEqual(failed("create", { passwordConfirm: required }));
  });

  test("password and tokenKey are never exported, email only when visible to the requester", async () => {
    const hidden = await users().create({
      email: "hidden@example.com",
      password: "12345678",
      passwordConfirm: "12345678",
      tokenKey: "chosen",
    });
    expect(hidden).not.toHaveProperty("email");
    expect(hidden).not.toHaveProperty("password");
    expect(hidden).not.toHaveProperty("tokenKey");
    const visible = await users().create({
      email: "visible@example.com",
      password: "12345678",
      passwordConfirm: "12345678",
      emailVisibility: true,
    });
    expect(visible.email).toBe("visible@example.com");

    const su = await users(t.pb).getOne(hidden.id);
    expect(su.email).toBe("hidden@example.com");
    expect(su).not.toHaveProperty("password");
    expect(su).not.toHaveProperty("tokenKey");

    const owner = t.client();
    await owner.collection("users").authWithPassword("hidden@example.com", "12345678");
    expect((await owner.collection("users").getOne(hidden.id)).email).toBe("hidden@example.com");
    expect(await users().getOne(hidden.id)).not.toHaveProperty("email");
    const list = await owner.collection("users").getFullList({ sort: "created" });
    expect(list.find((r) => r.id === hidden.id)?.email).toBe("hidden@example.com");
    expect(list.find((r) => r.id === visible.id)?.email).toBe("visible@example.com");
    expect(list.filter((r) => r.email === undefined).length).toBeGreaterThan(0);
  });
});

describe("updating auth records", () => {
  test("changing the password needs passwordConfirm and the right oldPassword", async () => {
    const { id, pb } = await signUp("pw@example.com");
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ password: "abcdefgh", passwordConfirm: "abcdefgh" }, { oldPassword: required }],
      [
        { password: "abcdefgh", passwordConfirm: "abcdefgh", oldPassword: "wrongwrong" },
        { oldPassword: { code: "validation_invalid_old_password", message: "Missing or invalid old password." } },
      ],
      [{ password: "abcdefgh", passwordConfirm: "abcdefgX", oldPassword: "12345678" }, { passwordConfirm: mismatch }],
      [{ oldPassword: "12345678" }, { password: required, passwordConfirm: required }],
      [{ passwordConfirm: "12345678" }, { oldPassword: required, password: required, passwordConfirm: mismatch }],
    ];
    for (const [body, data] of cases) {
      expect((await apiError(users(pb).update(id, body))).response).toEqual(failed("update", data));
    }
    await users(pb).update(id, { password: "abcdefgh", passwordConfirm: "abcdefgh", oldPassword: "12345678" });
    // the token key changed: the old token is now a guest's
    expect(await users(pb).getOne(id)).not.toHaveProperty("email");
    const again = t.client();
    await again.collection("users").authWithPassword("pw@example.com", "abcdefgh");
    await expect(t.client().collection("users").authWithPassword("pw@example.com", "12345678")).rejects.toMatchObject({
      status: 400,
    });
  });

  test("without manage access, email and verified can't be changed", async () => {
    const { id, pb } = await signUp("owner@example.com");
    expect((await apiError(users(pb).update(id, { email: "other@example.com" }))).response).toEqual(
      failed("update", { email: mismatch }),
    );
    expect((await apiError(users(pb).update(id, { verified: true }))).response).toEqual(
      failed("update", { verified: mismatch }),
    );
    const renamed = await users(pb).update(id, { name: "renamed", tokenKey: "ignored" });
    expect(renamed).toMatchObject({ name: "renamed", email: "owner@example.com" });
    // tokenKey is hidden: the guest's value was dropped and the token still works
    expect((await users(pb).getOne(id)).email).toBe("owner@example.com");
  });

  test("a superuser changes password, email and verified without oldPassword", async () => {
    const { id } = await signUp("managed@example.com");
    const updated = await users(t.pb).update(id, {
      email: "managed2@example.com",
      verified: true,
      password: "zzzzzzzz",
      passwordConfirm: "zzzzzzzz",
    });
    expect(updated).toMatchObject({ email: "managed2@example.com", verified: true });
    await t.client().collection("users").authWithPassword("managed2@example.com", "zzzzzzzz");
    const e = await apiError(users(t.pb).update(id, { password: "yyyyyyyy" }));
    expect(e.response).toEqual(failed("update", { passwordConfirm: required }));
  });

  test("auth record ids are unique across auth collections", async () => {
    const superuser = (await t.pb.collection("_superusers").getFullList())[0];
    const e = await apiError(
      users().create({
        id: superuser?.id,
        email: "clash@example.com",
        password: "12345678",
        passwordConfirm: "12345678",
      }),
    );
    expect(e.response).toEqual(
      failed("create", {
        id: { code: "validation_invalid_auth_id", message: "Invalid or duplicated auth record id." },
      }),
    );
  });
});

describe("superusers", () => {
  test("only superusers reach _superusers, which are always verified and never all deleted", async () => {
    const forbidden = { data: {}, message: "Only superusers can perform this action.", status: 403 };
    expect((await apiError(t.client().collection("_superusers").getList())).response).toEqual(forbidden);
    const created = await t.pb.collection("_superusers").create({
      email: "second@example.com",
      password: "12345678",
      passwordConfirm: "12345678",
      verified: false,
    });
    expect(created).toMatchObject({ email: "second@example.com", verified: true });
    await t.pb.collection("_superusers").delete(created.id);
    const [last] = await t.pb.collection("_superusers").getFullList();
    const e = await apiError(t.pb.collection("_superusers").delete(last?.id ?? ""));
    expect(e.response).toEqual({ data: {}, message: "You can't delete the only existing superuser.", status: 400 });
  });
});
