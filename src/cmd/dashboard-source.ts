import { join } from "node:path";
import type { DashboardSource } from "../apis/dashboard.ts";
import { type NamedBlob, StaticAssets } from "../tools/router/static-assets.ts";

/**
 * The folder `npm run build:ui` writes, relative to the repository; `npm run build` embeds it in the
 * executable with `bun build --compile --asset ui/dist`, which keeps the folder's own name: its files are
 * `Bun.embeddedFiles` named `dist/...`.
 */
const builtDir = join(import.meta.dir, "..", "..", "ui", "dist");
const embeddedPrefix = "dist/";

/**
 * loadDashboard finds the dashboard's built files: those embedded in the executable, or ui/dist of the
 * source tree (or dir) when running from source. Without them it says why, and how to build them.
 */
export async function loadDashboard(dir: string = builtDir): Promise<DashboardSource> {
  if (Bun.isStandaloneExecutable) {
    const embedded: NamedBlob[] = [];
    for (const blob of Bun.embeddedFiles) {
      const name = (blob as Blob & { name?: string }).name ?? "";
      if (name.startsWith(embeddedPrefix)) embedded.push({ name: name.slice(embeddedPrefix.length), blob });
    }
    if (embedded.some((b) => b.name === "index.html")) return { assets: await StaticAssets.fromBlobs(embedded) };
    return { missing: "This executable was built without the dashboard." };
  }
  const assets = await StaticAssets.fromDirectory(dir);
  if (assets?.get("index.html")) return { assets };
  return {
    missing: `${join(dir, "index.html")} is missing: run "npm run build:ui" in the Satchel folder, then restart the server.`,
  };
}
