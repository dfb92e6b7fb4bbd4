import { dirname, join, relative, resolve } from "node:path";
import { Glob } from "bun";

/**
 * The dependency rules of src/ (see docs/DESIGN.md): db depends on nothing internal, tools only on db
 * (the filter language compiles to db's SQL fragments), core on tools and db, forms on core, apis on
 * forms/core/tools; only db/sqlite may import bun:sqlite.
 */
const allowed: Record<string, string[]> = {
  tools: ["tools", "db"],
  db: ["db"],
  core: ["core", "tools", "db"],
  migrations: ["core", "tools", "db", "migrations"],
  forms: ["forms", "mails", "core", "tools", "db"],
  apis: ["apis", "forms", "mails", "core", "tools", "db"],
  mails: ["mails", "core", "tools", "db"],
  cmd: ["cmd", "apis", "forms", "core", "tools", "db", "migrations", "plugins", "mails"],
  plugins: ["plugins", "apis", "forms", "core", "tools", "db", "migrations", "mails"],
};

const importPattern = /(?:^|\n)\s*(?:import|export)[^"'`]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** checkLayers returns one message per import that breaks the rules. */
export async function checkLayers(srcDir: string): Promise<string[]> {
  const root = resolve(srcDir);
  const violations: string[] = [];
  for await (const file of new Glob("**/*.ts").scan(root)) {
    const full = join(root, file);
    const layer = file.split("/")[0] ?? "";
    const text = await Bun.file(full).text();
    for (const m of text.matchAll(importPattern)) {
      const spec = m[1] ?? m[2] ?? "";
      if (spec === "bun:sqlite" && !file.startsWith("db/sqlite/"))
        violations.push(`${file}: only db/sqlite/ may import bun:sqlite`);
      if (!spec.startsWith(".")) continue;
      const target = relative(root, resolve(dirname(full), spec));
      if (target.startsWith("..")) continue;
      const targetLayer = target.split("/")[0] ?? "";
      if (file === "main.ts" || !(layer in allowed)) continue;
      if (!(allowed[layer] ?? []).includes(targetLayer))
        violations.push(`${file}: ${layer}/ must not import ${targetLayer}/ (${spec})`);
    }
  }
  return violations;
}

const uiImportPattern =
  /(?:^|\n)\s*(import|export)(\s+type)?[^"'`;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/**
 * The SDK's loose models (every key `any`) of what the server declares exactly: the dashboard takes those
 * from api/wire.ts instead.
 */
const sdkModelPattern =
  /import\b[^;]*?\b(CollectionModel|AuthCollectionModel|BaseCollectionModel|ViewCollectionModel|CollectionField|RecordModel|LogModel|BaseModel|AuthModel)\b[^;]*?from\s*["']pocketbase["']/g;

/**
 * checkUiImports returns one message per import of the dashboard (ui/src) that reaches outside ui/: only
 * type-only imports of the server's wire types from src/ are allowed, so no server code ends up in the
 * bundle. Nor may it take the SDK's loose models of what the server types (sdkModelPattern).
 */
export async function checkUiImports(uiSrcDir: string): Promise<string[]> {
  const root = resolve(uiSrcDir);
  const uiRoot = dirname(root);
  const serverSrc = join(dirname(uiRoot), "src");
  const violations: string[] = [];
  for await (const file of new Glob("**/*.{ts,svelte}").scan(root)) {
    const full = join(root, file);
    const text = await Bun.file(full).text();
    for (const m of text.matchAll(sdkModelPattern))
      violations.push(`ui/src/${file}: ${m[1]} is the SDK's loose model; import the server's type from api/wire.ts`);
    for (const m of text.matchAll(uiImportPattern)) {
      const spec = m[3] ?? m[4] ?? "";
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(full), spec);
      if (!relative(uiRoot, target).startsWith("..")) continue;
      const typeOnly = m[2] !== undefined;
      if (!typeOnly || relative(serverSrc, target).startsWith(".."))
        violations.push(`ui/src/${file}: only type-only imports from src/ may leave ui/ (${spec})`);
    }
  }
  return violations;
}
