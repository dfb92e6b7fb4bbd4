import { afterAll, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findCompiler, parseDiagnostics, typeCheck } from "../../src/tools/typescript/type-check.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "satchel-typecheck-test-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

test("tsc's plain output is read with each message's further lines", () => {
  const output = [
    "a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    "lib/b.ts(10,1): error TS2345: Argument of type '{ x: number; }' is not assignable to parameter of type 'Y'.",
    "  Object literal may only specify known properties.",
    "",
  ].join("\n");
  const parsed = parseDiagnostics(output, "/p");
  expect(parsed.map((d) => d.file)).toEqual(["/p/a.ts", "/p/lib/b.ts"]);
  expect(parsed[1]?.error).toEqual({
    file: "lib/b.ts",
    line: 10,
    column: 1,
    code: "TS2345",
    message:
      "Argument of type '{ x: number; }' is not assignable to parameter of type 'Y'.\n  Object literal may only specify known properties.",
  });
});

test("without a TypeScript compiler on disk the check is skipped, saying why", async () => {
  const dir = await folder({ "a.ts": "export default 1;\n" });
  expect(await findCompiler([dir])).toBeNull();
  const result = await typeCheck({ dir, files: ["a.ts"], paths: {} });
  expect(result).toEqual({
    kind: "skipped",
    reason: `no TypeScript compiler was found (install the "typescript" package beside ${dir})`,
  });
});

test("only errors in the folder's own files count, not those of its node_modules; JavaScript isn't checked", async () => {
  const dir = await folder({
    "node_modules/lib/package.json": '{ "name": "lib", "types": "index.ts" }',
    "node_modules/lib/index.ts": "export const n: number = 'not a number';\n",
    "helper.js": "export const s = 1; s.nope();\n",
    "a.ts": 'import { n } from "lib";\nimport { s } from "./helper.js";\nexport const total: number = n + s;\n',
    "b.ts": "export const wrong: string = 1;\n",
  });
  const result = await typeCheck({
    dir,
    files: ["a.ts", "b.ts", "helper.js"],
    paths: {},
    fallbackDirs: [import.meta.dir],
  });
  expect(result.kind).toBe("failed");
  if (result.kind !== "failed") return;
  expect(result.errors).toEqual([
    { file: "b.ts", line: 1, column: 14, code: "TS2322", message: "Type 'number' is not assignable to type 'string'." },
  ]);
}, 30_000);

test("a compiler that fails without a diagnostic (a crash exits with 2, as type errors do) is no passed check", async () => {
  const dir = await folder({
    "a.ts": "export default 1;\n",
    "crash.js": 'process.stderr.write("panic: lib.d.ts does not exist\\n");\nprocess.exit(2);\n',
  });
  const compiler = { command: [process.execPath, join(dir, "crash.js")], version: "7.0.0" };
  const result = await typeCheck({ dir, files: ["a.ts"], paths: {}, compiler });
  expect(result).toEqual({
    kind: "skipped",
    reason: "the TypeScript compiler failed (exit code 2): panic: lib.d.ts does not exist",
  });
});
