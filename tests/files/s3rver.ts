import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import S3rver from "s3rver";
import type { S3Options } from "../../src/tools/filesystem/s3.ts";

/** A fake S3 server on 127.0.0.1 (a random port), its data in a temporary folder. */
export interface TestS3 {
  /** Settings for a bucket that exists on the server. */
  options(bucket?: string): S3Options;
  /** makeBucket creates another empty bucket. */
  makeBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

export const s3rverCredentials = { accessKey: "S3RVER", secret: "S3RVER" };

/**
 * s3rver answers a PUT before the object's file is written (it ends the write stream without waiting for it),
 * so a read right after the upload may find an empty object, which real S3 never shows. Its store writes the
 * object to the end before it answers here.
 */
function writeObjectsFully(store: S3rver["store"]): void {
  store.putObject = async (object) => {
    const path = store.getResourcePath(object.bucket, object.key, "object");
    await mkdir(dirname(path), { recursive: true });
    const md5 = createHash("md5");
    let size = 0;
    const source = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(source, count, createWriteStream(path));
    const digest = md5.digest("hex");
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
}

/** startS3rver starts s3rver with one bucket, `test`. */
export async function startS3rver(): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), "satchel-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: "test", configs: [] }],
  });
  writeObjectsFully(server.store);
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    options: (bucket = "test") => ({
      bucket,
      region: "us-east-1",
      endpoint,
      forcePathStyle: true,
      ...s3rverCredentials,
    }),
    async makeBucket(name) {
      const res = await fetch(`${endpoint}/${name}`, { method: "PUT" });
      if (!res.ok) throw new Error(`creating bucket ${name}: ${res.status}`);
    },
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
