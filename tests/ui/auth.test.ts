import { expect } from "bun:test";
import PocketBase from "pocketbase";
import { loadInstaller } from "../../src/apis/installer.ts";
import { otpFromMail } from "../auth/otp-helpers.ts";
import { startSmtpServer } from "../helpers/smtp.ts";
import { superuserEmail, superuserPassword } from "../helpers/test-app.ts";
import { addressMatches, authStorageKey, describedBy, uiTest } from "./harness.ts";

uiTest(
  "the installer link creates the first superuser, shows the server's validation errors, and signs in",
  async ({ page, server }) => {
    const link = await loadInstaller(server.app, server.url);
    expect(link).toStartWith(`${server.dashboardUrl}#/pbinstall/`);
    await page.goto(link ?? "");
    await page.getByRole("heading", { name: "Create your first superuser" }).waitFor();

    await page.getByLabel("Email").fill("owner@example.com");
    await page.getByLabel("Password", { exact: true }).fill("First-pass-123");
    await page.getByLabel("Password confirm").fill("Another-pass-123");
    await page.getByRole("button", { name: "Create superuser and log in" }).click();
    const confirmInput = page.getByLabel("Password confirm");
    await page.locator('[aria-invalid="true"]').first().waitFor();
    expect(await confirmInput.getAttribute("aria-invalid")).toBe("true");
    expect(await describedBy(confirmInput)).toBe("Values don't match.");
    // the focus moves to the field to fix
    expect(await confirmInput.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    await confirmInput.fill("First-pass-123");
    expect(await confirmInput.getAttribute("aria-invalid")).toBeNull();
    await page.getByRole("button", { name: "Create superuser and log in" }).click();
    await page.getByRole("heading", { name: "Application" }).waitFor();
    expect(await page.getByRole("banner").getByText("owner@example.com").isVisible()).toBe(true);

    // the placeholder superuser of the installer is gone
    const owner = new PocketBase(server.url);
    await owner.collection("_superusers").authWithPassword("owner@example.com", "First-pass-123");
    const emails = (await owner.collection("_superusers").getFullList()).map((r) => r.email);
    expect(emails).toEqual(["owner@example.com"]);
  },
  { superuser: false },
);

uiTest(
  "an expired or malformed installer link says so instead of showing the form",
  async ({ page, server }) => {
    await page.goto(`${server.dashboardUrl}#/pbinstall/not-a-token`);
    await page.getByText("This installer link is invalid or has expired").waitFor();
    expect(await page.getByRole("textbox").count()).toBe(0);
  },
  { superuser: false },
);

uiTest("login with a password, a wrong one first; logout ends the session", async ({ page, server }) => {
  await page.goto(`${server.dashboardUrl}#/settings`);
  // a signed-out visitor is sent to the login, which brings them back afterwards
  await page.getByRole("heading", { name: "Superuser login" }).waitFor();
  await addressMatches(page, /#\/login\?redirect=%2Fsettings/);

  await page.getByLabel("Email").fill(superuserEmail);
  await page.getByLabel("Password", { exact: true }).fill("wrong-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("alert").filter({ hasText: "Invalid login credentials." }).waitFor();

  await page.getByLabel("Password", { exact: true }).fill(superuserPassword);
  await page.getByRole("button", { name: "Show password" }).click();
  expect(await page.getByLabel("Password", { exact: true }).getAttribute("type")).toBe("text");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { name: "Application" }).waitFor();
  await addressMatches(page, "#/settings");
  expect(await page.evaluate((key) => localStorage.getItem(key), authStorageKey)).toContain('"token"');

  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("heading", { name: "Superuser login" }).waitFor();
  expect(await page.evaluate((key) => localStorage.getItem(key), authStorageKey)).toBeNull();
  await page.goto(`${server.dashboardUrl}#/settings`);
  await page.getByRole("heading", { name: "Superuser login" }).waitFor();
});

uiTest(
  "with MFA and OTP on superusers, the password is step 1 and the mailed one-time password completes the login",
  async ({ page, server }) => {
    const smtp = await startSmtpServer();
    try {
      await server.pb.settings.update({ smtp: { enabled: true, host: smtp.host, port: smtp.port } });
      await server.pb.collections.update("_superusers", { otp: { enabled: true }, mfa: { enabled: true } });

      await page.goto(server.dashboardUrl);
      await page.getByText("step 1 of 3").waitFor();
      await page.getByLabel("Email").fill(superuserEmail);
      await page.getByLabel("Password", { exact: true }).fill(superuserPassword);
      await page.getByRole("button", { name: "Next" }).click();

      // the email is the only identity field, so the one-time password is sent right away
      await page.getByText("step 3 of 3").waitFor();
      const mail = await smtp.waitForMail((m) => m.to.includes(superuserEmail));
      await page.getByLabel("One-time password").fill("000000");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByRole("alert").first().waitFor();
      expect(await page.getByRole("heading", { name: "Application" }).count()).toBe(0);

      await page.getByLabel("One-time password").fill(otpFromMail(mail));
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByRole("heading", { name: "Application" }).waitFor();
    } finally {
      await smtp.stop();
    }
  },
);

uiTest(
  "a forgotten password: the reset is requested from the login, and the emailed link sets a new one",
  async ({ page, server }) => {
    const smtp = await startSmtpServer();
    try {
      await server.pb.settings.update({ smtp: { enabled: true, host: smtp.host, port: smtp.port } });
      await page.goto(server.dashboardUrl);
      await page.getByRole("link", { name: "Forgotten password?" }).click();
      await page.getByLabel("Email").fill(superuserEmail);
      await page.getByRole("button", { name: "Send the reset link" }).click();
      await page.getByRole("status").filter({ hasText: "a link to reset the password is on its way" }).waitFor();

      const mail = await smtp.waitForMail((m) => m.to.includes(superuserEmail));
      const token = /#\/auth\/confirm-password-reset\/([\w.-]+)/.exec(mail.html)?.[1] ?? "";
      expect(token).not.toBe("");
      await page.goto(`${server.dashboardUrl}#/auth/confirm-password-reset/${token}`);
      await page.getByText(`Choose a new password for ${superuserEmail}.`).waitFor();
      await page.getByLabel("New password", { exact: true }).fill("Brand-new-pass-1");
      await page.getByLabel("New password confirm").fill("Brand-new-pass-1");
      await page.getByRole("button", { name: "Set the new password" }).click();
      await page.getByRole("status").filter({ hasText: "Your password was changed." }).waitFor();

      const pb = new PocketBase(server.url);
      await pb.collection("_superusers").authWithPassword(superuserEmail, "Brand-new-pass-1");
      expect(pb.authStore.isValid).toBe(true);

      // the link is spent: the server's answer shows on the form
      // each hash change shows its screen before the next: under load the two came as one, and the reset
      // screen kept its "changed" state
      await page.goto(`${server.dashboardUrl}#/login`);
      await page.getByRole("link", { name: "Forgotten password?" }).waitFor();
      await page.goto(`${server.dashboardUrl}#/auth/confirm-password-reset/${token}`);
      await page.getByText(`Choose a new password for ${superuserEmail}.`).waitFor();
      await page.getByLabel("New password", { exact: true }).fill("Another-pass-12");
      await page.getByLabel("New password confirm").fill("Another-pass-12");
      await page.getByRole("button", { name: "Set the new password" }).click();
      await page.getByRole("alert").first().waitFor();
    } finally {
      await smtp.stop();
    }
  },
);

uiTest("a verification link verifies the user it was sent to", async ({ page, server }) => {
  const smtp = await startSmtpServer();
  try {
    await server.pb.settings.update({ smtp: { enabled: true, host: smtp.host, port: smtp.port } });
    await server.pb
      .collection("users")
      .create({ email: "reader@example.com", password: "Reader-pass-123", passwordConfirm: "Reader-pass-123" });
    await server.pb.collection("users").requestVerification("reader@example.com");
    const mail = await smtp.waitForMail((m) => m.to.includes("reader@example.com"));
    const token = /#\/auth\/confirm-verification\/([\w.-]+)/.exec(mail.html)?.[1] ?? "";
    await page.goto(`${server.dashboardUrl}#/auth/confirm-verification/${token}`);
    await page.getByRole("status").filter({ hasText: "reader@example.com is verified." }).waitFor();
    const user = await server.pb.collection("users").getFirstListItem('email = "reader@example.com"');
    expect(user.verified).toBe(true);

    await page.goto(`${server.dashboardUrl}#/auth/confirm-verification/not-a-token`);
    await page.getByText("This verification link is invalid or has expired").waitFor();
  } finally {
    await smtp.stop();
  }
});
