import type { Hono } from "hono";
import { CollectionsMemo } from "../core/collections-memo.ts";
import type { SchemaAudience } from "../core/record-schema.ts";
import type { RouterEnv } from "./middlewares.ts";
import { requireSuperuser } from "./middlewares-auth.ts";
import { buildOpenApiDocument } from "./openapi-document.ts";
import { route } from "./route.ts";

/**
 * bindOpenApiApi registers `GET /api/openapi.json`: superusers only unless `isPublic`, in which case others
 * get the part of the API they may use. Each audience's document is serialized once and kept until a
 * collection (or the app name) changes.
 */
export function bindOpenApiApi(router: Hono<RouterEnv>, isPublic: boolean): void {
  const memos: Record<SchemaAudience, CollectionsMemo<string>> = {
    superuser: new CollectionsMemo(),
    public: new CollectionsMemo(),
  };
  const handler = route(async (e) => {
    const audience: SchemaAudience = e.isSuperuser() ? "superuser" : "public";
    const appName = e.app.settings().meta.appName;
    const collections = e.app.findAllCollections();
    const text = memos[audience].get(collections, appName, () =>
      JSON.stringify(buildOpenApiDocument(collections, { audience, isPublic, appName })),
    );
    e.response = new Response(text, { status: 200, headers: { "content-type": "application/json" } });
    return e.response;
  });
  if (isPublic) router.get("/api/openapi.json", handler);
  else router.get("/api/openapi.json", requireSuperuser, handler);
}
