#!/usr/bin/env bun
/**
 * satchel-compile ENTRY [--outfile=PATH] [--no-dashboard] [--typescript]: a program embedding Satchel
 * (`import { createApp } from "satchel"`) made into one executable with the dashboard inside and, with
 * `--typescript`, the compiler that type-checks hook files (src/cmd/compile.ts).
 */
import { basename, extname } from "node:path";
import { parseArgs } from "node:util";
import { CompileError, compile } from "../src/cmd/compile.ts";

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: {
    outfile: { type: "string" },
    "no-dashboard": { type: "boolean", default: false },
    typescript: { type: "boolean", default: false },
  },
  allowPositionals: true,
});
const entry = positionals[0];
if (!entry || positionals.length > 1) {
  process.stderr.write("usage: satchel-compile ENTRY [--outfile=PATH] [--no-dashboard] [--typescript]\n");
  process.exit(2);
}
try {
  const outfile = values.outfile ?? basename(entry, extname(entry));
  const built = await compile({
    entry,
    outfile,
    dashboard: !values["no-dashboard"],
    typeScript: values.typescript,
  });
  process.stdout.write(`✔ built ${built.outfile} (${(built.size / 1048576).toFixed(1)} MiB)\n`);
} catch (err) {
  if (!(err instanceof CompileError)) throw err;
  process.stderr.write(`✖ ${err.message}\n`);
  process.exit(1);
}
