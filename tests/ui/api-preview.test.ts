import { afterAll, beforeAll, expect, test } from "bun:test";
import type { CollectionModel } from "../../src/core/collection-model.ts";
import { apiEndpoints } from "../../ui/src/screens/api-preview/api-endpoints.ts";
import { exampleBody, exampleRecord } from "../../ui/src/screens/api-preview/example-values.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { addressMatches, uiTest } from "./harness.ts";

const postsSchema = (usersId: string) => ({
  name: "posts",
  type: "base",
  listRule: "",
  viewRule: "",
  createRule: "@request.auth.id != ''",
  fields: [
    { name: "title", type: "text", required: true },
    { name: "views", type: "number", onlyInt: true, min: 200 },
    { name: "status", type: "select", values: ["draft", "published"], maxSelect: 1 },
    { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
    { name: "author", type: "relation", collectionId: usersId, maxSelect: 1 },
    { name: "cover", type: "file", maxSelect: 1 },
    { name: "secret", type: "text", hidden: true },
    { name: "body", type: "editor" },
    { name: "meta", type: "json" },
    { name: "place", type: "geoPoint" },
    { name: "published", type: "bool" },
    { name: "link", type: "url" },
    { name: "created", type: "autodate", onCreate: true },
  ],
});

/** The JSON kind of a value: what an example must match in a real answer. */
const kind = (v: unknown) => (Array.isArray(v) ? "array" : v === null ? "null" : typeof v);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

test("example records have the keys, in order, and the value kinds of the records the server answers", async () => {
  const users = await server.pb.collections.getOne<CollectionModel>("users");
  const posts = await server.pb.collections.create<CollectionModel>(postsSchema(users.id));
  const user = await server.pb.collection("users").create({
    email: "ann@example.com",
    password: "ann-pass-123",
    passwordConfirm: "ann-pass-123",
    name: "Ann",
  });
  // the example body is a valid create body (the relation pointing at a real record)
  const body = { ...exampleBody(posts, false), author: user.id };
  const created = await server.pb.collection("posts").create(body);
  // as a client sees it (a superuser sees hidden fields too)
  const real = await server.client().collection("posts").getOne(created.id);
  const example = exampleRecord(posts);
  expect(Object.keys(example)).toEqual(Object.keys(real));
  for (const key of Object.keys(real)) {
    if (key === "cover") continue; // no file was uploaded: the real value is ""
    expect([key, kind(example[key])]).toEqual([key, kind(real[key])]);
  }
  expect(example.views).toBe(200);
  expect(example.status).toBe("draft");
  expect(example.tags).toEqual(["a", "b"]);

  // the list example's filter is one the server takes, and it finds the example record
  const filter = /filter: '(.*)',/.exec(apiEndpoints(posts, server.url)[0]?.js ?? "")?.[1] ?? "";
  expect(filter).toBe('title ~ "example"');
  expect((await server.pb.collection("posts").getList(1, 50, { filter })).items.map((r) => r.id)).toEqual([created.id]);

  const authExample = exampleRecord(users);
  const ann = server.client();
  await ann.collection("users").authWithPassword("ann@example.com", "ann-pass-123");
  const authReal = await ann.collection("users").getOne(user.id);
  expect(Object.keys(authExample)).toEqual(Object.keys(authReal));
  expect(authExample).not.toHaveProperty("password");
  expect(authExample).not.toHaveProperty("tokenKey");
});

test("the endpoints follow the collection's type and options, with its real names in the SDK calls", async () => {
  const users = await server.pb.collections.getOne<CollectionModel>("users");
  const ids = apiEndpoints(users, "http://127.0.0.1:8090/").map((e) => e.id);
  expect(ids).toEqual([
    "list",
    "view",
    "create",
    "update",
    "delete",
    "realtime",
    "batch",
    "auth-methods",
    "auth-with-password",
    "auth-refresh",
    "verification",
    "password-reset",
    "email-change",
  ]);
  const superusers = await server.pb.collections.getOne<CollectionModel>("_superusers");
  const superuserIds = apiEndpoints(superusers, "http://x").map((e) => e.id);
  expect(superuserIds).not.toContain("verification");
  expect(superuserIds).not.toContain("auth-with-oauth2");

  const view = await server.pb.collections.create<CollectionModel>({
    name: "user_names",
    type: "view",
    viewQuery: "SELECT id, name FROM users",
  });
  const viewEndpoints = apiEndpoints(view, "http://x");
  expect(viewEndpoints.map((e) => e.id)).toEqual(["list", "view"]);
  expect(viewEndpoints[0]?.js).toContain("pb.collection('user_names').getList(1, 50");
  expect(viewEndpoints[0]?.js).toContain("new PocketBase('http://x')");
  expect(viewEndpoints[0]?.access).toEqual({ ruleName: "listRule", rule: null });

  // the auth methods example is what the server answers for the collection
  const methods = apiEndpoints(users, "http://x").find((e) => e.id === "auth-methods");
  const real = await (await fetch(`${server.url}/api/collections/users/auth-methods`)).json();
  expect(JSON.stringify(methods?.responses[0]?.body)).toBe(JSON.stringify(real));
});

uiTest(
  "API preview: a collection's endpoints with its SDK calls, parameters and example answers",
  async ({ page, server: ui }) => {
    const users = await ui.pb.collections.getOne("users");
    await ui.pb.collections.create(postsSchema(users.id));
    await page.goto(ui.dashboardUrl);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API preview" }).click();
    await page.getByLabel("Collection").selectOption("posts");
    await page.getByRole("heading", { name: "posts", level: 1 }).waitFor();
    const endpoints = page.getByRole("navigation", { name: "Endpoints" });
    expect(await endpoints.getByRole("link").allInnerTexts()).toEqual([
      "List/Search",
      "View",
      "Create",
      "Update",
      "Delete",
      "Realtime",
      "Batch",
    ]);
    await page.getByRole("region", { name: "JavaScript SDK call" }).getByText("getList(1, 50").waitFor();

    await endpoints.getByRole("link", { name: "Create" }).click();
    await page.getByRole("heading", { name: "Create", level: 2 }).waitFor();
    await addressMatches(page, /#\/api-preview\/posts\?endpoint=create/);
    expect(await page.getByRole("region", { name: "createRule of posts" }).innerText()).toBe("@request.auth.id != ''");
    const call = page.getByRole("region", { name: "JavaScript SDK call" });
    expect(await call.innerText()).toContain("const record = await pb.collection('posts').create(data);");
    const body = page.getByRole("table", { name: "Body parameters" });
    expect(await body.getByRole("row", { name: /title/ }).innerText()).toContain("Required");
    expect(await body.getByRole("row", { name: /status/ }).innerText()).toContain("one of: draft, published");
    const answer = JSON.parse(await page.getByRole("region", { name: "Response 200" }).innerText());
    expect(answer).toMatchObject({ collectionName: "posts", title: "example text", status: "draft" });

    await page.getByText("Dart", { exact: true }).click();
    expect(await page.getByRole("radio", { name: "Dart" }).isChecked()).toBe(true);
    const dart = page.getByRole("region", { name: "Dart SDK call" });
    expect(await dart.innerText()).toContain("await pb.collection('posts').create(body: body");
    // the choice is remembered
    await page.reload();
    await page.getByRole("region", { name: "Dart SDK call" }).waitFor();

    await page.goto(`${ui.dashboardUrl}#/api-preview/nope`);
    await page.getByText("No collection “nope”").waitFor();
  },
  { signedIn: true },
);
