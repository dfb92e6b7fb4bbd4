import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import type { ImageFormat } from "../../src/tools/filesystem/image-format.ts";
import { runSatchel, ServeProcess } from "../cli/process.ts";
import { copyExecutable } from "../helpers/executable.ts";
import { decodeTestImage, encodeTestImage, gradient } from "./images.ts";

/**
 * Thumbnails from the single-file executable, run alone in an empty directory: the image codecs are
 * WebAssembly files that `bun build --compile` must have embedded.
 */

setDefaultTimeout(30_000);

let tmp: string;
let run: { cmd: string[]; cwd: string; env: Record<string, string> };

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "satchel-exe-thumbs-"));
  const { cmd, cwd, env } = await copyExecutable(tmp);
  run = { cmd, cwd, env };
}, 120_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test("the executable makes thumbs of every format", async () => {
  expect((await runSatchel(["superuser", "upsert", "root@example.com", "S3cret-pass-123"], run)).code).toBe(0);
  const server = await ServeProcess.start("satchel_data", run);
  try {
    const pb = new PocketBase(server.url);
    await pb.collection("_superusers").authWithPassword("root@example.com", "S3cret-pass-123");
    await pb.collections.create({
      name: "pics",
      type: "base",
      fields: [{ name: "images", type: "file", maxSelect: 4, thumbs: ["30x0"] }],
    });
    const formats: ImageFormat[] = ["jpeg", "png", "gif", "webp"];
    const files = await Promise.all(
      formats.map(async (f) => new File([await encodeTestImage(gradient(90, 60), f)], `p.${f}`)),
    );
    const rec = await pb.collection("pics").create({ images: files });
    for (const [i, format] of formats.entries()) {
      const res = await fetch(pb.files.getURL(rec, rec.images[i], { thumb: "30x0", token: await pb.files.getToken() }));
      expect(res.status).toBe(200);
      const img = await decodeTestImage(new Uint8Array(await res.arrayBuffer()));
      const expected = format === "jpeg" || format === "gif" ? format : "png";
      expect([img.format, img.width, img.height]).toEqual([expected, 30, 20]);
    }
  } finally {
    server.signal("SIGTERM");
  }
  expect(await server.exit(10_000)).toBe(0);
  expect(server.stderr.text).toBe("");
});
