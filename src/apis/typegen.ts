import type { Hono } from "hono";
import { CollectionsMemo } from "../core/collections-memo.ts";
import { generateTypeScript } from "../core/typegen.ts";
import type { RouterEnv } from "./middlewares.ts";
import { requireSuperuser } from "./middlewares-auth.ts";
import { route } from "./route.ts";

/**
 * bindTypegenApi registers `GET /api/typegen` (superusers): the TypeScript types of every collection's
 * records, as `satchel typegen` writes them, built again only when a collection changes.
 */
export function bindTypegenApi(router: Hono<RouterEnv>): void {
  const memo = new CollectionsMemo<string>();
  router.get(
    "/api/typegen",
    requireSuperuser,
    route(async (e) => {
      const appName = e.app.settings().meta.appName;
      const collections = e.app.findAllCollections();
      const text = memo.get(collections, appName, () => generateTypeScript(collections, appName));
      e.response = new Response(text, { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } });
      return e.response;
    }),
  );
}
