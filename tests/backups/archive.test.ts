import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createZip } from "../../src/tools/archive/create.ts";
import { ArchiveError, extractZip } from "../../src/tools/archive/extract.ts";
import { type RawZipEntry, rawZip } from "../helpers/raw-zip.ts";

const root = mkdtempSync(join(tmpdir(), "satchel-archive-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `t${++n}`);
const limits = { maxBytes: 1 << 20, maxEntries: 100 };

/** writeZip writes a hand-made archive and returns its path. */
function writeZip(entries: RawZipEntry[]): string {
  const path = `${fresh()}.zip`;
  writeFileSync(path, rawZip(entries));
  return path;
}

/** files lists the files under dir, relative, sorted. */
function files(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((p) => statSync(join(dir, p)).isFile()).sort();
}

describe("createZip and extractZip", () => {
  test("a directory goes into the archive without the excluded entries, and comes back the same", async () => {
    const src = fresh();
    mkdirSync(join(src, "storage/c1/r1"), { recursive: true });
    mkdirSync(join(src, "backups"), { recursive: true });
    writeFileSync(join(src, "data.db"), "db");
    writeFileSync(join(src, "storage/c1/r1/a.txt"), "a".repeat(100_000));
    writeFileSync(join(src, "backups/old.zip"), "old");
    symlinkSync("/etc/hostname", join(src, "link"));
    const zip = join(root, "out.zip");
    await createZip(src, zip, { exclude: ["backups"] });
    const dest = fresh();
    await extractZip(zip, dest, { ...limits, required: ["data.db"] });
    expect(files(dest)).toEqual(["data.db", "storage/c1/r1/a.txt"]);
    expect(await Bun.file(join(dest, "storage/c1/r1/a.txt")).text()).toBe("a".repeat(100_000));
  });

  const refused: [string, RawZipEntry[], string][] = [
    ["a name climbing out with ..", [{ name: "data.db" }, { name: "../evil.txt", data: "x" }], "invalid relative path"],
    ["a name climbing out in the middle", [{ name: "storage/../../evil.txt", data: "x" }], "invalid relative path"],
    ["an absolute name", [{ name: "/tmp/evil.txt", data: "x" }], "absolute path"],
    ["a name with a backslash", [{ name: "..\\evil.txt", data: "x" }], "invalid characters"],
    ["a symbolic link", [{ name: "data.db", unixMode: 0o120777, data: "/etc/passwd" }], "symbolic link"],
    ["a name given twice", [{ name: "data.db" }, { name: "./data.db" }], "more than once"],
    ["a required file missing", [{ name: "storage/a.txt", data: "x" }], "the archive has no data.db"],
    [
      "more bytes than allowed, as declared",
      [{ name: "data.db", data: "x", deflate: true, declaredSize: 2 << 20 }],
      "more than the 1048576 bytes allowed",
    ],
  ];
  for (const [name, entries, message] of refused) {
    test(`refuses ${name}, writing nothing`, async () => {
      const dest = fresh();
      const err = await extractZip(writeZip(entries), dest, { ...limits, required: ["data.db"] }).catch((e) => e);
      expect(err).toBeInstanceOf(ArchiveError);
      expect(String(err.message)).toContain(message);
      expect(existsSync(dest)).toBe(false);
      expect(existsSync(join(root, "evil.txt"))).toBe(false);
    });
  }

  test("refuses an entry that inflates past its declared size (a zip bomb)", async () => {
    const bomb = writeZip([
      { name: "data.db", data: "db" },
      { name: "bomb.bin", data: new Uint8Array(4 << 20), deflate: true, declaredSize: 100 },
    ]);
    const err = await extractZip(bomb, fresh(), limits).catch((e) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect(String(err.message)).toContain('"bomb.bin" can\'t be extracted: too many bytes in the stream');
  });

  test("refuses more entries than allowed, and what isn't a zip", async () => {
    const many = writeZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: "x" })));
    await expect(extractZip(many, fresh(), { maxBytes: 1000, maxEntries: 4 })).rejects.toThrow(
      "the archive has 5 entries, more than the 4 allowed",
    );
    const notZip = `${fresh()}.zip`;
    writeFileSync(notZip, "PK\u0003\u0004 but no more");
    await expect(extractZip(notZip, fresh(), limits)).rejects.toThrow("not a valid zip archive");
    const truncated = `${fresh()}.zip`;
    writeFileSync(truncated, rawZip([{ name: "data.db", data: "x".repeat(1000) }]).slice(0, 600));
    await expect(extractZip(truncated, fresh(), limits)).rejects.toThrow("not a valid zip archive");
  });
});
