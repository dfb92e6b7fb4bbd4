import { expect } from "bun:test";
import type { CollectionModel } from "../../src/core/collection-model.ts";
import { fieldGroup, openEditor, saved, seedPosts } from "./collections-helpers.ts";
import { addressMatches, describedBy, uiTest } from "./harness.ts";

/** The collections screens: creating and editing collections, their fields, indexes and rules. */

uiTest(
  "a new collection with a field of every type is created as built",
  async ({ page, server }) => {
    await page.goto(`${server.dashboardUrl}#/collections`);
    await page.getByRole("navigation", { name: "Collections" }).getByRole("link", { name: "New collection" }).click();
    await page.getByRole("heading", { level: 1, name: "New collection" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("everything");

    const types = [
      "Plain text",
      "Rich editor",
      "Number",
      "Bool",
      "Email",
      "URL",
      "DateTime",
      "Autodate",
      "Select",
      "File",
      "Relation",
      "JSON",
      "Geo point",
    ];
    for (const label of types) {
      await page.getByRole("button", { name: "New field" }).click();
      await page.getByRole("menuitem", { name: label, exact: true }).click();
    }
    // a new field's name has the focus, selected, and its options are open
    expect(await page.evaluate("document.activeElement?.value")).toBe("geoPoint");
    await fieldGroup(page, "select").getByLabel("Choices").fill("red, green, blue");
    await fieldGroup(page, "relation").getByLabel("Related collection").selectOption({ label: "users" });
    await fieldGroup(page, "number").getByLabel("Min").fill("1");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await saved(page, "The collection everything was created.");
    // the editor now edits the saved collection
    await page.getByRole("heading", { level: 1, name: "everything" }).waitFor();
    await addressMatches(page, "#/collections/everything/edit");

    const stored = await server.pb.collections.getOne<CollectionModel>("everything");
    expect(stored.fields.map((f) => f.type)).toEqual([
      "text",
      "text",
      "editor",
      "number",
      "bool",
      "email",
      "url",
      "date",
      "select",
      "file",
      "relation",
      "json",
      "geoPoint",
      "autodate",
      "autodate",
      "autodate",
    ]);
    const byName = Object.fromEntries(stored.fields.map((f) => [f.name, f]));
    expect(byName.select).toMatchObject({ values: ["red", "green", "blue"], maxSelect: 1 });
    expect(byName.relation).toMatchObject({ collectionId: (await server.pb.collections.getOne("users")).id });
    expect(byName.number).toMatchObject({ min: 1 });
    // the sidebar lists it
    await page.getByRole("navigation", { name: "Collections" }).getByRole("link", { name: "everything" }).waitFor();
  },
  { signedIn: true },
);

uiTest(
  "the server's errors show beside the fields they concern, nested ones included",
  async ({ page, server }) => {
    await page.goto(`${server.dashboardUrl}#/collections/new`);
    const name = page.getByLabel("Name", { exact: true });
    await name.fill("bad name!");
    for (const type of ["Select", "Relation"]) {
      await page.getByRole("button", { name: "New field" }).click();
      await page.getByRole("menuitem", { name: type, exact: true }).click();
    }
    const create = page.getByRole("button", { name: "Create", exact: true });
    await create.click();
    await name.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(name)).toBe("Letters, digits and underscores, e.g. posts. Must be in a valid format.");
    await page.getByRole("alert").filter({ hasText: "Failed to create collection." }).waitFor();

    // once the name is right, the fields' errors (`fields.1.values`, `fields.2.collectionId`) show beside them
    await name.fill("good");
    await create.click();
    const choices = fieldGroup(page, "select").getByLabel("Choices");
    await choices.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(choices)).toContain("Cannot be blank.");
    const related = fieldGroup(page, "relation").getByLabel("Related collection");
    expect(await related.getAttribute("aria-invalid")).toBe("true");
    expect(await describedBy(related)).toBe("Cannot be blank.");
    // the first invalid input has the focus
    expect(await page.evaluate("document.activeElement?.name")).toBe("fields.1.values");

    // two fields of the same name are refused before the server (which would keep only the last)
    await choices.fill("a, b");
    await related.selectOption({ label: "users" });
    await page.getByRole("button", { name: "New field" }).click();
    await page.getByRole("menuitem", { name: "Plain text", exact: true }).click();
    // a field name the server refuses (spaces become underscores as typed; the "!" stays): its message
    // beside that field's name
    await fieldGroup(page, "text").getByLabel("Field name").fill("bad name!");
    await create.click();
    const badName = fieldGroup(page, "bad_name!").getByLabel("Field name");
    await badName.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(badName)).toContain("Must be in a valid format.");
    await badName.fill("Select");
    await create.click();
    const duplicate = fieldGroup(page, "Select").getByLabel("Field name");
    await duplicate.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(duplicate)).toBe("Another field is named Select.");
    expect((await server.pb.collections.getFullList()).some((c) => c.name === "good")).toBe(false);

    await duplicate.fill("subtitle");
    await create.click();
    await saved(page, "The collection good was created.");
  },
  { signedIn: true },
);

uiTest(
  "a rule the server refuses shows its message under it, and saves once fixed",
  async ({ page, server }) => {
    await seedPosts(server);
    await openEditor(page, server, "posts");
    await page.getByRole("tab", { name: "API rules" }).click();
    const listRule = page.getByLabel("List/Search rule");
    await listRule.fill('titel = "Hello"');
    // the editor marks the unknown name, and suggests the field it resembles
    await listRule.press("Home");
    await listRule.press("End");
    await page.getByRole("button", { name: "Save changes" }).click();
    await listRule.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(listRule)).toContain("Invalid rule.");
    expect(await page.getByRole("tab", { name: "API rules" }).textContent()).toContain("!");

    await listRule.fill("");
    await listRule.pressSequentially("tit");
    const suggestions = page.getByRole("listbox", { name: "Suggestions" });
    await suggestions.getByRole("option", { name: /title/ }).waitFor();
    await listRule.press("Enter");
    await listRule.pressSequentially(' = "Hello" && @request.auth.');
    await suggestions.getByRole("option", { name: /^@request\.auth\.email / }).waitFor();
    await listRule.press("Escape");
    await listRule.pressSequentially('id != ""');
    expect(await listRule.inputValue()).toBe('title = "Hello" && @request.auth.id != ""');
    expect(await listRule.getAttribute("aria-invalid")).toBeNull();

    await page.getByRole("button", { name: "Save changes" }).click();
    await saved(page, "The collection posts was saved.");
    expect((await server.pb.collections.getOne<CollectionModel>("posts")).listRule).toBe(
      'title = "Hello" && @request.auth.id != ""',
    );
  },
  { signedIn: true },
);

uiTest(
  "renaming a field asks first, showing the rename, and its index follows",
  async ({ page, server }) => {
    await seedPosts(server);
    await openEditor(page, server, "posts");
    await fieldGroup(page, "title").getByLabel("Field name").fill("headline");
    await page.getByRole("button", { name: "Save changes" }).click();
    const dialog = page.getByRole("dialog", { name: "Save these changes?" });
    await dialog.getByText("Field renamed: title").waitFor();
    expect(await dialog.textContent()).toContain("headline");
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await saved(page, "The collection posts was saved.");

    const stored = await server.pb.collections.getOne<CollectionModel>("posts");
    expect(stored.fields.map((f) => f.name)).toContain("headline");
    expect(stored.indexes[0]).toContain("`headline`");
    const records = await server.pb.collection("posts").getFullList();
    expect(records.map((r) => r.headline).sort()).toEqual(["Hello", "World"]);
  },
  { signedIn: true },
);

uiTest(
  "fields move with the arrow keys on their handle, and the order is saved",
  async ({ page, server }) => {
    await seedPosts(server);
    await openEditor(page, server, "posts");
    const handle = page.getByRole("button", { name: "Move status" });
    await handle.focus();
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    await page.getByText("status moved to position 2 of 4.").waitFor();
    // the focus stays on the moved field's handle
    expect(await page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe("Move status");
    await page.getByRole("button", { name: "Save changes" }).click();
    await saved(page, "The collection posts was saved.");
    const stored = await server.pb.collections.getOne<CollectionModel>("posts");
    expect(stored.fields.map((f) => f.name)).toEqual(["id", "status", "title", "author"]);
  },
  { signedIn: true },
);

uiTest(
  "fields move by dragging their handle",
  async ({ page, server }) => {
    await seedPosts(server);
    await openEditor(page, server, "posts");
    await page.getByRole("button", { name: "Move status" }).dragTo(fieldGroup(page, "title"));
    await page.getByText("status moved to position 2 of 4.").waitFor();
    await page.getByRole("button", { name: "Save changes" }).click();
    await saved(page, "The collection posts was saved.");
    const stored = await server.pb.collections.getOne<CollectionModel>("posts");
    expect(stored.fields.map((f) => f.name)).toEqual(["id", "status", "title", "author"]);
  },
  { signedIn: true },
);

uiTest(
  "a unique index is added from its columns",
  async ({ page, server }) => {
    await seedPosts(server);
    await openEditor(page, server, "posts");
    await page.getByRole("button", { name: "New index" }).click();
    const dialog = page.getByRole("dialog", { name: "New index" });
    const add = dialog.getByRole("button", { name: "Add index" });
    expect(await add.isDisabled()).toBe(true);
    await dialog.getByRole("button", { name: "status" }).click();
    await dialog.getByRole("button", { name: "author" }).click();
    await dialog.getByLabel("Unique").check();
    expect(await dialog.getByLabel("Index SQL").inputValue()).toMatch(/^CREATE UNIQUE INDEX `idx_\w+` ON `posts` \(/);
    await add.click();
    await page.getByRole("button", { name: /Unique:\s*status, author/ }).waitFor();
    await page.getByRole("button", { name: "Save changes" }).click();
    await saved(page, "The collection posts was saved.");
    const stored = await server.pb.collections.getOne<CollectionModel>("posts");
    expect(stored.indexes).toHaveLength(2);
    expect(stored.indexes[1]).toMatch(/^CREATE UNIQUE INDEX `idx_\w+` ON `posts` \(\s*`status`,\s*`author`\s*\)$/);
  },
  { signedIn: true },
);

uiTest(
  "duplicate, truncate and delete, each confirmed (the last two by typing the name)",
  async ({ page, server }) => {
    await seedPosts(server);
    await openEditor(page, server, "posts");
    await page.getByRole("button", { name: "More actions", exact: true }).click();
    await page.getByRole("menuitem", { name: "Duplicate" }).click();
    await page.getByRole("heading", { level: 1, name: "New collection" }).waitFor();
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("posts_duplicate");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await saved(page, "The collection posts_duplicate was created.");
    const copy = await server.pb.collections.getOne<CollectionModel>("posts_duplicate");
    expect(copy.fields.map((f) => f.name)).toEqual(["id", "title", "author", "status"]);
    expect(copy.indexes[0]).toContain("ON `posts_duplicate`");

    await openEditor(page, server, "posts");
    await page.getByRole("button", { name: "More actions", exact: true }).click();
    await page.getByRole("menuitem", { name: "Truncate" }).click();
    const truncate = page.getByRole("dialog", { name: "Delete every record of posts?" });
    const confirmTruncate = truncate.getByRole("button", { name: "Truncate" });
    expect(await confirmTruncate.isDisabled()).toBe(true);
    await truncate.getByLabel("Type posts to confirm").fill("post");
    expect(await confirmTruncate.isDisabled()).toBe(true);
    await truncate.getByLabel("Type posts to confirm").fill("posts");
    await confirmTruncate.click();
    await saved(page, "Every record of posts was deleted.");
    expect((await server.pb.collection("posts").getList(1, 1)).totalItems).toBe(0);

    await page.getByRole("button", { name: "More actions", exact: true }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    const remove = page.getByRole("dialog", { name: "Delete the collection posts?" });
    await remove.getByLabel("Type posts to confirm").fill("posts");
    await remove.getByRole("button", { name: "Delete" }).click();
    await saved(page, "The collection posts was deleted.");
    await page.getByRole("heading", { level: 1, name: "Collections" }).waitFor();
    expect((await server.pb.collections.getFullList()).some((c) => c.name === "posts")).toBe(false);
    expect(
      await page
        .getByRole("navigation", { name: "Collections" })
        .getByRole("link", { name: "posts", exact: true })
        .count(),
    ).toBe(0);
  },
  { signedIn: true },
);

uiTest(
  "leaving with unsaved changes asks first; cancelling keeps them",
  async ({ page, server }) => {
    await seedPosts(server);
    await openEditor(page, server, "posts");
    await fieldGroup(page, "title").getByLabel("Field name").fill("headline");
    const settings = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" });
    await settings.click();
    const dialog = page.getByRole("dialog", { name: "Discard the unsaved changes?" });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await addressMatches(page, "#/collections/posts/edit");
    expect(await fieldGroup(page, "headline").getByLabel("Field name").inputValue()).toBe("headline");

    await settings.click();
    await dialog.getByRole("button", { name: "Discard changes" }).click();
    await page.getByRole("heading", { level: 1, name: "Application" }).waitFor();
    expect((await server.pb.collections.getOne<CollectionModel>("posts")).fields.map((f) => f.name)).toContain("title");
  },
  { signedIn: true },
);

uiTest(
  "the sidebar finds collections by name and keeps the pinned ones on top",
  async ({ page, server }) => {
    await seedPosts(server);
    await server.pb.collections.create({ name: "tags", type: "base" });
    await page.goto(`${server.dashboardUrl}#/collections`);
    const sidebar = page.getByRole("navigation", { name: "Collections" });
    await sidebar.getByRole("link", { name: "tags" }).waitFor();
    await sidebar.getByLabel("Search collections").fill("ta");
    await sidebar.getByRole("link", { name: "tags" }).waitFor();
    expect(await sidebar.getByRole("link", { name: "posts" }).count()).toBe(0);
    await sidebar.getByLabel("Search collections").fill("nothing like it");
    await sidebar.getByText("No collection matches").waitFor();
    await sidebar.getByRole("button", { name: "Clear search" }).click();

    await sidebar.getByRole("button", { name: "Pin tags" }).click();
    expect(await sidebar.getByRole("button", { name: "Pin tags" }).getAttribute("aria-pressed")).toBe("true");
    const pinned = sidebar.getByRole("list", { name: "Pinned" });
    await pinned.getByRole("link", { name: "tags" }).waitFor();
    await page.reload();
    await page
      .getByRole("navigation", { name: "Collections" })
      .getByRole("list", { name: "Pinned" })
      .getByRole("link", { name: "tags" })
      .waitFor();
    // a link opens the collection's records, marked as the current one; its editor is a link away, and back
    await page.getByRole("navigation", { name: "Collections" }).getByRole("link", { name: "posts" }).click();
    await page.getByRole("heading", { level: 1, name: "posts" }).waitFor();
    await page.getByRole("button", { name: "New record" }).waitFor();
    await addressMatches(page, "#/collections/posts/records");
    expect(
      await page
        .getByRole("navigation", { name: "Collections" })
        .getByRole("link", { name: "posts" })
        .getAttribute("aria-current"),
    ).toBe("page");
    await page.getByRole("link", { name: "Edit collection" }).click();
    await page.getByRole("tab", { name: "Fields" }).waitFor();
    await addressMatches(page, "#/collections/posts/edit");
    await page.getByRole("link", { name: "Records", exact: true }).click();
    await page.getByRole("button", { name: "New record" }).waitFor();
    await addressMatches(page, "#/collections/posts/records");
  },
  { signedIn: true },
);
