import type { Context, Hono } from "hono";
import type { App } from "../core/app.ts";
import { notFound } from "../tools/router/api-error.ts";
import type { StaticAssets } from "../tools/router/static-assets.ts";
import { errorResponse, type RouterEnv } from "./middlewares.ts";

/** The path the dashboard is served under, as in PocketBase. */
export const dashboardPath = "/_/";

/** Where the dashboard comes from: its built files, or why there are none. */
export type DashboardSource = { assets: StaticAssets } | { missing: string };

/**
 * The dashboard's Content-Security-Policy: everything from this origin only (inline styles allowed for
 * style attributes), and no framing.
 */
export const dashboardCsp =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; " +
  "script-src 'self'; frame-ancestors 'none'";

/** Vite names the files under assets/ by a hash of their content, so they never change. */
const immutableCache = "public, max-age=31536000, immutable";
const revalidateCache = "no-cache";

/**
 * bindDashboard serves the admin dashboard, a single-page app with hash routes (`/_/#/login`): `/_/` is its
 * index.html, `/_` redirects there, `/_/assets/*` are its hashed files, cached for good. Without built
 * files, `/_/` explains how to build them.
 */
export function bindDashboard(router: Hono<RouterEnv>, app: App, source: DashboardSource): void {
  router.on(["GET", "HEAD"], "/_", (c) => {
    const query = new URL(c.req.url).search;
    return new Response(null, { status: 301, headers: { Location: `${dashboardPath}${query}` } });
  });
  router.on(["GET", "HEAD"], "/_/*", (c) => {
    if ("missing" in source) return missingDashboard(c, source.missing);
    const name = assetName(c.req.path);
    const cacheControl = app.isDev || !name?.startsWith("assets/") ? revalidateCache : immutableCache;
    const res = name === null ? null : source.assets.respond(c.req.raw, name, { cacheControl, headers: cspHeader });
    return res ?? errorResponse(app, notFound("File not found."), c.req.method);
  });
}

const cspHeader = { "Content-Security-Policy": dashboardCsp };

/** assetName maps a request path under /_/ to a file name (index.html for /_/), null for a bad path. */
function assetName(path: string): string | null {
  const rest = path.slice(dashboardPath.length);
  if (rest === "") return "index.html";
  let name: string;
  try {
    name = decodeURIComponent(rest);
  } catch {
    return null;
  }
  if (name.split("/").some((part) => part === "" || part === "." || part === "..")) return null;
  return name;
}

function missingDashboard(c: Context<RouterEnv>, reason: string): Response {
  const html =
    '<!doctype html><meta charset="utf-8"><title>Dashboard not built</title>' +
    "<h1>The dashboard is not built</h1>" +
    `<p>${escapeHtml(reason)}</p>` +
    "<p>The REST API at <code>/api/</code> works without it.</p>";
  return c.html(html, 404, { "Cache-Control": "no-store" });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
