import { expect } from "bun:test";
import { uiTest } from "./harness.ts";

uiTest(
  "a lost connection shows a banner and a message on the form, and the banner goes once the server answers",
  async ({ page, server }) => {
    await page.goto(server.dashboardUrl);
    await page.getByRole("heading", { name: "Application" }).waitFor();
    const port = new URL(server.url).port;

    // the server goes away: requests get no answer at all
    await page.route(`http://127.0.0.1:${port}/api/**`, (route) => route.abort("connectionrefused"));
    await page.getByLabel("Application name").fill("Never saved");
    await page.getByRole("button", { name: "Save changes" }).click();
    const banner = page.getByRole("alert").filter({ hasText: "Connection lost." });
    await banner.waitFor();
    expect(await banner.textContent()).toContain(`http://127.0.0.1:${port}/`);
    await page.getByRole("alert").filter({ hasText: "The server didn't answer, so nothing was saved." }).waitFor();
    expect((await server.pb.settings.getAll()).meta.appName).toBe("Acme");

    // it is back: "Retry now" finds it, the banner goes, and saving works again
    await page.unroute(`http://127.0.0.1:${port}/api/**`);
    await page.getByRole("button", { name: "Retry now" }).click();
    await banner.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "The settings were saved." }).waitFor();
    expect((await server.pb.settings.getAll()).meta.appName).toBe("Never saved");
  },
  { signedIn: true },
);

uiTest(
  "a stopped server is noticed on the next request",
  async ({ page, server }) => {
    await page.goto(server.dashboardUrl);
    await page.getByRole("heading", { name: "Application" }).waitFor();
    await server.stop();
    await page.getByLabel("Application name").fill("Offline");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("alert").filter({ hasText: "Connection lost." }).waitFor();
  },
  { signedIn: true },
);

uiTest(
  "the theme follows the system until toggled, and the choice is remembered",
  async ({ page, server }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(server.dashboardUrl);
    const toggle = page.getByRole("button", { name: "Dark theme" });
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    const background = () => page.evaluate("getComputedStyle(document.body).backgroundColor");
    const dark = await background();

    await toggle.click();
    expect(await toggle.getAttribute("aria-pressed")).toBe("false");
    expect(await background()).not.toBe(dark);
    await page.reload();
    expect(await page.getByRole("button", { name: "Dark theme" }).getAttribute("aria-pressed")).toBe("false");
  },
  { signedIn: true },
);

uiTest(
  "at phone width the navigation folds into a menu button, and unknown pages say so",
  async ({ page, server }) => {
    await page.goto(`${server.dashboardUrl}#/no-such-page`);
    await page.getByText("Page not found").waitFor();
    const menu = page.getByRole("button", { name: "Menu" });
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await page.getByRole("button", { name: "Log out" }).isVisible()).toBe(false);
    await menu.click();
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    // Escape folds it back, and the focus returns to the button
    await page.keyboard.press("Escape");
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await page.evaluate(`document.activeElement?.getAttribute("aria-label")`)).toBe("Menu");
    await menu.click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await page.getByRole("heading", { name: "Application" }).waitFor();
    // the followed link closed the menu, and the new screen's heading has the focus
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await page.evaluate("document.activeElement?.textContent")).toBe("Application");
    // nothing is wider than the phone's screen
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
  },
  { signedIn: true, viewport: { width: 390, height: 800 } },
);

uiTest(
  "a session the server no longer accepts (the password changed elsewhere) ends on load, with a message",
  async ({ page, server }) => {
    const me = server.pb.authStore.record;
    // a password change renews the superuser's token key, which voids every token issued before
    await server.pb.collection("_superusers").update(me?.id ?? "", {
      password: "Changed-pass-123",
      passwordConfirm: "Changed-pass-123",
    });
    await page.goto(server.dashboardUrl);
    await page.getByRole("heading", { name: "Superuser login" }).waitFor();
    await page.getByRole("status").filter({ hasText: "Your session has ended. Please sign in again." }).waitFor();
    expect(await page.evaluate(`localStorage.getItem("__pb_superusers__/_")`)).toBeNull();
  },
  { signedIn: true },
);
