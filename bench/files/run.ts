/**
 * The files bench: upload of a 1 MB file and download of a cached thumbnail, against Satchel and against
 * the ceiling (a bare Bun.serve doing the same I/O), each server in its own process. Prints a Markdown table.
 *
 *   bun bench/files/run.ts [--uploads=400] [--downloads=5000] [--concurrency=8]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import PocketBase from "pocketbase";
import { upsertSuperuser } from "../../src/cmd/superuser.ts";
import { createApp } from "../../src/core/base-app.ts";
import { SqliteDriver } from "../../src/db/sqlite/driver.ts";
import { systemMigrations } from "../../src/migrations/index.ts";
import { encodeImage } from "../../src/tools/filesystem/image-codecs.ts";
import type { ImageFormat } from "../../src/tools/filesystem/image-format.ts";
import { LocalFilesystem } from "../../src/tools/filesystem/local.ts";
import { createThumb } from "../../src/tools/filesystem/thumb.ts";
import { encodeTestImage, gradient } from "../../tests/files/images.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    uploads: { type: "string", default: "400" },
    downloads: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "8" },
  },
});
const uploads = Number(values.uploads);
const downloads = Number(values.downloads);
const concurrency = Number(values.concurrency);
const serverScript = resolve(import.meta.dir, "server.ts");

interface Server {
  url: string;
  stop(): Promise<void>;
}

async function startServer(kind: "satchel" | "ceiling", dir: string): Promise<Server> {
  const proc = Bun.spawn([process.execPath, serverScript, kind, dir], { stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`${kind} server exited early`);
    out += new TextDecoder().decode(value);
  }
  const url = /^ready (\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`${kind} server said ${out}`);
  return {
    url,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

interface Result {
  perSecond: number;
  p50: number;
  p99: number;
}

/** runLoad sends `total` requests, `concurrency` at a time, and checks every answer. */
async function runLoad(total: number, send: (i: number) => Promise<Response>): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        const res = await send(i);
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`request ${i} answered ${res.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { perSecond: total / seconds, p50: at(0.5), p99: at(0.99) };
}

const work = await mkdtemp(join(tmpdir(), "satchel-bench-files-"));
try {
  const payload = new File([crypto.getRandomValues(new Uint8Array(1 << 20)).slice()], "payload.bin");
  const photo = gradientJpeg(1600, 1200);

  // Satchel: a superuser, an open collection with a file field, one photo record with its thumb cached
  const dataDir = join(work, "satchel");
  const setup = createApp({ dataDir, openDatabase: (p) => new SqliteDriver(p), migrations: systemMigrations });
  await setup.bootstrap();
  await upsertSuperuser(setup, "root@example.com", "S3cret-pass-123");
  await setup.terminate();
  const satchel = await startServer("satchel", dataDir);
  const pb = new PocketBase(satchel.url);
  pb.autoCancellation(false);
  await pb.collection("_superusers").authWithPassword("root@example.com", "S3cret-pass-123");
  await pb.collections.create({
    name: "bench",
    type: "base",
    createRule: "",
    viewRule: "",
    fields: [{ name: "file", type: "file", maxSelect: 1, maxSize: 2 << 20 }],
  });
  const photoRecord = await pb.collection("bench").create({ file: new File([await photo], "photo.jpg") });
  const thumbUrl = pb.files.getURL(photoRecord, photoRecord.file, { thumb: "100x100" });
  const thumb = new Uint8Array(await (await fetch(thumbUrl)).arrayBuffer());

  const results = { upload: {} as Record<string, Result>, thumb: {} as Record<string, Result> };
  const uploadTo = (url: string) => () => {
    const form = new FormData();
    form.append("file", payload);
    return fetch(url, { method: "POST", body: form });
  };
  results.upload.satchel = await runLoad(uploads, uploadTo(`${satchel.url}/api/collections/bench/records`));
  results.thumb.satchel = await runLoad(downloads, () => fetch(thumbUrl));
  await satchel.stop();

  const ceilingDir = join(work, "ceiling");
  const ceiling = await startServer("ceiling", ceilingDir);
  await Bun.write(join(ceilingDir, "files", "thumb.jpg"), thumb);
  results.upload.ceiling = await runLoad(uploads, uploadTo(`${ceiling.url}/upload`));
  results.thumb.ceiling = await runLoad(downloads, () => fetch(`${ceiling.url}/files/thumb.jpg`));
  await ceiling.stop();

  const titles: Record<string, string> = {
    upload: `upload a 1 MB file (${uploads} requests)`,
    thumb: `download a cached 100x100 thumb, ${thumb.length} bytes (${downloads} requests)`,
  };
  console.log(`\nconcurrency ${concurrency}, Bun ${Bun.version}\n`);
  console.log("| workload | satchel req/s | p50 / p99 ms | ceiling req/s | p50 / p99 ms | satchel / ceiling |");
  console.log("|---|---|---|---|---|---|");
  for (const [name, r] of Object.entries(results)) {
    const s = r.satchel as Result;
    const c = r.ceiling as Result;
    console.log(
      `| ${titles[name]} | ${s.perSecond.toFixed(0)} | ${s.p50.toFixed(2)} / ${s.p99.toFixed(2)} | ${c.perSecond.toFixed(0)} | ${c.p50.toFixed(2)} / ${c.p99.toFixed(2)} | ${(s.perSecond / c.perSecond).toFixed(2)} |`,
    );
  }

  // making one thumb from a 3000x2000 photo, in this process (the first request for a new thumb pays this)
  const fs = new LocalFilesystem(join(work, "thumbs"));
  const source = gradient(3000, 2000);
  console.log("\n| 100x100 thumb of a 3000x2000 image | median of 5 |");
  console.log("|---|---|");
  for (const format of ["jpeg", "png", "gif", "webp"] as ImageFormat[]) {
    await fs.upload(`src.${format}`, await encodeTestImage(source, format));
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      await createThumb(fs, `src.${format}`, `thumb_${i}.${format}`, "100x100");
      if (i > 0) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`| ${format} | ${(times[2] ?? 0).toFixed(0)} ms |`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

/** gradientJpeg is a photo-sized JPEG to make thumbs from. */
async function gradientJpeg(width: number, height: number): Promise<Uint8Array<ArrayBuffer>> {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = (i % width) & 255;
    data[i * 4 + 1] = Math.floor(i / width) & 255;
    data[i * 4 + 2] = 128;
    data[i * 4 + 3] = 255;
  }
  return (await encodeImage({ width, height, data }, "jpeg")).slice();
}
