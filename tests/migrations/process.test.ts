import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSatchel } from "../cli/process.ts";

/** `satchel migrate` as a real process from source: the confirmation is read from standard input. */

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "satchel-migrate-process-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test("create asks on stderr and reads the answer from stdin; up applies the file", async () => {
  const run = { cwd: tmp };
  const no = await runSatchel(["migrate", "create", "first"], run);
  expect(no).toMatchObject({ code: 0, stdout: "The command has been cancelled\n" });

  const yes = await runSatchel(["migrate", "create", "first"], { ...run, stdin: "y\n" });
  expect(yes.code).toBe(0);
  const [file = ""] = await readdir(join(tmp, "satchel_migrations"));
  expect(yes.stderr).toBe(`Do you really want to create migration "satchel_migrations/${file}"? (y/N) `);
  expect(yes.stdout).toBe(`Successfully created file "satchel_migrations/${file}"\n`);

  expect(await runSatchel(["migrate", "up"], run)).toEqual({ code: 0, stdout: `Applied ${file}\n`, stderr: "" });
});
