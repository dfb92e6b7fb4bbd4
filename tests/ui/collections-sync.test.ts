import { expect } from "bun:test";
import { readFile } from "node:fs/promises";
import type { CollectionModel } from "../../src/core/collection-model.ts";
import { saved, seedPosts } from "./collections-helpers.ts";
import { uiTest } from "./harness.ts";

/** Collections exported as JSON and imported with a review of the changes; the collections at phone width. */

uiTest(
  "export: the chosen collections' JSON, copied or downloaded",
  async ({ page, server }) => {
    await seedPosts(server);
    await page.goto(`${server.dashboardUrl}#/settings/export-collections`);
    const json = page.getByLabel(/^JSON of \d+ collections?$/);
    await json.waitFor();
    const all = JSON.parse(await json.inputValue()) as CollectionModel[];
    expect(all.map((c) => c.name)).toContain("posts");
    expect(all.map((c) => c.name)).toContain("_superusers");
    // auth collections come first; timestamps and OAuth2 providers are left out
    expect(all[0]?.type).toBe("auth");
    expect(all.every((c) => !("created" in c) && !("updated" in c))).toBe(true);

    await page.getByRole("checkbox", { name: /^All \(\d+\)$/ }).uncheck();
    expect(JSON.parse(await json.inputValue())).toEqual([]);
    expect(await page.getByRole("button", { name: "Download JSON" }).isDisabled()).toBe(true);
    await page.getByLabel("posts").check();
    const one = JSON.parse(await json.inputValue()) as CollectionModel[];
    expect(one.map((c) => c.name)).toEqual(["posts"]);

    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download JSON" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe("pb_schema.json");
    const path = await file.path();
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual(one);
  },
  { signedIn: true },
);

uiTest(
  "import: the changes are reviewed as a diff, then applied",
  async ({ page, server }) => {
    const posts = await seedPosts(server);
    // what another server has: posts with a new field and no status, and a new collection
    const { created: _c, updated: _u, ...exported } = JSON.parse(JSON.stringify(posts)) as CollectionModel;
    exported.fields = exported.fields.filter((f) => f.name !== "status");
    exported.fields.push({
      id: "text1234567890",
      name: "summary",
      type: "text",
      system: false,
      hidden: false,
      presentable: false,
      help: "",
      autogeneratePattern: "",
      max: 0,
      min: 0,
      pattern: "",
      primaryKey: false,
      required: false,
    });
    exported.listRule = "@request.auth.id != ''";
    const notes = { id: "pbc_notes00001", name: "notes", type: "base", fields: [{ name: "body", type: "text" }] };

    await page.goto(`${server.dashboardUrl}#/settings/import-collections`);
    const box = page.getByLabel("Collections (JSON)");
    await box.fill("[{");
    await page.getByText("Not a collections configuration").waitFor();
    expect(await page.getByRole("button", { name: "Review the changes" }).isDisabled()).toBe(true);

    // merged with the existing collections, nothing the JSON leaves out is deleted
    await page.getByLabel("Merge with the existing collections").check();
    await box.fill(JSON.stringify([exported, notes], null, 2));
    const summary = page.getByRole("region", { name: /^Changes:/ });
    await summary.getByText("1 added, 1 changed, 0 deleted").waitFor();
    await page.getByRole("button", { name: "Review the changes" }).click();

    const review = page.getByRole("dialog", { name: "Review the import" });
    const postsDiff = review.getByRole("region", { name: /Changed\s*posts/ });
    await postsDiff.getByRole("row", { name: /listRule \(changed\)/ }).waitFor();
    await postsDiff.getByText("Field summary added").waitFor();
    await postsDiff.getByText("Field status removed").waitFor();
    await review.getByRole("region", { name: /Added\s*notes/ }).waitFor();
    // the data that goes away is listed first
    await review.getByRole("note").getByText("posts.status").waitFor();
    await review.getByRole("button", { name: "Apply the import" }).click();
    await saved(page, "The collections were imported.");

    const stored = await server.pb.collections.getOne<CollectionModel>("posts");
    expect(stored.fields.map((f) => f.name)).toEqual(["id", "title", "author", "summary"]);
    expect(stored.listRule).toBe("@request.auth.id != ''");
    expect((await server.pb.collections.getOne("notes")).id).toBe("pbc_notes00001");
    expect((await server.pb.collections.getFullList()).some((c) => c.name === "users")).toBe(true);
    // the sidebar shows the new collection
    await page.goto(`${server.dashboardUrl}#/collections`);
    await page.getByRole("navigation", { name: "Collections" }).getByRole("link", { name: "notes" }).waitFor();
  },
  { signedIn: true },
);

uiTest(
  "an import the server refuses says why, and changes nothing",
  async ({ page, server }) => {
    await page.goto(`${server.dashboardUrl}#/settings/import-collections`);
    await page.getByLabel("Merge with the existing collections").check();
    const broken = { id: "pbc_broken0001", name: "broken", type: "base", fields: [{ name: "x", type: "relation" }] };
    await page.getByLabel("Collections (JSON)").fill(JSON.stringify([broken]));
    await page.getByRole("button", { name: "Review the changes" }).click();
    await page
      .getByRole("dialog", { name: "Review the import" })
      .getByRole("button", { name: "Apply the import" })
      .click();
    await page.getByRole("alert").filter({ hasText: "Failed to import collections." }).waitFor();
    expect((await server.pb.collections.getFullList()).some((c) => c.name === "broken")).toBe(false);
  },
  { signedIn: true },
);

uiTest(
  "at phone width the collections fold behind a button and the editor fits the screen",
  async ({ page, server }) => {
    await seedPosts(server);
    await page.goto(`${server.dashboardUrl}#/collections/posts/edit`);
    await page.getByRole("heading", { level: 1, name: "posts" }).waitFor();
    const toggle = page.getByRole("button", { name: /^Collections \(\d+\)$/ });
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    expect(await page.getByLabel("Search collections").isVisible()).toBe(false);
    await toggle.click();
    await page.getByLabel("Search collections").waitFor();
    await page.getByRole("button", { name: "Options of title" }).click();
    await page.getByLabel("Min length").waitFor();
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await page.getByRole("tab", { name: "API rules" }).click();
    await page.getByLabel("List/Search rule").waitFor();
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
  },
  { signedIn: true, viewport: { width: 390, height: 800 } },
);
