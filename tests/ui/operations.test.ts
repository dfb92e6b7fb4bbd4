import { expect } from "bun:test";
import PocketBase from "pocketbase";
import { describedBy, uiTest } from "./harness.ts";

uiTest(
  "crons: the jobs are listed with their schedule in words, and run now on request",
  async ({ page, server }) => {
    let runs = 0;
    server.app.cron().add("nightly_report", "30 2 * * *", () => {
      runs++;
    });
    await page.goto(`${server.dashboardUrl}#/settings/crons`);
    const jobs = page.getByRole("list", { name: "Cron jobs" });
    const job = jobs.getByRole("listitem").filter({ hasText: "nightly_report" });
    await job.getByText("at 02:30, every day").waitFor();
    // the app's jobs come first, then the system's
    expect(await jobs.getByRole("listitem").first().textContent()).toContain("nightly_report");
    expect(await jobs.getByRole("listitem").filter({ hasText: "__pbDBOptimize__" }).getByText("System").count()).toBe(
      1,
    );

    await page.getByRole("button", { name: "Run nightly_report now" }).click();
    await page.getByRole("status").filter({ hasText: "Started “nightly_report”" }).waitFor();
    for (let i = 0; i < 50 && runs === 0; i++) await Bun.sleep(20);
    expect(runs).toBe(1);

    // a job removed meanwhile: the server's 404 is shown
    server.app.cron().remove("nightly_report");
    await page.getByRole("button", { name: "Run nightly_report now" }).click();
    await page.getByRole("alert").filter({ hasText: "Missing or invalid cron job" }).waitFor();
    await page.getByRole("button", { name: "Refresh" }).click();
    await job.waitFor({ state: "detached" });
  },
  { signedIn: true },
);

uiTest(
  "SQL console: a query's rows show in a table that sorts, a bad query shows the database's error, a change asks first",
  async ({ page, server }) => {
    await page.goto(`${server.dashboardUrl}#/settings/sql`);
    const editor = page.getByLabel("SQL query");
    await editor.fill("SELECT 'b' AS name, 2 AS n UNION ALL SELECT 'a', 10 UNION ALL SELECT NULL, 1");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const table = page.getByRole("region", { name: "Query result" }).getByRole("table");
    await table.waitFor();
    expect(await table.getByRole("columnheader").allInnerTexts()).toEqual(["name", "n"]);
    await page.getByRole("status").filter({ hasText: "3 rows in" }).waitFor();
    const firstColumn = async () =>
      (await table.getByRole("row").allInnerTexts()).slice(1).map((r) => r.split("\t")[0]);
    expect(await firstColumn()).toEqual(["b", "a", "NULL"]);
    // sorting by n compares numbers, not text
    await table.getByRole("button", { name: "n", exact: true }).click();
    expect(await firstColumn()).toEqual(["NULL", "b", "a"]);
    expect(await table.getByRole("columnheader", { name: "n", exact: true }).getAttribute("aria-sort")).toBe(
      "ascending",
    );
    await table.getByRole("button", { name: "n", exact: true }).click();
    expect(await firstColumn()).toEqual(["a", "b", "NULL"]);

    // an error, from Ctrl+Enter
    await editor.fill("SELECT * FROM no_such_table");
    await editor.press("Control+Enter");
    await page.getByRole("alert").filter({ hasText: "no such table: no_such_table" }).waitFor();
    expect(await table.count()).toBe(0);

    // a statement that changes the schema asks first; cancelled, nothing runs
    await editor.fill("CREATE TABLE notes (id TEXT PRIMARY KEY)");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Run this query?" });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await dialog.getByRole("button", { name: "Run" }).click();
    await page.getByRole("status").filter({ hasText: "The query ran in" }).waitFor();
    await editor.fill("INSERT INTO notes VALUES ('x'), ('y')");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await dialog.getByRole("button", { name: "Run" }).click();
    await page.getByRole("status").filter({ hasText: "Rows changed: 2." }).waitFor();

    // the history (of the queries that ran) gives an earlier query back
    await page.getByText("Recent queries (3)").click();
    await page.getByRole("button", { name: "CREATE TABLE notes" }).click();
    expect(await editor.inputValue()).toBe("CREATE TABLE notes (id TEXT PRIMARY KEY)");
  },
  { signedIn: true },
);

uiTest(
  "token options: a duration out of range is refused beside its field, and invalidating auth tokens signs users out",
  async ({ page, server }) => {
    const users = new PocketBase(server.url);
    await server.pb
      .collection("users")
      .create({ email: "ann@example.com", password: "ann-pass-123", passwordConfirm: "ann-pass-123" });
    await users.collection("users").authWithPassword("ann@example.com", "ann-pass-123");

    await page.goto(`${server.dashboardUrl}#/settings/tokens`);
    await page.getByText("users", { exact: true }).click();
    const form = page.getByRole("form", { name: "users token options", exact: true });
    const duration = form.getByLabel("Email verification token duration (seconds)");
    await duration.fill("5");
    await form.getByRole("button", { name: "Save users tokens" }).click();
    await duration.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(duration)).toBe("5 seconds Must be no less than 10.");

    await duration.fill("7200");
    expect(await describedBy(duration)).toBe("2 hours");
    await form.getByLabel("Invalidate all issued auth tokens").check();
    await form.getByRole("button", { name: "Save users tokens" }).click();
    const dialog = page.getByRole("dialog", { name: "Invalidate the users tokens?" });
    await dialog.getByText("Auth: signs out every signed-in user.").waitFor();
    await dialog.getByRole("button", { name: "Invalidate and save" }).click();
    await page.getByRole("status").filter({ hasText: "The users token options were saved." }).waitFor();

    const saved = await server.pb.collections.getOne("users");
    expect(saved.verificationToken.duration).toBe(7200);
    expect(await form.getByLabel("Invalidate all issued auth tokens").isChecked()).toBe(false);
    const refresh = await users
      .collection("users")
      .authRefresh()
      .then(
        () => 200,
        (err: { status: number }) => err.status,
      );
    expect(refresh).toBe(401);
  },
  { signedIn: true },
);

uiTest(
  "at phone width, in the dark theme, every operations screen fits the screen's width",
  async ({ page, server }) => {
    await server.pb.collections.create({ name: "posts", type: "base", fields: [{ name: "title", type: "text" }] });
    await page.emulateMedia({ colorScheme: "dark" });
    const screens: [string, string][] = [
      ["#/settings/mail", "Mail"],
      ["#/settings/storage", "Files storage"],
      ["#/settings/backups", "Backups"],
      ["#/settings/crons", "Crons"],
      ["#/settings/tokens", "Token options"],
      ["#/settings/sql", "SQL console"],
      ["#/api-preview/posts?endpoint=create", "posts"],
      ["#/logs", "Logs"],
    ];
    for (const [hash, title] of screens) {
      await page.goto(`${server.dashboardUrl}${hash}`);
      await page.getByRole("heading", { name: title, level: 1 }).waitFor();
      await page.waitForLoadState("networkidle");
      const overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
      );
      expect([hash, overflow]).toEqual([hash, 0]);
    }
  },
  { signedIn: true, viewport: { width: 360, height: 740 } },
);
