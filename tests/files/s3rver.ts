import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
