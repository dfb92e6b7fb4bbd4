import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

// npm 12 skips a dependency's install scripts unless package.json's `allowScripts` approves them (npm 11 warns,
// and fails with --strict-allow-scripts). Bun's postinstall is what puts its binary in place: unapproved, a
// fresh `npm install` leaves no working bun, and `npx satchel serve` fails.

const root = join(import.meta.dir, "../..");
const readJson = (name: string) => JSON.parse(readFileSync(join(root, name), "utf8"));

/** approved tells whether an allowScripts entry (`name` or `name@version`) lets this package's scripts run. */
function approved(allow: Record<string, boolean>, name: string, version: string): boolean {
  return allow[`${name}@${version}`] ?? allow[name] ?? false;
}

test("every dependency the lockfile says has install scripts is approved in package.json's allowScripts", () => {
  const allow: Record<string, boolean> = readJson("package.json").allowScripts ?? {};
  const packages: Record<string, { version?: string; hasInstallScript?: boolean }> =
    readJson("package-lock.json").packages;
  const withScripts = Object.entries(packages)
    .filter(([path, p]) => path.includes("node_modules/") && p.hasInstallScript === true)
    .map(([path, p]) => ({
      name: path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length),
      version: p.version ?? "",
    }));
  expect(withScripts.map((p) => p.name)).toContain("bun");
  const unapproved = withScripts
    .filter((p) => !approved(allow, p.name, p.version))
    .map((p) => `${p.name}@${p.version}`);
  expect(unapproved).toEqual([]);
});
