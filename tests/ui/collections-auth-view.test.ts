import { expect } from "bun:test";
import type { CollectionModel } from "../../src/core/collection-model.ts";
import { saved } from "./collections-helpers.ts";
import { countIs, describedBy, describedSoon, uiTest } from "./harness.ts";

/** The collection editor's auth options and view collections. */

uiTest(
  "an auth collection's options: OTP and MFA turned on, an OAuth2 provider added",
  async ({ page, server }) => {
    await page.goto(`${server.dashboardUrl}#/collections/users/edit`);
    await page.getByRole("heading", { level: 1, name: "users" }).waitFor();
    await page.getByRole("tab", { name: "Options" }).click();

    await page.getByText("One-time password (OTP)").click();
    await page.getByLabel("Enable OTP sign-in").check();
    await page.getByLabel("Generated password length").fill("6");
    await page.getByText("Multi-factor authentication (MFA)").click();
    await page.getByLabel("Enable MFA").check();
    await page.getByLabel("MFA rule").fill("verified = true");

    await page.getByText("OAuth2", { exact: true }).click();
    await page.getByRole("button", { name: "Add provider" }).click();
    const picker = page.getByRole("dialog", { name: "Add an OAuth2 provider" });
    await picker.getByLabel("Search providers").fill("git");
    await countIs(picker.getByRole("button", { name: /GitLab/ }), 1);
    await picker.getByRole("button", { name: /GitHub/ }).click();
    const settings = page.getByRole("dialog", { name: "GitHub (OAuth2)" });
    await settings.getByLabel("Client ID").fill("my-client");
    await settings.getByLabel("Client secret", { exact: true }).fill("my-secret");
    await settings.getByRole("button", { name: "Set provider config" }).click();
    await page.getByRole("list", { name: "OAuth2 providers" }).getByText("GitHub", { exact: true }).waitFor();
    expect(await page.getByLabel("Enable OAuth2").isChecked()).toBe(true);

    await page.getByRole("button", { name: "Save changes" }).click();
    await saved(page, "The collection users was saved.");
    const stored = await server.pb.collections.getOne<CollectionModel>("users");
    if (stored.type !== "auth") throw new Error("users is not an auth collection");
    expect(stored.otp).toMatchObject({ enabled: true, length: 6 });
    expect(stored.mfa).toMatchObject({ enabled: true, rule: "verified = true" });
    expect(stored.oauth2.enabled).toBe(true);
    expect(stored.oauth2.providers).toEqual([expect.objectContaining({ name: "github", clientId: "my-client" })]);
    const methods = await server.pb.collection("users").listAuthMethods();
    expect(methods.oauth2.providers.map((p) => p.name)).toEqual(["github"]);

    // a saved provider keeps its secret unless a new one is typed
    await page.getByRole("button", { name: "Settings of GitHub" }).click();
    const again = page.getByRole("dialog", { name: "GitHub (OAuth2)" });
    expect(await again.getByLabel("Client secret", { exact: true }).getAttribute("placeholder")).toBe("Unchanged");
    await again.getByLabel("Client ID").fill("other-client");
    await again.getByRole("button", { name: "Set provider config" }).click();
    await page.getByRole("button", { name: "Save changes" }).click();
    await saved(page, "The collection users was saved.");
    const after = await server.pb.collections.getOne<CollectionModel>("users");
    expect(after.type === "auth" && after.oauth2.providers[0]?.clientId).toBe("other-client");
  },
  { signedIn: true },
);

uiTest(
  "a view collection is written with a preview of its rows, then lists its records",
  async ({ page, server }) => {
    await server.pb.collections.create({ name: "posts", type: "base", fields: [{ name: "title", type: "text" }] });
    await server.pb.collection("posts").create({ title: "Hello" });
    await server.pb.collection("posts").create({ title: "World" });
    await page.goto(`${server.dashboardUrl}#/collections/new`);
    await page.getByLabel("Name", { exact: true }).fill("titles");
    await page.getByLabel("Type").selectOption("view");
    const query = page.getByRole("textbox", { name: "Query" });
    await query.fill("SELECT id, title FROM postz");
    const preview = page.getByRole("region", { name: "Preview" });
    await preview.getByText("no such table").waitFor();
    // the query editor suggests keywords, tables and their columns
    await query.fill("");
    await query.pressSequentially("SELECT id, title FROM po");
    await page
      .getByRole("listbox", { name: "Suggestions" })
      .getByRole("option", { name: /^posts/ })
      .waitFor();
    await query.press("Enter");
    expect(await query.inputValue()).toBe("SELECT id, title FROM posts");
    await preview.getByRole("cell", { name: "Hello" }).waitFor();
    await query.fill("SELECT id, title, LENGTH(title) AS size FROM posts");
    await preview.getByRole("list", { name: "The view's fields" }).getByText("size").waitFor();
    await preview.getByRole("cell", { name: "World" }).waitFor();
    expect(await server.pb.collections.getFullList().then((l) => l.some((c) => c.name === "titles"))).toBe(false);

    await page.getByRole("button", { name: "Create", exact: true }).click();
    await saved(page, "The collection titles was created.");
    await preview.getByText("The saved view's first records").waitFor();
    await preview.getByRole("cell", { name: "Hello" }).waitFor();
    const view = await server.pb.collections.getOne<CollectionModel>("titles");
    expect(view.type === "view" && view.viewQuery).toBe("SELECT id, title, LENGTH(title) AS size FROM posts");
    expect(view.fields.map((f) => f.name)).toEqual(["id", "title", "size"]);
  },
  { signedIn: true },
);

uiTest(
  "an auth collection's token durations and mail templates: the server's errors beside them, then saved",
  async ({ page, server }) => {
    const before = await server.pb.collections.getOne<CollectionModel>("users");
    await page.goto(`${server.dashboardUrl}#/collections/users/edit`);
    await page.getByRole("heading", { level: 1, name: "users" }).waitFor();
    await page.getByRole("tab", { name: "Options" }).click();

    await page.getByText("Tokens", { exact: true }).click();
    const duration = page.getByLabel("Auth token duration (seconds)");
    await duration.fill("5");
    await page.getByText("Verification", { exact: true }).click();
    const subject = page.getByRole("textbox", { name: "Subject" });
    await subject.fill("");
    await page.getByRole("button", { name: "Save changes" }).click();
    // each error under its own input, and nothing saved
    expect(await describedSoon(duration)).toMatch(/\S/);
    expect(await describedBy(subject)).toMatch(/\S/);
    expect(await server.pb.collections.getOne<CollectionModel>("users")).toEqual(before);

    await duration.fill("3600");
    await subject.fill("Verify your ");
    await page.getByRole("button", { name: "{APP_NAME}" }).first().click();
    expect(await subject.inputValue()).toBe("Verify your {APP_NAME}");
    await page
      .getByRole("textbox", { name: "Body (HTML)" })
      .fill('<p><a href="{APP_URL}/verify/{TOKEN}">Verify</a></p>');
    await page.getByRole("button", { name: "Save changes" }).click();
    await saved(page, "The collection users was saved.");
    const stored = await server.pb.collections.getOne<CollectionModel>("users");
    if (stored.type !== "auth") throw new Error("users is not an auth collection");
    expect(stored.authToken.duration).toBe(3600);
    expect(stored.verificationTemplate).toEqual({
      subject: "Verify your {APP_NAME}",
      body: '<p><a href="{APP_URL}/verify/{TOKEN}">Verify</a></p>',
    });
  },
  { signedIn: true },
);
