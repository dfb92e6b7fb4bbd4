import { afterAll, beforeAll } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { filesystemSuite } from "../../src/tools/filesystem/filesystem.suite.ts";
import { LocalFilesystem } from "../../src/tools/filesystem/local.ts";
import { S3Filesystem } from "../../src/tools/filesystem/s3.ts";
import { startS3rver, type TestS3 } from "./s3rver.ts";

let root = "";
let s3: TestS3;
let buckets = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "satchel-fs-"));
  s3 = await startS3rver();
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await s3.stop();
});

filesystemSuite("local", async () => new LocalFilesystem(join(root, `t${++buckets}`)));

filesystemSuite("S3", async () => {
  const bucket = `bucket${++buckets}`;
  await s3.makeBucket(bucket);
  return new S3Filesystem(s3.options(bucket));
});
