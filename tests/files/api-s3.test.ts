import { expect } from "bun:test";
import { filesApiSuite } from "./api.suite.ts";
import { startS3rver, type TestS3 } from "./s3rver.ts";

filesApiSuite("S3", () => {
  let s3: TestS3 | null = null;
  return {
    async prepare(t) {
      s3 = await startS3rver();
      await t.pb.settings.update({ s3: { enabled: true, ...s3.options() } });
      expect(t.app.filesystem().constructor.name).toBe("S3Filesystem");
    },
    async stop() {
      await s3?.stop();
    },
  };
});
