import { expect } from "bun:test";
import type { Page } from "playwright-core";
import type { RecordModel } from "pocketbase";
import { uiTest } from "./harness.ts";
import { seedPosts } from "./records-helpers.ts";

/** exportFile runs the export dialog and returns the downloaded file's name and text. */
async function exportFile(page: Page, format: "CSV" | "JSON"): Promise<{ name: string; text: string }> {
  await page.getByRole("button", { name: "More actions" }).click();
  await page.getByRole("menuitem", { name: "Export CSV or JSON" }).click();
  const dialog = page.getByRole("dialog", { name: "Export posts records" });
  await dialog.getByLabel(format, { exact: true }).check();
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    dialog.getByRole("button", { name: `Export ${format}` }).click(),
  ]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await Bun.file(path).text() };
}

async function openImport(page: Page) {
  await page.getByRole("button", { name: "More actions" }).click();
  await page.getByRole("menuitem", { name: "Import CSV or JSON" }).click();
  return page.getByRole("dialog", { name: "Import posts records" });
}

/** The stored fields of the posts that an export and an import carry. */
function comparable(records: RecordModel[]) {
  return records
    .map(({ id, title, body, status, views, featured, owner, meta }) => ({
      id,
      title,
      body,
      status,
      views,
      featured,
      owner,
      meta,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

uiTest(
  "a CSV export imported again gives the same rows",
  async ({ page, server }) => {
    await seedPosts(server.pb, 3);
    const before = comparable(await server.pb.collection("posts").getFullList());
    await page.goto(`${server.dashboardUrl}#/collections/posts/records`);
    await page.getByText("1–3 of 3 records").waitFor();

    const csv = await exportFile(page, "CSV");
    expect(csv.name).toMatch(/^posts_\d{4}-\d\d-\d\d_\d{4}\.csv$/);
    const lines = csv.text.trim().split("\r\n");
    expect(lines[0]).toBe("id,title,body,status,views,featured,cover,owner,meta,created");
    expect(lines).toHaveLength(4);

    for (const r of await server.pb.collection("posts").getFullList()) await server.pb.collection("posts").delete(r.id);
    await page.getByText("No posts records yet").waitFor();

    const dialog = await openImport(page);
    await dialog.getByLabel("CSV or JSON file").setInputFiles({
      name: csv.name,
      mimeType: "text/csv",
      buffer: Buffer.from(csv.text),
    });
    await dialog.getByText(`${csv.name}: 3 rows, 8 columns to import.`).waitFor();
    await dialog.getByText("Left out (no such field, or set by the server): cover, created.").waitFor();
    await dialog.getByRole("button", { name: "Import 3 records" }).click();
    await dialog.getByRole("status").filter({ hasText: "Created 3 records." }).waitFor();
    await dialog.getByRole("button", { name: "Close" }).last().click();
    await page.getByText("1–3 of 3 records").waitFor();

    expect(comparable(await server.pb.collection("posts").getFullList())).toEqual(before);
  },
  { signedIn: true },
);

uiTest(
  "an import creates the good rows and tells each refused row's error",
  async ({ page, server }) => {
    await seedPosts(server.pb, 0);
    // in batches: a refused row undoes its batch, so the others are sent again without it
    await server.pb.settings.update({ batch: { enabled: true, maxRequests: 50 } });
    await page.goto(`${server.dashboardUrl}#/collections/posts/records`);
    await page.getByText("No posts records yet").waitFor();
    const dialog = await openImport(page);
    const csv =
      'title,views,status,unknown\r\nFirst,1,draft,x\r\n,2,draft,y\r\nThird,3,"not a status",z\r\nFourth,4,published,w\r\n';
    await dialog.getByLabel("CSV or JSON file").setInputFiles({
      name: "posts.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await dialog.getByText("Left out (no such field, or set by the server): unknown.").waitFor();
    const batches: string[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/api/batch")) batches.push(r.method());
    });
    await dialog.getByRole("button", { name: "Import 4 records" }).click();
    await dialog.getByRole("status").filter({ hasText: "Created 2 records; 2 rows were refused." }).waitFor();
    // the batch of 4, again without row 2, then without row 3
    expect(batches).toEqual(["POST", "POST", "POST"]);
    const refused = dialog.getByRole("region", { name: "Refused rows" });
    await refused.getByText("Row 2: title: Cannot be blank.").waitFor();
    await refused.getByText(/^Row 3: status: /).waitFor();

    const titles = (await server.pb.collection("posts").getFullList({ sort: "title" })).map((r) => r.title);
    expect(titles).toEqual(["First", "Fourth"]);

    // a file that isn't CSV nor JSON records is refused before anything is sent
    await dialog.getByRole("button", { name: "Close" }).last().click();
    const again = await openImport(page);
    await again.getByLabel("CSV or JSON file").setInputFiles({
      name: "posts.json",
      mimeType: "application/json",
      buffer: Buffer.from("[1, 2]"),
    });
    await again.getByRole("alert").filter({ hasText: "A JSON file must hold a list of records" }).waitFor();
    expect(await again.getByRole("button", { name: /^Import/ }).isDisabled()).toBe(true);
  },
  { signedIn: true },
);

uiTest(
  "a JSON export holds the records the filter matches, read page by page",
  async ({ page, server }) => {
    await seedPosts(server.pb, 4);
    await page.goto(
      `${server.dashboardUrl}#/collections/posts/records?filter=${encodeURIComponent('status = "draft"')}`,
    );
    await page.getByText("1–2 of 2 records").waitFor();
    const json = await exportFile(page, "JSON");
    expect(json.name).toEndWith(".json");
    const rows = JSON.parse(json.text) as RecordModel[];
    expect(rows.map((r) => r.title).sort()).toEqual(["Post 1", "Post 3"]);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      "id",
      "title",
      "body",
      "status",
      "views",
      "featured",
      "cover",
      "owner",
      "meta",
      "created",
    ]);
  },
  { signedIn: true },
);
