/**
 * Writes src/core/hook-accessors.ts: an app's `onX` methods, one per hook that HookRegistry (src/core/hooks.ts)
 * declares, with the hook's doc comment. Run it after adding a hook: `bun scripts/hook-accessors.ts`
 * (`--check` only tells whether the file is current). The class implements HookMethods, so the typecheck
 * fails while it is stale.
 */
import { join } from "node:path";

const coreDir = join(import.meta.dir, "../src/core");
export const accessorsPath = join(coreDir, "hook-accessors.ts");

/** renderHookAccessors makes the file's text from the registry's source. */
export function renderHookAccessors(registrySource: string): string {
  const declaration = /(\n {2}\/\*\*[^\n]*\*\/)?\n {2}readonly (on\w+) = new (Hook|TaggableHook)</g;
  const members: string[] = [];
  for (const m of registrySource.matchAll(declaration)) {
    const [, doc, name, kind] = m;
    const accessor = kind === "TaggableHook" ? "tagged" : "plain";
    members.push(`${doc ?? ""}\n  readonly ${name} = ${accessor}(() => this.hooks.${name});`);
  }
  if (members.length === 0) throw new Error("no hook found in hooks.ts");
  return `// Written by scripts/hook-accessors.ts from the hooks HookRegistry declares in hooks.ts: don't edit by hand.
import { hookAccessor as plain, taggedHookAccessor as tagged } from "../tools/hook/accessor.ts";
import type { HookMethods, HookRegistry } from "./hooks.ts";

/** HookAccessors gives an app its \`onX\` methods, one per hook of HookRegistry. */
export abstract class HookAccessors implements HookMethods {
  abstract readonly hooks: HookRegistry;
${members.join("\n")}
}
`;
}

if (import.meta.main) {
  const text = renderHookAccessors(await Bun.file(join(coreDir, "hooks.ts")).text());
  if (process.argv.includes("--check")) {
    const current = await Bun.file(accessorsPath)
      .text()
      .catch(() => "");
    if (current !== text) {
      process.stderr.write("src/core/hook-accessors.ts is stale: run bun scripts/hook-accessors.ts\n");
      process.exit(1);
    }
  } else {
    await Bun.write(accessorsPath, text);
  }
}
