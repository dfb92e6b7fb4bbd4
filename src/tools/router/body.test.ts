import { expect, test } from "bun:test";
import { parseRequestBody } from "./body.ts";

test("a multipart body without a declared length is read with its boundary as sent (capitals included)", async () => {
  const form = new FormData();
  form.append("@jsonPayload", JSON.stringify({ title: "hello" }));
  form.append("doc", new File(["bytes"], "a.txt"));
  const request = new Request("http://127.0.0.1/", { method: "POST", body: form });
  expect(request.headers.get("content-length")).toBeNull();
  expect(request.headers.get("content-type")).toMatch(/boundary=.*[A-Z]/);
  const body = await parseRequestBody(request, 1 << 20);
  expect(body.data).toEqual({ title: "hello" });
  expect(body.files.doc?.map((f) => f.name)).toEqual(["a.txt"]);
});
