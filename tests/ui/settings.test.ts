import { expect } from "bun:test";
import { describedBy, uiTest } from "./harness.ts";

uiTest(
  "a new application name is saved and shown in the header and the page title",
  async ({ page, server }) => {
    await page.goto(server.dashboardUrl);
    const banner = page.getByRole("banner");
    await banner.getByText("Acme").waitFor();
    const save = page.getByRole("button", { name: "Save changes" });
    expect(await save.isDisabled()).toBe(true);

    await page.getByLabel("Application name").fill("Satchel Test Shop");
    expect(await save.isDisabled()).toBe(false);
    await save.click();
    await page.getByRole("status").filter({ hasText: "The settings were saved." }).waitFor();
    await banner.getByText("Satchel Test Shop").waitFor();
    expect(await page.title()).toBe("Application settings - Satchel Test Shop");
    expect((await server.pb.settings.getAll()).meta.appName).toBe("Satchel Test Shop");
    expect(await save.isDisabled()).toBe(true);

    // the name stays after a reload: it comes from the server
    await page.reload();
    await page.getByRole("banner").getByText("Satchel Test Shop").waitFor();
  },
  { signedIn: true },
);

uiTest(
  "the server's validation errors show beside their fields, and unsaved changes can be cancelled",
  async ({ page, server }) => {
    await page.goto(server.dashboardUrl);
    const url = page.getByLabel("Application URL");
    await url.fill("not a url");
    await page.getByLabel("Application name").fill("");
    await page.getByRole("button", { name: "Save changes" }).click();

    await page.locator('[aria-invalid="true"]').first().waitFor();
    expect(await url.getAttribute("aria-invalid")).toBe("true");
    expect(await describedBy(url)).toBe("Links in emails point here. Must be a valid URL.");
    expect(await describedBy(page.getByLabel("Application name"))).toBe("Cannot be blank.");
    await page.getByRole("alert").filter({ hasText: "An error occurred while saving the new settings." }).waitFor();

    // an error inside a folded section unfolds it
    await page.getByLabel("Application name").fill("Acme");
    await url.fill("https://example.com");
    await page.getByText("Batch API", { exact: true }).click();
    await page.getByLabel("Enable the batch API").check();
    await page.getByLabel("Max requests in a batch").fill("0");
    await page.getByText("Batch API", { exact: true }).click();
    await page.getByRole("button", { name: "Save changes" }).click();
    const maxRequests = page.getByLabel("Max requests in a batch");
    await maxRequests.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await maxRequests.isVisible()).toBe(true);
    expect(await describedBy(maxRequests)).toBe("Cannot be blank.");

    await page.getByRole("button", { name: "Cancel" }).click();
    expect(await page.getByLabel("Application URL").inputValue()).toBe("http://localhost:8090");
    expect(await page.locator('[aria-invalid="true"]').count()).toBe(0);
    expect((await server.pb.settings.getAll()).meta.appURL).toBe("http://localhost:8090");
  },
  { signedIn: true },
);

uiTest(
  "restricting the superuser IPs asks for a confirmation first",
  async ({ page, server }) => {
    await page.goto(server.dashboardUrl);
    await page.getByText("Superuser IPs", { exact: true }).click();
    await page.getByLabel("Allowed superuser IPs or subnets").fill("10.1.2.3, 10.9.0.0/16");
    await page.getByRole("button", { name: "Save changes" }).click();
    const dialog = page.getByRole("dialog", { name: "Change the superuser IPs?" });
    await dialog.waitFor();
    expect(await dialog.getByText("Only 10.1.2.3, 10.9.0.0/16 will reach").isVisible()).toBe(true);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect((await server.pb.settings.getAll()).superuserIPs).toEqual([]);

    await page.getByLabel("Allowed superuser IPs or subnets").fill("127.0.0.1, not-an-ip");
    await page.getByRole("button", { name: "Save changes" }).click();
    await dialog.getByRole("button", { name: "Save changes" }).click();
    const ips = page.getByLabel("Allowed superuser IPs or subnets");
    await ips.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(ips)).toContain("Item 2: Invalid IP or CIDR subnet.");
  },
  { signedIn: true },
);

uiTest(
  "rate limit rules are added and removed, and a bad rule's error shows in its row",
  async ({ page, server }) => {
    await page.goto(server.dashboardUrl);
    await page.getByText("Rate limits", { exact: true }).click();
    await page.getByLabel("Enable the rate limits").check();
    // the defaults are 4 rules; a fifth, left without a label
    await page.getByRole("button", { name: "Add a rule" }).click();
    const fifth = page.getByRole("group", { name: "Rule 5" });
    await fifth.getByLabel("Max requests").fill("7");
    await page.getByRole("button", { name: "Save changes" }).click();
    const label = fifth.getByLabel("Label");
    await label.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(label)).toBe("Cannot be blank.");

    await label.fill("POST /api/collections/posts/records");
    await fifth.getByLabel("Audience").selectOption({ label: "Guests only" });
    await page.getByRole("button", { name: "Remove rule 1" }).click();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "The settings were saved." }).waitFor();

    const { rateLimits } = await server.pb.settings.getAll();
    expect(rateLimits.enabled).toBe(true);
    expect(rateLimits.rules).toHaveLength(4);
    expect(rateLimits.rules.map((r: { label: string }) => r.label)).not.toContain("*:auth");
    expect(rateLimits.rules).toContainEqual({
      label: "POST /api/collections/posts/records",
      audience: "@guest",
      duration: 3,
      maxRequests: 7,
    });
  },
  { signedIn: true },
);
