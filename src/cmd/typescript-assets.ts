import { existsSync, realpathSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, sep } from "node:path";
import { apiModule, apiSource } from "../plugins/hooks/api-module.ts";
import { compilerAsset, filesAsset, type TypeScriptFiles } from "../tools/typescript/embedded.ts";
import { compilerOptions, findCompiler, nodeModulesHaving } from "../tools/typescript/type-check.ts";

/**
 * writeTypeScriptAssets writes what a single executable needs to type-check hook files (see
 * tools/typescript/embedded.ts) into outDir: the native compiler of Satchel's TypeScript 7, gzipped, and
 * the files a check of a hook file reads besides it, found by asking the compiler itself (`--listFilesOnly`
 * on a file that imports `satchel/hooks`), with the package.json files their imports resolve through.
 */
export async function writeTypeScriptAssets(root: string, outDir: string): Promise<{ files: number; bytes: number }> {
  const compiler = await findCompiler([root]);
  const tsc = compiler?.command.length === 1 ? compiler.command[0] : undefined;
  if (!compiler || !tsc) {
    throw new Error(`no native TypeScript compiler (TypeScript 7) was found in the node_modules above ${root}`);
  }
  const listed = await listCheckedFiles(root, tsc);
  const files: Record<string, string> = {};
  const add = async (key: string, path: string) => {
    if (!(key in files)) files[key] = await readFile(path, "utf8");
  };
  // the compiler reads its lib files beside itself
  const libDir = dirname(tsc);
  for (const name of await readdir(libDir)) {
    if (/^lib(\..+)?\.d\.ts$/.test(name)) await add(`compiler/${name}`, join(libDir, name));
  }
  if (existsSync(join(root, "package.json"))) await add("root/package.json", join(root, "package.json"));
  const realRoot = realpathSync(root);
  const realLib = realpathSync(libDir);
  for (const path of listed) {
    const real = realpathSync(path);
    if (real.startsWith(realLib + sep)) continue;
    const key = keyOf(real, realRoot);
    if (key === null) continue;
    await add(`root/${key}`, real);
    for (const pkg of packageJsonsAbove(real)) {
      const pkgKey = keyOf(pkg, realRoot);
      if (pkgKey !== null) await add(`root/${pkgKey}`, pkg);
    }
  }
  const snapshot: TypeScriptFiles = { version: compiler.version, files };
  const packed = Bun.gzipSync(new TextEncoder().encode(JSON.stringify(snapshot)));
  const binary = Bun.gzipSync(new Uint8Array(await readFile(tsc)));
  await writeFile(join(outDir, filesAsset), packed);
  await writeFile(join(outDir, compilerAsset), binary);
  return { files: Object.keys(files).length, bytes: packed.length + binary.length };
}

/** listCheckedFiles asks the compiler which files a hook file importing `satchel/hooks` makes it read. */
async function listCheckedFiles(root: string, tsc: string): Promise<string[]> {
  const work = await mkdtemp(join(tmpdir(), "satchel-typescript-assets-"));
  try {
    const probe = join(work, "probe.ts");
    await writeFile(probe, `import type { App } from "${apiModule}";\nexport default (_app: App) => {};\n`);
    const typeRoots = nodeModulesHaving([root], "@types/bun/package.json").map((nm) => join(nm, "@types"));
    const config = join(work, "tsconfig.json");
    const options = compilerOptions({ [apiModule]: join(root, apiSource) }, typeRoots);
    await writeFile(config, JSON.stringify({ compilerOptions: options, files: [probe] }));
    const proc = Bun.spawn([tsc, "-p", config, "--listFilesOnly"], { cwd: work, stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    if (code !== 0) throw new Error(`tsc --listFilesOnly exited with ${code}: ${err}${out}`);
    return out
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "" && l !== probe && existsSync(l));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * keyOf names a file as under Satchel's folder: its own files by their path there, a package's by its path
 * under the nearest node_modules (Satchel's own, or a project's above it when Satchel is installed in one).
 */
function keyOf(real: string, realRoot: string): string | null {
  const parts = real.split(sep);
  const nm = parts.indexOf("node_modules");
  if (real.startsWith(realRoot + sep)) {
    const rel = relative(realRoot, real).split(sep);
    if (!rel.includes("node_modules")) return rel.join("/");
  }
  return nm < 0 ? null : ["node_modules", ...parts.slice(nm + 1)].join("/");
}

/** packageJsonsAbove lists the package.json files between a package's file and its node_modules folder. */
function packageJsonsAbove(file: string): string[] {
  const out: string[] = [];
  for (let d = dirname(file); basename(d) !== "node_modules" && dirname(d) !== d; d = dirname(d)) {
    const pkg = join(d, "package.json");
    if (existsSync(pkg)) out.push(pkg);
    if (!d.includes(`${sep}node_modules${sep}`)) break;
  }
  return out;
}
