import { expect } from "bun:test";
import { startS3rver } from "../files/s3rver.ts";
import { startSmtpServer } from "../helpers/smtp.ts";
import { countIs, describedBy, uiTest } from "./harness.ts";

uiTest(
  "the mail settings send a test email through a real SMTP server, with the chosen template",
  async ({ page, server }) => {
    const smtp = await startSmtpServer({ credentials: { username: "mailer", password: "mail-pass" } });
    try {
      await page.goto(`${server.dashboardUrl}#/settings/mail`);
      await page.getByLabel("Send through an SMTP server (recommended)").check();
      await page.getByLabel("SMTP server host").fill("127.0.0.1");
      await page.getByLabel("Port").fill(String(smtp.port));
      await page.getByLabel("Username").fill("mailer");
      await page.getByLabel("Password", { exact: true }).fill("mail-pass");
      await page.getByLabel("Sender address").fill("robot@example.com");
      // the test uses the saved settings: it waits for the save
      const testButton = page.getByRole("button", { name: "Send a test email" });
      expect(await testButton.isDisabled()).toBe(true);
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByRole("status").filter({ hasText: "The settings were saved." }).waitFor();
      const saved = await server.pb.settings.getAll();
      expect(saved.smtp).toMatchObject({ enabled: true, host: "127.0.0.1", port: smtp.port, username: "mailer" });
      expect(saved.smtp.password).toBeUndefined();
      // the password field is empty again, and an untouched empty field keeps the stored password
      expect(await page.getByLabel("Password", { exact: true }).inputValue()).toBe("");

      await testButton.click();
      const dialog = page.getByRole("dialog", { name: "Send a test email" });
      await dialog.getByLabel("Password reset").check();
      await dialog.getByLabel("Auth collection").selectOption("users");
      await dialog.getByLabel("To email address").fill("not-an-email");
      await dialog.getByRole("button", { name: "Send" }).click();
      const to = dialog.getByLabel("To email address");
      await to.and(page.locator('[aria-invalid="true"]')).waitFor();
      expect(await describedBy(to)).toBe("Must be a valid email address.");

      await to.fill("someone@example.com");
      await dialog.getByRole("button", { name: "Send" }).click();
      await page.getByRole("status").filter({ hasText: "The test email was sent to someone@example.com." }).waitFor();
      await dialog.waitFor({ state: "hidden" });
      const mail = await smtp.waitForMail((m) => m.to.includes("someone@example.com"));
      expect(mail.user).toBe("mailer");
      expect(mail.from).toBe("robot@example.com");
      expect(mail.subject).toBe("Reset your Acme password");
    } finally {
      await smtp.stop();
    }
  },
  { signedIn: true },
);

uiTest(
  "a test email the SMTP server refuses shows the server's error in the dialog; a missing host shows beside its field",
  async ({ page, server }) => {
    const smtp = await startSmtpServer({ credentials: { username: "mailer", password: "right" } });
    try {
      await server.pb.settings.update({
        smtp: { enabled: true, host: "127.0.0.1", port: smtp.port, username: "mailer", password: "wrong" },
      });
      await page.goto(`${server.dashboardUrl}#/settings/mail`);
      await page.getByRole("button", { name: "Send a test email" }).click();
      const dialog = page.getByRole("dialog", { name: "Send a test email" });
      await dialog.getByLabel("To email address").fill("someone@example.com");
      await dialog.getByRole("button", { name: "Send" }).click();
      await dialog.getByRole("alert").filter({ hasText: "Failed to send the test email." }).waitFor();
      expect(smtp.mails).toHaveLength(0);
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden" });

      await page.getByLabel("SMTP server host").fill("");
      await page.getByRole("button", { name: "Save changes" }).click();
      const host = page.getByLabel("SMTP server host");
      await host.and(page.locator('[aria-invalid="true"]')).waitFor();
      expect(await describedBy(host)).toBe("Cannot be blank.");
    } finally {
      await smtp.stop();
    }
  },
  { signedIn: true },
);

uiTest(
  "files storage: S3 settings are saved without echoing the secret, and the connection test reports s3rver's answer",
  async ({ page, server }) => {
    const s3 = await startS3rver();
    try {
      const o = s3.options();
      await page.goto(`${server.dashboardUrl}#/settings/storage`);
      await page.getByLabel("Store uploaded files in an S3 bucket").check();
      await page.getByRole("note").filter({ hasText: "Files already uploaded stay where they are" }).waitFor();
      await page.getByLabel("Endpoint").fill(o.endpoint);
      await page.getByLabel("Bucket", { exact: true }).fill("missing-bucket");
      await page.getByLabel("Region").fill(o.region);
      await page.getByLabel("Access key").fill(o.accessKey);
      // without a secret the server refuses, beside the field
      await page.getByRole("button", { name: "Save changes" }).click();
      const secret = page.getByLabel("Secret", { exact: true });
      await secret.and(page.locator('[aria-invalid="true"]')).waitFor();
      expect(await describedBy(secret)).toBe("Cannot be blank.");

      await secret.fill(o.secret);
      await page.getByLabel("Force path-style addressing").check();
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByRole("status").filter({ hasText: "The settings were saved." }).waitFor();
      expect((await server.pb.settings.getAll()).s3).toMatchObject({ enabled: true, bucket: "missing-bucket" });

      // the bucket doesn't exist: the test fails with the reason
      await page.getByRole("button", { name: "Test the S3 connection" }).click();
      await page.getByRole("alert").filter({ hasText: "The S3 connection failed." }).waitFor();
      await countIs(page.getByRole("alert").filter({ hasText: "failed to upload a test file" }), 1);

      // a good bucket (the secret is kept though the field stays empty)
      await page.getByLabel("Bucket", { exact: true }).fill(o.bucket);
      expect(await page.getByRole("button", { name: "Test the S3 connection" }).isDisabled()).toBe(true);
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByRole("status").filter({ hasText: "The settings were saved." }).waitFor();
      await page.getByRole("button", { name: "Test the S3 connection" }).click();
      await page.getByText("Connected: the bucket took a test file").waitFor();
      expect(server.app.settings().s3.secret).toBe(o.secret);
    } finally {
      await s3.stop();
    }
  },
  { signedIn: true },
);
