import { expect } from "bun:test";
import { addressMatches, describedBy, uiTest } from "./harness.ts";
import { expectTitles, pngBytes, seedPosts, tableIds } from "./records-helpers.ts";

const postsUrl = (dashboardUrl: string) => `${dashboardUrl}#/collections/posts/records`;

uiTest(
  "a record is created with rich text, an uploaded file and a picked relation",
  async ({ page, server }) => {
    await seedPosts(server.pb, 0);
    await page.goto(postsUrl(server.dashboardUrl));
    await page.getByText("No posts records yet").waitFor();
    await page.getByRole("button", { name: "New record" }).first().click();
    const panel = page.getByRole("dialog", { name: "New posts record" });
    await panel.waitFor();

    // a required field left empty: the server's message shows beside it
    await panel.getByRole("button", { name: "Create" }).click();
    const title = panel.getByLabel("title");
    await title.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(title)).toBe("Cannot be blank.");

    await title.fill("Hello from the browser");
    const body = panel.getByRole("textbox", { name: "body" });
    await body.click();
    await body.pressSequentially("Plain and ");
    await panel.getByRole("button", { name: "Bold" }).click();
    await body.pressSequentially("bold");
    await panel.getByLabel("status").selectOption("published");
    await panel.getByLabel("views").fill("42");
    await panel.getByLabel("featured").check();
    await panel.getByLabel("meta").fill('{"tags": ["x"]}');
    await panel
      .getByLabel("cover: upload a file")
      .setInputFiles({ name: "cover.png", mimeType: "image/png", buffer: pngBytes });
    await panel.getByRole("img", { name: "Preview of cover.png" }).waitFor();

    await panel.getByRole("button", { name: "Choose owner" }).click();
    const picker = page.getByRole("dialog", { name: "Choose owner from users" });
    await picker.getByLabel(/Bob/).check();
    await picker.getByRole("button", { name: "Choose" }).click();
    await picker.waitFor({ state: "hidden" });
    await panel.getByText("Bob", { exact: true }).waitFor();

    await panel.getByRole("button", { name: "Create" }).click();
    await panel.waitFor({ state: "hidden" });
    await page
      .getByRole("button", { name: /^Open record / })
      .first()
      .waitFor();

    const [created] = await server.pb.collection("posts").getFullList({ expand: "owner" });
    expect(created?.title).toBe("Hello from the browser");
    expect(created?.body).toBe("<p>Plain and <strong>bold</strong></p>");
    expect(created?.status).toBe("published");
    expect(created?.views).toBe(42);
    expect(created?.featured).toBe(true);
    expect(created?.meta).toEqual({ tags: ["x"] });
    expect(created?.cover).toMatch(/^cover_\w+\.png$/);
    expect(created?.expand?.owner?.name).toBe("Bob");
    // the table shows it, with the owner's name and the cover's thumbnail
    expect(await tableIds(page)).toEqual([created?.id ?? ""]);
    await page.getByRole("table").getByText("Bob").waitFor();
  },
  { signedIn: true },
);

uiTest(
  "a record is edited: a file is removed and another uploaded, rich text changed, and it can be deleted",
  async ({ page, server }) => {
    const { posts } = await seedPosts(server.pb, 2);
    const post = posts[0];
    if (!post) throw new Error("no post");
    await server.pb.collection("posts").update(post.id, {
      cover: new File([pngBytes], "old.png", { type: "image/png" }),
    });
    await page.goto(postsUrl(server.dashboardUrl));
    await page.getByRole("button", { name: `Open record ${post.id}` }).click();
    const panel = page.getByRole("dialog", { name: "Edit posts record" });
    await panel.getByLabel("title").waitFor();
    expect(await panel.getByRole("button", { name: "Save changes" }).isDisabled()).toBe(true);

    await panel.getByLabel("title").fill("Edited title");
    const body = panel.getByRole("textbox", { name: "body" });
    await body.click();
    await page.keyboard.press("End");
    await body.pressSequentially(" and more");
    await panel.getByRole("button", { name: /^Remove old_/ }).click();
    await panel.getByText("Will be removed").waitFor();
    await panel
      .getByLabel("cover: upload a file")
      .setInputFiles({ name: "new.png", mimeType: "image/png", buffer: pngBytes });
    await panel.getByRole("button", { name: "Save changes" }).click();
    await panel.waitFor({ state: "hidden" });

    const saved = await server.pb.collection("posts").getOne(post.id);
    expect(saved.title).toBe("Edited title");
    expect(saved.body).toBe("<p>Body of post 1 and more</p>");
    expect(saved.cover).toMatch(/^new_\w+\.png$/);
    await page.getByRole("table").getByText("Edited title").waitFor();

    // deleting from the panel's menu, after a confirmation
    await page.getByRole("button", { name: `Open record ${post.id}` }).click();
    await panel.getByRole("button", { name: "More actions" }).click();
    await panel.getByRole("menuitem", { name: "Delete" }).click();
    await page
      .getByRole("dialog", { name: `Delete the record ${post.id}?` })
      .getByRole("button", { name: "Delete" })
      .click();
    await panel.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: `Open record ${post.id}` }).waitFor({ state: "detached" });
    expect((await server.pb.collection("posts").getFullList()).map((r) => r.id)).toEqual([posts[1]?.id ?? ""]);
  },
  { signedIn: true },
);

uiTest(
  "selected records are deleted together",
  async ({ page, server }) => {
    const { posts } = await seedPosts(server.pb, 4);
    await page.goto(postsUrl(server.dashboardUrl));
    await page.getByRole("checkbox", { name: `Select record ${posts[0]?.id}` }).check();
    await page.getByRole("checkbox", { name: `Select record ${posts[2]?.id}` }).check();
    const bar = page.getByRole("region", { name: "Selected records" });
    await bar.getByText("2 records selected").waitFor();
    await bar.getByRole("button", { name: "Delete selected" }).click();
    await page.getByRole("dialog", { name: "Delete 2 records?" }).getByRole("button", { name: "Delete" }).click();
    await bar.waitFor({ state: "hidden" });
    await page.getByText("1–2 of 2 records").waitFor();
    const left = (await server.pb.collection("posts").getFullList({ sort: "title" })).map((r) => r.title);
    expect(left).toEqual(["Post 2", "Post 4"]);
  },
  { signedIn: true },
);

uiTest(
  "the table is filtered and sorted, and both are kept in the address",
  async ({ page, server }) => {
    await seedPosts(server.pb, 5);
    await page.goto(postsUrl(server.dashboardUrl));
    await page
      .getByRole("button", { name: /^Open record / })
      .first()
      .waitFor();
    // newest first by default
    await expectTitles(page, ["Post 5", "Post 4", "Post 3", "Post 2", "Post 1"]);

    await page.getByRole("button", { name: "views" }).click();
    await page.getByRole("columnheader", { name: "views" }).and(page.locator('[aria-sort="ascending"]')).waitFor();
    await expectTitles(page, ["Post 1", "Post 2", "Post 3", "Post 4", "Post 5"]);
    await page.getByRole("button", { name: "views" }).click();
    await page.getByRole("columnheader", { name: "views" }).and(page.locator('[aria-sort="descending"]')).waitFor();
    await expectTitles(page, ["Post 5", "Post 4", "Post 3", "Post 2", "Post 1"]);

    const filter = page.getByRole("search").getByLabel("Filter", { exact: true });
    // the filter suggests the collection's fields as one types
    await filter.click();
    await filter.pressSequentially("sta");
    await page
      .getByRole("listbox", { name: "Suggestions" })
      .getByRole("option", { name: /^status/ })
      .waitFor();
    await filter.press("Enter");
    expect(await filter.inputValue()).toStartWith("status");
    await filter.fill('status = "published"');
    await filter.press("Enter");
    await page.getByText("1–2 of 2 records").waitFor();
    await expectTitles(page, ["Post 4", "Post 2"]);
    await addressMatches(page, /filter=status/);
    await addressMatches(page, /sort=-views/);

    // a plain term searches every field; a bad filter says so beside the input
    await filter.fill("Post 3");
    await filter.press("Enter");
    await page.getByText("1–1 of 1 record").waitFor();
    await filter.fill("nope = ");
    await filter.press("Enter");
    await filter.and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await describedBy(filter)).toStartWith("The filter could not be applied");

    await page.getByRole("button", { name: "Clear the filter" }).click();
    await page.getByText("1–5 of 5 records").waitFor();

    // the address brings the same view back
    await filter.fill("views > 20");
    await filter.press("Enter");
    await page.getByText("1–3 of 3 records").waitFor();
    await page.reload();
    await page.getByText("1–3 of 3 records").waitFor();
    expect(await page.getByRole("search").getByLabel("Filter", { exact: true }).inputValue()).toBe("views > 20");
  },
  { signedIn: true },
);

uiTest(
  "a record created through the API appears in the open table without a reload, and a deleted one goes",
  async ({ page, server }) => {
    const { posts, users } = await seedPosts(server.pb, 2);
    await page.goto(postsUrl(server.dashboardUrl));
    await page.getByText("Live", { exact: true }).waitFor();
    await expectTitles(page, ["Post 2", "Post 1"]);

    const fresh = await server.pb.collection("posts").create({ title: "Pushed live", owner: users[0]?.id });
    await page.getByRole("button", { name: `Open record ${fresh.id}` }).waitFor();
    await expectTitles(page, ["Pushed live", "Post 2", "Post 1"]);
    await page.getByText("1–3 of 3 records").waitFor();

    await server.pb.collection("posts").update(posts[0]?.id ?? "", { title: "Changed elsewhere" });
    await page.getByRole("table").getByText("Changed elsewhere").waitFor();

    await server.pb.collection("posts").delete(posts[1]?.id ?? "");
    await page.getByRole("button", { name: `Open record ${posts[1]?.id}` }).waitFor({ state: "detached" });
    await page.getByText("1–2 of 2 records").waitFor();
  },
  { signedIn: true },
);

uiTest(
  "columns can be hidden and shown, and the choice is remembered",
  async ({ page, server }) => {
    await seedPosts(server.pb, 1);
    await page.goto(postsUrl(server.dashboardUrl));
    await page.getByRole("columnheader", { name: "views" }).waitFor();
    await page.getByRole("button", { name: "Columns" }).click();
    await page.getByRole("menuitemcheckbox", { name: "views" }).click();
    await page.getByRole("columnheader", { name: "views" }).waitFor({ state: "detached" });
    await page.keyboard.press("Escape");
    await page.reload();
    await page.getByRole("columnheader", { name: "title" }).waitFor();
    expect(await page.getByRole("columnheader", { name: "views" }).count()).toBe(0);
  },
  { signedIn: true },
);
