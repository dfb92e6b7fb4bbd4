import { describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Filesystem, readBody } from "./filesystem.ts";

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
const text = new TextEncoder().encode("hello world 0123456789");

/**
 * filesystemSuite is the behaviour every Filesystem must have; each implementation's test calls it with a
 * factory giving a fresh, empty storage.
 */
export function filesystemSuite(name: string, fresh: () => Promise<Filesystem>): void {
  describe(`${name} filesystem`, () => {
    test("upload then read gives back the same bytes; a missing key is null", async () => {
      const fs = await fresh();
      await fs.upload("c1/r1/a.txt", text);
      expect(await fs.read("c1/r1/a.txt")).toEqual(text);
      expect(await fs.read("c1/r1/missing.txt")).toBeNull();
      expect(await fs.exists("c1/r1/a.txt")).toBe(true);
      expect(await fs.exists("c1/r1/missing.txt")).toBe(false);
      expect(await fs.exists("c1/r1")).toBe(false);
    });

    test("an upload replaces the object under the same key", async () => {
      const fs = await fresh();
      await fs.upload("c1/r1/a.txt", text);
      await fs.upload("c1/r1/a.txt", png);
      expect(await fs.read("c1/r1/a.txt")).toEqual(png);
    });

    test("open reports size, type (given or detected), a validator, and reads ranges", async () => {
      const fs = await fresh();
      await fs.upload("c1/r1/a.txt", text);
      await fs.upload("c1/r1/b.png", png);
      await fs.upload("c1/r1/c.bin", text, { contentType: "application/x-custom" });
      const a = await fs.open("c1/r1/a.txt");
      expect(a?.size).toBe(text.length);
      expect(a?.contentType).toBe("text/plain; charset=utf-8");
      expect(a?.etag).not.toBe("");
      expect(Math.abs((a?.modified.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
      expect(a && new TextDecoder().decode(await readBody(a))).toBe("hello world 0123456789");
      expect(a && new TextDecoder().decode(await readBody(a, 2, 6))).toBe("llo ");
      expect((await fs.open("c1/r1/b.png"))?.contentType).toBe("image/png");
      expect((await fs.open("c1/r1/c.bin"))?.contentType).toBe("application/x-custom");
      expect(await fs.open("c1/r1/missing")).toBeNull();
    });

    test("an empty object reads back empty", async () => {
      const fs = await fresh();
      await fs.upload("c1/r1/empty.txt", new Uint8Array());
      expect(await fs.read("c1/r1/empty.txt")).toEqual(new Uint8Array());
      const empty = await fs.open("c1/r1/empty.txt");
      expect(empty?.size).toBe(0);
      expect(empty && (await readBody(empty))).toEqual(new Uint8Array());
    });

    test("the validator changes when the bytes change", async () => {
      const fs = await fresh();
      await fs.upload("k/a", text);
      const before = (await fs.open("k/a"))?.etag;
      await Bun.sleep(5);
      await fs.upload("k/a", png);
      expect((await fs.open("k/a"))?.etag).not.toBe(before);
    });

    test("list returns the keys under a prefix, sorted, and nothing else", async () => {
      const fs = await fresh();
      for (const k of ["c1/r2/x.txt", "c1/r1/b.txt", "c1/r1/thumbs_b.txt/10x10_b.txt", "c1/r10/z.txt", "c2/r1/a.txt"])
        await fs.upload(k, text);
      expect(await fs.list("c1/r1/")).toEqual(["c1/r1/b.txt", "c1/r1/thumbs_b.txt/10x10_b.txt"]);
      expect(await fs.list("c1/r1")).toEqual(["c1/r1/b.txt", "c1/r1/thumbs_b.txt/10x10_b.txt", "c1/r10/z.txt"]);
      expect(await fs.list("c3/")).toEqual([]);
    });

    test("delete removes one object, and deleting a missing one is no error", async () => {
      const fs = await fresh();
      await fs.upload("c1/r1/a.txt", text);
      await fs.upload("c1/r1/b.txt", text);
      await fs.delete("c1/r1/a.txt");
      await fs.delete("c1/r1/never.txt");
      expect(await fs.list("c1/")).toEqual(["c1/r1/b.txt"]);
    });

    test("deletePrefix removes a whole folder and leaves its neighbours", async () => {
      const fs = await fresh();
      for (const k of ["c1/r1/a.txt", "c1/r1/thumbs_a.txt/1x1_a.txt", "c1/r10/a.txt"]) await fs.upload(k, text);
      await fs.deletePrefix("c1/r1/");
      await fs.deletePrefix("c1/missing/");
      expect(await fs.list("c1/")).toEqual(["c1/r10/a.txt"]);
      await expect(fs.deletePrefix("")).rejects.toThrow();
    });

    test("uploadFile streams a file from disk, in parts when large, and leaves the file in place", async () => {
      const fs = await fresh();
      const dir = await mkdtemp(join(tmpdir(), "satchel-upload-file-"));
      try {
        // larger than one part of a multipart upload (5 MiB)
        const big = new Uint8Array(12 * 1024 * 1024);
        for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) % 251;
        await Bun.write(join(dir, "big.bin"), big);
        await Bun.write(join(dir, "a.png"), png);
        await fs.uploadFile("b/big.bin", join(dir, "big.bin"), { contentType: "application/zip" });
        await fs.uploadFile("b/a.png", join(dir, "a.png"));
        const obj = await fs.open("b/big.bin");
        expect(obj?.size).toBe(big.length);
        expect(obj?.contentType).toBe("application/zip");
        expect(obj && Buffer.from(await readBody(obj)).equals(big)).toBe(true);
        expect((await fs.open("b/a.png"))?.contentType).toBe("image/png");
        expect(await Bun.file(join(dir, "a.png")).exists()).toBe(true);
        await expect(fs.uploadFile("b/missing", join(dir, "missing"))).rejects.toThrow();
        expect(await fs.exists("b/missing")).toBe(false);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    test("concurrent uploads to one key leave one whole object", async () => {
      const fs = await fresh();
      const big = new Uint8Array(256 * 1024).fill(7);
      await Promise.all([fs.upload("k/x", big), fs.upload("k/x", text), fs.upload("k/x", big)]);
      const got = await fs.read("k/x");
      expect([big.length, text.length]).toContain(got?.length ?? -1);
    });
  });
}
