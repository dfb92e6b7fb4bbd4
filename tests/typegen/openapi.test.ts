import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { newRouter } from "../../src/apis/base.ts";
import { buildOpenApiDocument, type OpenApiDocument } from "../../src/apis/openapi-document.ts";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import { Collection } from "../../src/core/collection-model.ts";
import { CollectionsMemo } from "../../src/core/collections-memo.ts";
import { newAuthToken } from "../../src/core/record-tokens.ts";
import { defineFixture, runScenarios } from "../helpers/api-scenario.ts";
import { newTestApp, superuserEmail, superuserPassword, type TestApp } from "../helpers/test-app.ts";
import { seedEveryFieldType } from "./schema-fixture.ts";

type Json = Record<string, unknown>;

async function validate(doc: OpenApiDocument): Promise<{ valid: boolean; errors: unknown }> {
  const validator = new Validator();
  const res = await validator.validate(structuredClone(doc));
  if (!res.valid) return { valid: false, errors: res.errors };
  try {
    validator.resolveRefs();
  } catch (err) {
    return { valid: false, errors: String(err) };
  }
  return { valid: true, errors: undefined };
}

let t: TestApp;

beforeAll(async () => {
  t = await newTestApp();
  await upsertSuperuser(t.app, superuserEmail, superuserPassword);
  await seedEveryFieldType(t.app);
});

afterAll(async () => {
  await t.cleanup();
});

describe("the OpenAPI document", () => {
  for (const audience of ["superuser", "public"] as const) {
    test(`the ${audience} document is valid OpenAPI 3.1, every $ref resolved`, async () => {
      const doc = buildOpenApiDocument(t.app.findAllCollections(), { audience, isPublic: true, appName: "Acme" });
      expect(doc.openapi).toBe("3.1.0");
      expect(await validate(doc)).toEqual({ valid: true, errors: undefined });
    });
  }

  test("the validator refuses a broken document (the check above can fail)", async () => {
    const doc = buildOpenApiDocument(t.app.findAllCollections(), {
      audience: "superuser",
      isPublic: false,
      appName: "",
    });
    const dangling = structuredClone(doc) as Json & { paths: Record<string, Json> };
    (dangling.paths["/api/health"] as { get: Json }).get.parameters = [{ $ref: "#/components/parameters/nope" }];
    expect((await validate(dangling)).valid).toBe(false);
    const malformed = structuredClone(doc) as Json & { paths: Record<string, Json> };
    (malformed.paths["/api/health"] as { get: Json }).get.parameters = [{ name: "x", schema: {} }];
    expect((await validate(malformed)).valid).toBe(false);
  });

  test("every route the router serves is in the superusers' document", () => {
    const doc = buildOpenApiDocument(t.app.findAllCollections(), {
      audience: "superuser",
      isPublic: false,
      appName: "",
    });
    // a collection's own paths stand for the router's `:collection` routes
    const shape = (path: string) =>
      path
        .replace(/\{[^}]+\}|:[A-Za-z]+/g, ":param")
        .replace(/^\/api\/(collections|files)\/(?!import$|meta\/|token$)[^/]+/, "/api/$1/:collection");
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${shape(path)}`);
    }
    const served = newRouter(t.app)
      .routes.filter((r) => r.method !== "ALL" && r.method !== "HEAD")
      .map((r) => `${r.method} ${shape(r.path)}`);
    expect(served.length).toBeGreaterThan(40);
    expect(served.filter((route) => !documented.has(route))).toEqual([]);
  });

  test("records endpoints carry the collection's real field schemas", () => {
    const doc = buildOpenApiDocument(t.app.findAllCollections(), {
      audience: "superuser",
      isPublic: false,
      appName: "",
    });
    const schemas = (doc.components as { schemas: Record<string, Json> }).schemas;
    const posts = schemas.PostsResponse as { properties: Record<string, Json>; required: string[] };
    expect(posts.properties.status).toEqual({ enum: ["draft", "published"] });
    expect(posts.properties.labels).toMatchObject({ type: "array", items: { enum: ["a", "b", "c"] }, maxItems: 3 });
    expect(posts.properties.location).toMatchObject({ $ref: "#/components/schemas/GeoPoint" });
    expect(posts.required).toContain("title");
    expect(posts.required).not.toContain("secret");
    const create = schemas.PostsCreate as { required: string[] };
    expect(create.required).toEqual(["title", "status"]);
    const members = schemas.MembersResponse as { properties: Json; required: string[] };
    expect(Object.keys(members.properties)).not.toContain("password");
    expect(Object.keys(members.properties)).not.toContain("tokenKey");
    expect(members.required).not.toContain("email");
    const paths = doc.paths as Record<string, Json>;
    // views are read-only
    expect(Object.keys(paths["/api/collections/post_stats/records"] ?? {})).toEqual(["get"]);
    const createPost = (paths["/api/collections/posts/records"] as { post: Json }).post as {
      requestBody: { content: Record<string, { schema: { properties: Json } }> };
    };
    // files go in multipart bodies only
    expect(Object.keys(createPost.requestBody.content["multipart/form-data"]?.schema.properties ?? {})).toContain(
      "cover",
    );
    expect(Object.keys(createPost.requestBody.content["application/json"]?.schema.properties ?? {})).not.toContain(
      "cover",
    );
  });

  test("the public document leaves out the admin APIs, hidden fields and what only superusers may reach", () => {
    const doc = buildOpenApiDocument(t.app.findAllCollections(), { audience: "public", isPublic: true, appName: "" });
    const paths = Object.keys(doc.paths as Json);
    expect(paths).not.toContain("/api/collections");
    expect(paths).not.toContain("/api/settings");
    expect(paths).not.toContain("/api/typegen");
    expect(paths.some((p) => p.includes("/impersonate/"))).toBe(false);
    // profiles may only be viewed, and never listed
    expect(paths).toContain("/api/collections/profiles/records/{id}");
    expect(paths).not.toContain("/api/collections/profiles/records");
    const schemas = (doc.components as { schemas: Record<string, { properties?: Json }> }).schemas;
    expect(Object.keys(schemas.PostsResponse?.properties ?? {})).not.toContain("secret");
    expect(Object.keys(schemas.PostsCreate?.properties ?? {})).not.toContain("secret");
    expect(Object.keys(schemas)).not.toContain("Settings");
  });
});

test("CollectionsMemo builds again exactly when a collection changes", async () => {
  const memo = new CollectionsMemo<number>();
  let builds = 0;
  const build = () => ++builds;
  expect(memo.get(t.app.findAllCollections(), "a", build)).toBe(1);
  expect(memo.get(t.app.findAllCollections(), "a", build)).toBe(1);
  expect(memo.get(t.app.findAllCollections(), "b", build)).toBe(2);
  const tags = await t.app.findCollectionByNameOrId("tags");
  tags.applyJSON({ fields: [...tags.fields.map((f) => f.toJSON()), { name: "weight", type: "number" }] });
  await t.app.saveCollection(tags);
  expect(memo.get(t.app.findAllCollections(), "b", build)).toBe(3);
  expect(memo.get(t.app.findAllCollections(), "b", build)).toBe(3);
});

test("a served document follows a collection change at once (never stale)", async () => {
  const router = newRouter(t.app);
  const superuser = await t.app.findAuthRecordByEmail("_superusers", superuserEmail);
  if (!superuser) throw new Error("no superuser");
  const headers = { authorization: await newAuthToken(superuser) };
  const get = async (path: string) => {
    const res = await router.fetch(new Request(`http://127.0.0.1${path}`, { headers }), {
      server: { requestIP: () => ({ address: "127.0.0.1", family: "IPv4", port: 0 }) },
    });
    expect(res.status).toBe(200);
    return res.text();
  };
  const before = await get("/api/openapi.json");
  expect(await get("/api/openapi.json")).toBe(before);
  const typesBefore = await get("/api/typegen");
  expect(before).not.toContain("/api/collections/notes/records");
  await t.app.saveCollection(
    Collection.fromJSON({ name: "notes", type: "base", listRule: "", fields: [{ name: "body", type: "text" }] }),
  );
  const after = await get("/api/openapi.json");
  expect(after).toContain("/api/collections/notes/records");
  expect(after).toContain('"NotesResponse"');
  expect(await get("/api/typegen")).not.toBe(typesBefore);
  expect(await get("/api/typegen")).toContain("export interface NotesResponse");
});

const fixture = defineFixture(async (app) => {
  await seedEveryFieldType(app);
  const users = await app.findCollectionByNameOrId("users");
  const { RecordModel } = await import("../../src/core/record-model.ts");
  const user = new RecordModel(users);
  user.load({ email: "user@example.com", password: "1234567890", passwordConfirm: "1234567890" });
  await app.save(user);
});
const user = { collection: "users", email: "user@example.com" };

runScenarios("GET /api/openapi.json and GET /api/typegen", fixture, [
  {
    name: "a guest can't read the OpenAPI document",
    url: "/api/openapi.json",
    expectedStatus: 401,
    expectedContent: ['"status":401'],
    notExpectedContent: ["openapi"],
  },
  {
    name: "an auth record that isn't a superuser can't either",
    url: "/api/openapi.json",
    auth: user,
    expectedStatus: 403,
    notExpectedContent: ["openapi"],
  },
  {
    name: "a superuser gets the whole API, admin APIs included",
    url: "/api/openapi.json",
    auth: "superuser",
    expectedStatus: 200,
    expectedContent: [
      '"openapi":"3.1.0"',
      '"/api/collections/posts/records"',
      '"/api/collections/members/auth-with-password"',
      '"/api/settings"',
      '"/api/collections/{collection}"',
      '"PostsResponse"',
    ],
    expectedEvents: { "*": 0 },
    afterTest: (_t, res) => {
      expect(res.headers.get("content-type")).toBe("application/json");
    },
  },
  {
    name: "a guest can't read the types",
    url: "/api/typegen",
    expectedStatus: 401,
    notExpectedContent: ["interface"],
  },
  {
    name: "an auth record that isn't a superuser can't either",
    url: "/api/typegen",
    auth: user,
    expectedStatus: 403,
    notExpectedContent: ["interface"],
  },
  {
    name: "a superuser gets the TypeScript types",
    url: "/api/typegen",
    auth: "superuser",
    expectedStatus: 200,
    expectedContent: [
      "export interface PostsResponse<Texpand = PostsExpand> {",
      "export interface TypedPocketBase extends PocketBase {",
    ],
    afterTest: (_t, res) => {
      expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    },
  },
]);

describe("with --publicOpenAPI", () => {
  const fetchAs = async (token: string | null) => {
    const router = newRouter(t.app, { publicOpenApi: true });
    const headers: Record<string, string> = token ? { authorization: token } : {};
    const res = await router.fetch(new Request("http://127.0.0.1/api/openapi.json", { headers }), {
      server: { requestIP: () => ({ address: "127.0.0.1", family: "IPv4", port: 0 }) },
    });
    return { status: res.status, doc: (await res.json()) as { paths: Json } };
  };

  test("a guest gets the public part of the API; a superuser still the whole", async () => {
    const guest = await fetchAs(null);
    expect(guest.status).toBe(200);
    expect(Object.keys(guest.doc.paths)).toContain("/api/collections/posts/records");
    expect(Object.keys(guest.doc.paths)).not.toContain("/api/settings");
    const superuser = await t.app.findAuthRecordByEmail("_superusers", superuserEmail);
    if (!superuser) throw new Error("no superuser");
    const su = await fetchAs(await newAuthToken(superuser));
    expect(Object.keys(su.doc.paths)).toContain("/api/settings");
  });
});
