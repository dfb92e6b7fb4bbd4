import { expect } from "bun:test";
import { addressMatches, countIs, describedBy, uiTest } from "./harness.ts";

uiTest(
  "logs: the last request's log opens in the side panel (also from its address), the filter narrows the list",
  async ({ page, server }) => {
    const guest = () =>
      fetch(`${server.url}/api/collections/nope/records?probe=1`, { headers: { "User-Agent": "probe/1" } });
    await guest();
    await server.app.logger().flush();

    await page.goto(`${server.dashboardUrl}#/logs`);
    const table = page.getByRole("table", { name: "Logs, the newest first" });
    const row = table.getByRole("row").filter({ hasText: "GET /api/collections/nope/records" });
    await row.waitFor();
    // the newest first; the dashboard's own requests (a superuser's) are hidden
    expect(await table.getByRole("row").nth(1).innerText()).toContain("GET /api/collections/nope/records");
    expect(await row.innerText()).toContain("status: 404");
    expect(await row.innerText()).toContain("ERROR (8)");
    expect(await table.getByRole("row").filter({ hasText: "/api/settings" }).count()).toBe(0);

    await row.getByRole("link").click();
    const panel = page.getByRole("dialog", { name: "Log details" });
    const value = (key: string) =>
      panel.getByRole("row").filter({ has: page.getByRole("rowheader", { name: key, exact: true }) });
    await value("data.status").getByText("404").waitFor();
    expect(await value("data.url").innerText()).toContain("/api/collections/nope/records?probe=1");
    expect(await value("data.userAgent").innerText()).toContain("probe/1");
    expect(await value("data.auth").innerText()).toContain("N/A");
    await addressMatches(page, /#\/logs\?log=[a-z0-9]{15}$/);
    const address = page.url();

    // Escape closes the panel, the address forgets the log, and the focus is back on its link
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "hidden" });
    await addressMatches(page, "#/logs");
    expect(await row.getByRole("link").evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    // a log's address opens it
    await page.goto(address);
    await page.reload();
    await value("data.status").getByText("404").waitFor();
    await panel.getByRole("button", { name: "Close" }).first().click();

    // a filter, kept in the address; a bad one is refused under the box
    await server.app.logger().flush();
    await page.getByRole("switch", { name: "Include requests by superusers" }).check();
    await table.getByRole("row").filter({ hasText: "GET /api/settings" }).first().waitFor();
    const box = page.getByLabel("Search or filter");
    await box.fill("data.status = 404");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /^1 log match$/ })
      .waitFor();
    await countIs(table.getByRole("row"), 2);
    await addressMatches(page, /filter=data\.status\+%3D\+404/);
    await addressMatches(page, /superusers=1/);

    await box.fill("data.status ==");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await box.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(box)).toContain("The server can't run this filter: check its fields and its syntax.");

    // plain words search the message and the data
    await box.fill("probe/1");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /^1 log match$/ })
      .waitFor();
  },
  { signedIn: true },
);

uiTest(
  "logs: the chart counts the logs per hour and zooms the list on the hour picked by keyboard; the settings save",
  async ({ page, server }) => {
    for (let i = 0; i < 4; i++) await fetch(`${server.url}/api/health`);
    await fetch(`${server.url}/api/collections/nope/records`);
    await server.app.logger().flush();
    // these guest requests, and none of the superuser's (the harness signs in with a token and a refresh)
    const n = (await server.pb.logs.getList(1, 1, { filter: "data.auth != '_superusers'" })).totalItems;
    expect(n).toBe(5);

    await page.goto(`${server.dashboardUrl}#/logs`);
    const chart = page.getByRole("slider", { name: "Logs per hour" });
    await chart.waitFor();
    expect(await chart.getAttribute("aria-valuetext")).toMatch(/: 5 logs$/);
    await page
      .getByRole("status")
      .filter({ hasText: /^5 logs$/ })
      .waitFor();
    await chart.focus();
    await page.keyboard.press("Enter");
    await page
      .getByRole("status")
      .filter({ hasText: /^5 logs from / })
      .waitFor();
    await countIs(page.getByRole("table", { name: "Logs, the newest first" }).getByRole("row"), 6);
    await page.getByRole("button", { name: "Show all hours" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /^5 logs$/ })
      .waitFor();

    await page.getByRole("button", { name: "Logs settings" }).click();
    const dialog = page.getByRole("dialog", { name: "Logs settings" });
    const days = dialog.getByLabel("Days to keep logs");
    await days.fill("-1");
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await days.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(days)).toContain("Must be no less than 0.");
    await days.fill("9");
    await dialog.getByLabel("Log the id of the signed-in record").check();
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect((await server.pb.settings.getAll()).logs).toMatchObject({ maxDays: 9, logAuthId: true });
  },
  { signedIn: true },
);
