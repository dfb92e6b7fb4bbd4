import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiError } from "../../src/tools/router/api-error.ts";
import { receiveMultipartFile } from "../../src/tools/router/multipart-file.ts";

const dir = mkdtempSync(join(tmpdir(), "satchel-multipart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const dest = () => join(dir, `f${++n}`);

/** chunked makes a request whose body arrives in pieces, without a declared length. */
function chunked(body: Uint8Array, contentType: string): Request {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < body.length; i += 1000) controller.enqueue(body.slice(i, i + 1000));
      controller.close();
    },
  });
  return new Request("http://x/upload", { method: "POST", body: stream, headers: { "content-type": contentType } });
}

async function formRequest(form: FormData, streamed: boolean): Promise<Request> {
  const encoded = new Response(form);
  const type = encoded.headers.get("content-type") ?? "";
  const bytes = new Uint8Array(await encoded.arrayBuffer());
  if (streamed) return chunked(bytes, type);
  return new Request("http://x/upload", { method: "POST", body: bytes, headers: { "content-type": type } });
}

describe("receiveMultipartFile", () => {
  for (const streamed of [false, true]) {
    const framing = streamed ? "chunked" : "with a length";
    test(`writes the first file part of the field to disk (${framing})`, async () => {
      const form = new FormData();
      form.append("title", "ignored");
      form.append("other", new File(["not this one"], "other.zip"));
      form.append("file", new File(["x".repeat(5000)], "dir/sub/backup.zip"));
      form.append("file", new File(["second"], "second.zip"));
      const path = dest();
      const got = await receiveMultipartFile(await formRequest(form, streamed), "file", path, 1 << 20);
      expect(got).toEqual({ name: "backup.zip", size: 5000 });
      expect(await Bun.file(path).text()).toBe("x".repeat(5000));
    });

    test(`a body over the limit is a 413 and leaves nothing behind (${framing})`, async () => {
      const form = new FormData();
      form.append("file", new File([new Uint8Array(50_000)], "big.zip"));
      const path = dest();
      const err = await receiveMultipartFile(await formRequest(form, streamed), "file", path, 10_000).catch((e) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(413);
      expect(existsSync(path)).toBe(false);
    });
  }

  test("no file part, a part without a file name, or a body that isn't multipart: null", async () => {
    const form = new FormData();
    form.append("file", "just text");
    expect(await receiveMultipartFile(await formRequest(form, false), "file", dest(), 1000)).toBeNull();
    const json = new Request("http://x", {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(await receiveMultipartFile(json, "file", dest(), 1000)).toBeNull();
  });

  test("a file that can't be written fails with the system's error, without waiting for the rest of the body", async () => {
    const form = new FormData();
    form.append("file", new File([new Uint8Array(200_000)], "big.zip"));
    const req = await formRequest(form, true);
    const err = await receiveMultipartFile(req, "file", join(dir, "missing", "f"), 1 << 20).catch((e) => e);
    expect(err.code).toBe("ENOENT");
  });

  test("a malformed body is a 400", async () => {
    const req = chunked(
      new TextEncoder().encode("--b\r\nContent-Disposition: form-da"),
      "multipart/form-data; boundary=b",
    );
    const err = await receiveMultipartFile(req, "file", dest(), 1000).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.message).toBe("Failed to load the submitted data due to invalid formatting.");
  });
});
