import { expect } from "bun:test";
import type { Page } from "playwright-core";
import PocketBase from "pocketbase";
import { startSmtpServer } from "../helpers/smtp.ts";
import { type DashboardServer, describedBy, uiTest } from "./harness.ts";
import { seedPosts, tableIds, tableTitles } from "./records-helpers.ts";

uiTest(
  '"view as" a user shows only the rows that user\'s API rules let them list',
  async ({ page, server }) => {
    const { posts } = await seedPosts(server.pb, 3);
    await page.goto(`${server.dashboardUrl}#/collections/posts/records`);
    await page.getByText("1–3 of 3 records").waitFor();

    await page.getByRole("button", { name: "More actions" }).click();
    await page.getByRole("menuitem", { name: "View as a user…" }).click();
    const dialog = page.getByRole("dialog", { name: "View posts as a user" });
    await dialog.getByLabel("Users from").selectOption("users");
    await dialog.getByLabel(/Alice/).check();
    await dialog.getByRole("button", { name: "View as alice@example.com" }).click();

    const banner = page.getByRole("status").filter({ hasText: "Viewing as alice@example.com (users)" });
    await banner.waitFor();
    await page.getByText("1–2 of 2 records").waitFor();
    // Alice owns the odd posts
    expect((await tableIds(page)).sort()).toEqual([posts[0]?.id ?? "", posts[2]?.id ?? ""].sort());
    expect(await page.getByRole("button", { name: "New record" }).isDisabled()).toBe(true);
    expect(await page.getByRole("checkbox", { name: /^Select record/ }).count()).toBe(0);

    // a record opens read-only, as Alice reads it
    await page.getByRole("button", { name: `Open record ${posts[0]?.id}` }).click();
    const panel = page.getByRole("dialog", { name: "View posts record" });
    expect(await panel.getByLabel("title").isDisabled()).toBe(true);
    await panel.getByRole("button", { name: "Close" }).first().click();
    await panel.waitFor({ state: "hidden" });

    await banner.getByRole("button", { name: "Stop viewing as alice@example.com" }).click();
    await banner.waitFor({ state: "hidden" });
    await page.getByText("1–3 of 3 records").waitFor();
  },
  { signedIn: true },
);

uiTest(
  "superusers are listed, created and deleted from the settings",
  async ({ page, server }) => {
    await page.goto(`${server.dashboardUrl}#/settings/superusers`);
    await page.getByRole("heading", { name: "_superusers" }).waitFor();
    await page.getByRole("table").getByText("root@example.com").waitFor();
    // superusers are always verified: no such column
    expect(await page.getByRole("columnheader", { name: "verified" }).count()).toBe(0);

    await page.getByRole("button", { name: "New record" }).click();
    const panel = page.getByRole("dialog", { name: "New _superusers record" });
    await panel.getByLabel("email", { exact: true }).fill("second@example.com");
    await panel.getByLabel("password", { exact: true }).fill("Second-pass-1");
    await panel.getByLabel("passwordConfirm").fill("Other-pass-2");
    await panel.getByRole("button", { name: "Create" }).click();
    const confirmInput = panel.getByLabel("passwordConfirm");
    await confirmInput.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(confirmInput)).toBe("Values don't match.");
    expect(await panel.getByLabel("verified").count()).toBe(0);

    await confirmInput.fill("Second-pass-1");
    await panel.getByRole("button", { name: "Create" }).click();
    await panel.waitFor({ state: "hidden" });
    await page.getByRole("table").getByText("second@example.com").waitFor();
    const second = await server.pb.collection("_superusers").getFirstListItem('email="second@example.com"');
    const client = new PocketBase(server.url);
    await client.collection("_superusers").authWithPassword("second@example.com", "Second-pass-1");

    await page.getByRole("checkbox", { name: `Select record ${second.id}` }).check();
    await page
      .getByRole("region", { name: "Selected records" })
      .getByRole("button", { name: "Delete selected" })
      .click();
    await page.getByRole("dialog", { name: "Delete 1 record?" }).getByRole("button", { name: "Delete" }).click();
    await page.getByRole("table").getByText("second@example.com").waitFor({ state: "detached" });
    const emails = (await server.pb.collection("_superusers").getFullList()).map((r) => r.email);
    expect(emails).toEqual(["root@example.com"]);
  },
  { signedIn: true },
);

uiTest(
  "an auth record's linked providers and one-time passwords, a verification email, its verified flag, and an impersonation token",
  async ({ page, server }) => {
    const smtp = await startSmtpServer();
    try {
      await server.pb.settings.update({ smtp: { enabled: true, host: smtp.host, port: smtp.port } });
    } catch (err) {
      await smtp.stop();
      throw err;
    }
    try {
      await authRecordSteps(page, server, smtp);
    } finally {
      await smtp.stop();
    }
  },
  { signedIn: true },
);

async function authRecordSteps(
  page: Page,
  server: DashboardServer,
  smtp: Awaited<ReturnType<typeof startSmtpServer>>,
): Promise<void> {
  const { users } = await seedPosts(server.pb, 0);
  const alice = users[0];
  if (!alice) throw new Error("no user");
  await server.pb.collection("_externalAuths").create({
    collectionRef: alice.collectionId,
    recordRef: alice.id,
    provider: "github",
    providerId: "gh-1234",
  });
  await page.goto(`${server.dashboardUrl}#/collections/users/records?record=${alice.id}`);
  const panel = page.getByRole("dialog", { name: "Edit users record" });
  await panel.getByLabel("email", { exact: true }).waitFor();
  expect(await panel.getByLabel("email", { exact: true }).inputValue()).toBe("alice@example.com");

  await panel.getByRole("tab", { name: "Sign-ins" }).click();
  const providers = panel.getByRole("region", { name: "External auth providers" });
  await providers.getByText("github").waitFor();
  await providers.getByRole("button", { name: "Unlink github" }).click();
  await page.getByRole("dialog", { name: "Unlink github?" }).getByRole("button", { name: "Unlink" }).click();
  await providers.getByText("No OAuth2 provider is linked to this account.").waitFor();
  expect(await server.pb.collection("_externalAuths").getFullList()).toEqual([]);
  await panel.getByRole("region", { name: "One-time passwords" }).getByText("No one-time password").waitFor();

  await panel.getByRole("tab", { name: "Account" }).click();
  await panel.getByRole("button", { name: "More actions" }).click();
  await panel.getByRole("menuitem", { name: "Send a verification email" }).click();
  await page
    .getByRole("dialog", { name: "Send a verification email to alice@example.com?" })
    .getByRole("button", { name: "Send" })
    .click();
  await smtp.waitForMail((m) => m.to.includes("alice@example.com"));

  // changing verified by hand asks first
  await panel.getByLabel("verified").click();
  await page
    .getByRole("dialog", { name: "Mark this account as verified?" })
    .getByRole("button", { name: "Verify" })
    .click();
  expect(await panel.getByLabel("verified").isChecked()).toBe(true);
  await panel.getByRole("button", { name: "Save changes" }).click();
  await panel.waitFor({ state: "hidden" });
  expect((await server.pb.collection("users").getOne(alice.id)).verified).toBe(true);
  await page.getByRole("button", { name: `Open record ${alice.id}` }).click();

  await panel.getByRole("button", { name: "More actions" }).click();
  await panel.getByRole("menuitem", { name: "Impersonate" }).click();
  const impersonate = page.getByRole("dialog", { name: "Impersonate alice@example.com" });
  await impersonate.getByLabel("Token duration in seconds").fill("120");
  await impersonate.getByRole("button", { name: "Generate a token" }).click();
  const token = await impersonate.getByLabel("Token", { exact: true }).inputValue();
  const client = new PocketBase(server.url);
  client.authStore.save(token, null);
  expect((await client.collection("users").getOne(alice.id)).email).toBe("alice@example.com");
}

uiTest(
  "at phone width the table scrolls in its own box and a record can be created",
  async ({ page, server }) => {
    await seedPosts(server.pb, 2);
    await page.goto(`${server.dashboardUrl}#/collections/posts/records`);
    await page.getByText("1–2 of 2 records").waitFor();
    expect(Number(await page.evaluate("document.documentElement.scrollWidth"))).toBeLessThanOrEqual(390);

    await page.getByRole("button", { name: "New record" }).click();
    const panel = page.getByRole("dialog", { name: "New posts record" });
    const box = await panel.boundingBox();
    expect(box?.width).toBe(390);
    await panel.getByLabel("title").fill("From a phone");
    await page.keyboard.press("Control+s");
    await page.getByRole("dialog", { name: "Edit posts record" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog", { name: "Edit posts record" }).waitFor({ state: "hidden" });
    expect((await tableTitles(page))[0]).toBe("From a phone");
  },
  { signedIn: true, viewport: { width: 390, height: 800 } },
);
