import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type PocketBase from "pocketbase";
import type { RecordModel as SdkRecord } from "pocketbase";
import { RecordModel } from "../../src/core/record-model.ts";
import { UploadedFile } from "../../src/tools/filesystem/file.ts";
import type { ImageFormat } from "../../src/tools/filesystem/image-format.ts";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";
import { decodeTestImage, encodeTestImage, gradient, meanChannel } from "./images.ts";

/** The thumb sizes the `docs.files` field lists, one per size mode. */
const fieldThumbs = ["50x50", "60x0", "0x40", "40x20t", "40x20b", "40x20f", "400x400f"];
const openRules = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };

export interface StorageUnderTest {
  /** Called once the server is up, e.g. to point the settings at an S3 bucket. */
  prepare(t: TestServer): Promise<void>;
  stop(): Promise<void>;
}

/**
 * filesApiSuite is the files behaviour through the SDK and plain HTTP, run once per storage (local, S3):
 * uploads, downloads, headers, ranges, thumbnails, protected files and bad input.
 */
export function filesApiSuite(name: string, storage: () => StorageUnderTest): void {
  describe(`files API on ${name} storage`, () => {
    let t: TestServer;
    let s: StorageUnderTest;
    let docsId = "";
    let alice: PocketBase;
    let bob: PocketBase;
    let aliceId = "";

    beforeAll(async () => {
      t = await startTestServer();
      s = storage();
      await s.prepare(t);
      const docs = await t.pb.collections.create({
        name: "docs",
        type: "base",
        ...openRules,
        fields: [
          { name: "title", type: "text" },
          { name: "files", type: "file", maxSelect: 5, maxSize: 2 << 20, thumbs: fieldThumbs },
          { name: "photo", type: "file", maxSelect: 1, maxSize: 1000, mimeTypes: ["image/png", "image/jpeg"] },
        ],
      });
      docsId = docs.id;
      await t.pb.collections.create({
        name: "vault",
        type: "base",
        ...openRules,
        viewRule: "owner = @request.auth.id",
        fields: [
          { name: "owner", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
          { name: "doc", type: "file", maxSelect: 1, protected: true },
          { name: "open", type: "file", maxSelect: 1 },
        ],
      });
      await t.pb.collections.create({
        name: "doc_titles",
        type: "view",
        viewRule: "",
        listRule: "",
        viewQuery: "SELECT id, title, files AS attachments FROM docs",
      });
      for (const email of ["alice@example.com", "bob@example.com"]) {
        await t.pb.collection("users").create({ email, password: "passw0rd-123", passwordConfirm: "passw0rd-123" });
      }
      alice = t.client();
      aliceId = (await alice.collection("users").authWithPassword("alice@example.com", "passw0rd-123")).record.id;
      bob = t.client();
      await bob.collection("users").authWithPassword("bob@example.com", "passw0rd-123");
    });

    afterAll(async () => {
      await t?.stop();
      await s?.stop();
    });

    const docs = () => t.client().collection("docs");
    const stored = (prefix: string) => t.app.filesystem().list(prefix);
    const fetchFile = (record: SdkRecord, file: string, query: Record<string, string> = {}, init?: RequestInit) =>
      fetch(t.pb.files.getURL(record, file, query), init);
    const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 255);

    test("one and many uploads are stored under <collectionId>/<recordId>/ and read back byte for byte", async () => {
      const one = bytes(300_000, 1);
      const two = bytes(1234, 2);
      const rec = await docs().create({
        files: [new File([one], "one.bin"), new File([two], "two.bin")],
        photo: new File([await encodeTestImage(gradient(8, 8), "png")], "p.png"),
      });
      expect(rec.files).toHaveLength(2);
      expect(await stored(`${docsId}/${rec.id}/`)).toEqual(
        [...rec.files, rec.photo].map((n: string) => `${docsId}/${rec.id}/${n}`).sort(),
      );
      const got1 = new Uint8Array(await (await fetchFile(rec, rec.files[0])).arrayBuffer());
      const got2 = new Uint8Array(await (await fetchFile(rec, rec.files[1])).arrayBuffer());
      expect(got1).toEqual(one);
      expect(got2).toEqual(two);
    });

    test("appending and removing files changes storage to match the record", async () => {
      const rec = await docs().create({ files: [new File(["a"], "a.txt")] });
      const added = await docs().update(rec.id, { "files+": [new File(["b"], "b.txt"), new File(["c"], "c.txt")] });
      expect(added.files).toHaveLength(3);
      const removed = await docs().update(rec.id, { "files-": [added.files[0], added.files[2]] });
      expect(removed.files).toEqual([added.files[1]]);
      expect(await stored(`${docsId}/${rec.id}/`)).toEqual([`${docsId}/${rec.id}/${added.files[1]}`]);
      expect(await (await fetchFile(removed, removed.files[0])).text()).toBe("b");
      expect((await fetchFile(removed, added.files[0])).status).toBe(404);
      await docs().delete(rec.id);
      expect(await stored(`${docsId}/${rec.id}/`)).toEqual([]);
    });

    test("files are served with PocketBase's headers; images inline, the rest as attachments", async () => {
      const rec = await docs().create({
        files: [
          new File([await encodeTestImage(gradient(4, 4), "png")], "img.png"),
          new File(["<html><script>alert(1)</script></html>"], "page.html"),
          new File(['<svg xmlns="http://www.w3.org/2000/svg"></svg>'], "pic.svg"),
          new File(["body{}"], "style.css"),
        ],
      });
      const [png, html, svg, css] = rec.files as [string, string, string, string];
      const res = await fetchFile(rec, png);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
      expect(res.headers.get("content-disposition")).toBe(`inline; filename=${png}`);
      expect(res.headers.get("content-security-policy")).toBe(
        "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
      );
      expect(res.headers.get("cache-control")).toBe("max-age=2592000, stale-while-revalidate=86400");
      expect(res.headers.get("accept-ranges")).toBe("bytes");
      expect(res.headers.get("last-modified")).toBeTruthy();
      expect(res.headers.get("x-frame-options")).toBeNull();
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const forced = await fetchFile(rec, png, { download: "1" });
      expect(forced.headers.get("content-disposition")).toBe(`attachment; filename=${png}`);
      expect((await fetchFile(rec, png, { download: "nope" })).headers.get("content-disposition")).toStartWith(
        "inline",
      );
      const page = await fetchFile(rec, html);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(page.headers.get("content-disposition")).toBe(`attachment; filename=${html}`);
      expect((await fetchFile(rec, svg)).headers.get("content-type")).toBe("image/svg+xml");
      expect((await fetchFile(rec, svg)).headers.get("content-disposition")).toStartWith("attachment");
      expect((await fetchFile(rec, css)).headers.get("content-type")).toBe("text/css");
      const head = await fetchFile(rec, png, {}, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.headers.get("content-length")).toBe(res.headers.get("content-length"));
      expect(await head.text()).toBe("");
      // other routes keep the frame protection
      expect((await fetch(`${t.url}/api/health`)).headers.get("x-frame-options")).toBe("SAMEORIGIN");
    });

    test("range and conditional requests", async () => {
      const rec = await docs().create({ files: [new File(["hello world 0123456789"], "t.txt")] });
      const f = rec.files[0];
      const range = await fetchFile(rec, f, {}, { headers: { Range: "bytes=2-5" } });
      expect(range.status).toBe(206);
      expect(range.headers.get("content-range")).toBe("bytes 2-5/22");
      expect(await range.text()).toBe("llo ");
      const suffix = await fetchFile(rec, f, {}, { headers: { Range: "bytes=-4" } });
      expect(await suffix.text()).toBe("6789");
      const open = await fetchFile(rec, f, {}, { headers: { Range: "bytes=18-" } });
      expect(await open.text()).toBe("6789");
      const multi = await fetchFile(rec, f, {}, { headers: { Range: "bytes=0-1,4-5" } });
      expect(multi.status).toBe(206);
      const type = multi.headers.get("content-type") ?? "";
      expect(type).toStartWith("multipart/byteranges; boundary=");
      const body = await multi.text();
      expect(body).toContain("Content-Range: bytes 0-1/22\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhe\r\n");
      expect(body).toContain("Content-Range: bytes 4-5/22\r\nContent-Type: text/plain; charset=utf-8\r\n\r\no \r\n");
      const outside = await fetchFile(rec, f, {}, { headers: { Range: "bytes=100-200" } });
      expect(outside.status).toBe(416);
      expect(outside.headers.get("content-range")).toBe("bytes */22");
      expect(await outside.text()).toBe("invalid range: failed to overlap\n");
      expect(outside.headers.get("content-disposition")).toBe(`attachment; filename=${f}`);
      expect(outside.headers.get("cache-control")).toBeNull();
      expect((await fetchFile(rec, f, {}, { headers: { Range: "items=1-2" } })).status).toBe(416);

      const full = await fetchFile(rec, f);
      const etag = full.headers.get("etag") ?? "";
      const lastModified = full.headers.get("last-modified") ?? "";
      expect(etag).not.toBe("");
      const byTag = await fetchFile(rec, f, {}, { headers: { "If-None-Match": etag } });
      expect(byTag.status).toBe(304);
      expect(await byTag.text()).toBe("");
      const byDate = await fetchFile(rec, f, {}, { headers: { "If-Modified-Since": lastModified } });
      expect(byDate.status).toBe(304);
      expect((await fetchFile(rec, f, {}, { headers: { "If-None-Match": '"other"' } })).status).toBe(200);
      const stale = await fetchFile(rec, f, {}, { headers: { "If-Match": '"other"' } });
      expect(stale.status).toBe(412);
      const ifRange = await fetchFile(rec, f, {}, { headers: { Range: "bytes=0-1", "If-Range": '"other"' } });
      expect(ifRange.status).toBe(200);
    });

    test("unknown collection, record or file name is a 404 in PocketBase's error shape", async () => {
      const rec = await docs().create({ title: "x", files: [new File(["a"], "a.txt")] });
      const base = `${t.url}/api/files`;
      const cases: [string, string][] = [
        [`${base}/nope/${rec.id}/${rec.files[0]}`, "Missing or invalid collection context."],
        [`${base}/docs/missingrecord00/${rec.files[0]}`, "The requested resource wasn't found."],
        [`${base}/docs/${rec.id}/other.txt`, "The requested resource wasn't found."],
        [`${base}/docs/${rec.id}/${rec.title}`, "The requested resource wasn't found."],
        [`${base}/docs/${rec.id}/..%2F..%2Fdata.db`, "The requested resource wasn't found."],
      ];
      for (const [url, message] of cases) {
        const res = await fetch(url);
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual({ data: {}, message, status: 404 });
      }
    });

    test("a view collection serves the files of its source records", async () => {
      const rec = await docs().create({ title: "v", files: [new File(["from a view"], "v.txt")] });
      const row = await t.client().collection("doc_titles").getOne(rec.id);
      expect(row.attachments).toEqual(rec.files);
      const res = await fetchFile(row, row.attachments[0]);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("from a view");
    });

    const formats: ImageFormat[] = ["jpeg", "png", "gif", "webp"];
    const expectedSizes: Record<string, [number, number]> = {
      "100x100": [100, 100],
      "50x50": [50, 50],
      "60x0": [60, 40],
      "0x40": [60, 40],
      "40x20t": [40, 20],
      "40x20b": [40, 20],
      "40x20f": [30, 20],
      "400x400f": [300, 200],
    };

    for (const format of formats) {
      test(`${format} thumbs in every size mode have the right pixel size and are cached in storage`, async () => {
        const source = await encodeTestImage(gradient(300, 200), format);
        const rec = await docs().create({ files: [new File([source], `pic.${format === "jpeg" ? "jpg" : format}`)] });
        const file = rec.files[0] as string;
        const thumbFormat = format === "jpeg" || format === "gif" ? format : "png";
        const means: Record<string, number> = {};
        for (const [size, [w, h]] of Object.entries(expectedSizes)) {
          const res = await fetchFile(rec, file, { thumb: size });
          expect(res.status).toBe(200);
          expect(res.headers.get("content-type")).toBe(`image/${thumbFormat}`);
          expect(res.headers.get("content-disposition")).toBe(`inline; filename=${size}_${file}`);
          const img = await decodeTestImage(new Uint8Array(await res.arrayBuffer()));
          expect([img.format, img.width, img.height]).toEqual([thumbFormat, w, h]);
          means[size] = meanChannel(img, 1);
        }
        // top crops keep the top (less green) rows, bottom crops the bottom ones
        expect(means["40x20t"] ?? 0).toBeLessThan(means["50x50"] ?? 0);
        expect(means["40x20b"] ?? 0).toBeGreaterThan(means["50x50"] ?? 0);
        const thumbs = await stored(`${docsId}/${rec.id}/thumbs_${file}/`);
        expect(thumbs).toEqual(
          Object.keys(expectedSizes)
            .map((size) => `${docsId}/${rec.id}/thumbs_${file}/${size}_${file}`)
            .sort(),
        );
        // a cached thumb is served as stored
        const again = await fetchFile(rec, file, { thumb: "50x50" });
        const cached = await t.app.filesystem().read(`${docsId}/${rec.id}/thumbs_${file}/50x50_${file}`);
        expect(Buffer.from(await again.arrayBuffer()).equals(Buffer.from(cached ?? []))).toBe(true);
        // replacing the file removes its thumbs too
        await docs().update(rec.id, { files: [new File(["x"], "x.txt")] });
        expect(await stored(`${docsId}/${rec.id}/thumbs_${file}/`)).toEqual([]);
      });
    }

    test("a thumb size the field doesn't list, a non-image and a corrupt image are served as the original", async () => {
      const png = await encodeTestImage(gradient(120, 80), "png");
      const corrupt = png.slice(0, 60);
      // a PNG header claiming 60000x60000 pixels: not decoded at all
      const huge = png.slice(0, 33);
      new DataView(huge.buffer).setUint32(16, 60000);
      new DataView(huge.buffer).setUint32(20, 60000);
      const rec = await docs().create({
        files: [
          new File([png], "ok.png"),
          new File(["plain"], "a.txt"),
          new File([corrupt], "bad.png"),
          new File([huge], "huge.png"),
        ],
      });
      const [ok, txt, bad, big] = rec.files as [string, string, string, string];
      for (const [file, thumb, body] of [
        [ok, "77x77", png],
        [ok, "50x50x", png],
        [txt, "100x100", new TextEncoder().encode("plain")],
        [bad, "100x100", corrupt],
        [big, "100x100", huge],
      ] as const) {
        const res = await fetchFile(rec, file, { thumb });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-disposition")).toContain(`filename=${file}`);
        expect(new Uint8Array(await res.arrayBuffer())).toEqual(body);
      }
      expect(await stored(`${docsId}/${rec.id}/thumbs_`)).toEqual([]);
    });

    test("concurrent requests for the same new thumb generate it once", async () => {
      const rec = await docs().create({
        files: [new File([await encodeTestImage(gradient(400, 300), "jpeg")], "c.jpg")],
      });
      const fs = t.app.filesystem();
      const upload = fs.upload.bind(fs);
      let thumbWrites = 0;
      fs.upload = async (key, data, options) => {
        if (key.includes("/thumbs_")) thumbWrites++;
        return upload(key, data, options);
      };
      try {
        const results = await Promise.all(
          Array.from({ length: 8 }, () =>
            fetchFile(rec, rec.files[0], { thumb: "50x50" }).then((r) => r.arrayBuffer()),
          ),
        );
        expect(thumbWrites).toBe(1);
        for (const r of results) expect(new Uint8Array(r)).toEqual(new Uint8Array(results[0] ?? new ArrayBuffer(0)));
      } finally {
        fs.upload = upload;
      }
    });

    test("protected files need a file token of a record that passes the view rule", async () => {
      const guest = t.client();
      await expect(guest.files.getToken()).rejects.toMatchObject({ status: 401 });
      const tokenCalls = t.calls.get("onFileTokenRequest") ?? 0;
      const aliceToken = await alice.files.getToken();
      expect(t.calls.get("onFileTokenRequest")).toBe(tokenCalls + 1);
      const bobToken = await bob.files.getToken();
      const rec = await t.pb.collection("vault").create({
        owner: aliceId,
        doc: new File(["top secret"], "secret.txt"),
        open: new File(["public"], "public.txt"),
      });
      const url = (query: Record<string, string> = {}) => t.pb.files.getURL(rec, rec.doc, query);
      expect((await fetch(url())).status).toBe(404);
      expect((await fetch(url({ token: "garbage" }))).status).toBe(404);
      expect((await fetch(url({ token: bobToken }))).status).toBe(404);
      // an auth token is not a file token
      expect((await fetch(url({ token: alice.authStore.token }))).status).toBe(404);
      const served = await fetch(url({ token: aliceToken }));
      expect(served.status).toBe(200);
      expect(await served.text()).toBe("top secret");
      // superusers pass every rule
      expect((await fetch(url({ token: await t.pb.files.getToken() }))).status).toBe(200);
      // the file field that isn't protected is served to anyone who knows its name
      expect(await (await fetch(t.pb.files.getURL(rec, rec.open))).text()).toBe("public");
    });

    test("@request.context is protectedFile when a protected file's rule is checked", async () => {
      await t.pb.collections.create({
        name: "by_context",
        type: "base",
        viewRule: '@request.context = "protectedFile"',
        fields: [{ name: "doc", type: "file", maxSelect: 1, protected: true }],
      });
      const rec = await t.pb.collection("by_context").create({ doc: new File(["ctx"], "c.txt") });
      const res = await fetch(t.pb.files.getURL(rec, rec.doc, { token: await alice.files.getToken() }));
      expect(res.status).toBe(200);
      await expect(alice.collection("by_context").getOne(rec.id)).rejects.toMatchObject({ status: 404 });
    });

    test("onFileDownloadRequest can serve something else, and reports thumb fallbacks", async () => {
      const rec = await docs().create({ files: [new File(["original"], "o.txt")] });
      let thumbError = "";
      t.app.onFileDownloadRequest("docs").bind({
        id: "test_download",
        func: async (e) => {
          thumbError = e.thumbError?.message ?? "";
          if (e.url.searchParams.get("swap") === "1") {
            e.response = new Response("swapped", { status: 200 });
            return;
          }
          if (e.url.searchParams.get("swap") === "json") {
            e.json(200, { swapped: true });
            return;
          }
          await e.next();
        },
      });
      try {
        expect(await (await fetchFile(rec, rec.files[0], { swap: "1" })).text()).toBe("swapped");
        // a JSON answer made by a hook is still the file route's: framing allowed, the other headers kept
        const json = await fetchFile(rec, rec.files[0], { swap: "json" });
        expect(await json.json()).toEqual({ swapped: true });
        expect(json.headers.get("x-frame-options")).toBeNull();
        expect(json.headers.get("x-content-type-options")).toBe("nosniff");
        expect(json.headers.get("vary")).toBe("Origin");
        expect(await (await fetchFile(rec, rec.files[0], { thumb: "100x100" })).text()).toBe("original");
        expect(thumbError).toBe(`the thumb size "100x100" or the original file format are not supported`);
      } finally {
        t.app.onFileDownloadRequest("docs").unbind("test_download");
      }
    });

    test("bad uploads are refused with a 400 and leave no file behind", async () => {
      const before = await stored(`${docsId}/`);
      const cases: [Record<string, unknown>, string, string][] = [
        [{ photo: new File([bytes(1001)], "big.png") }, "photo", "validation_file_size_limit"],
        [
          { photo: new File(["just text"], "fake.png", { type: "image/png" }) },
          "photo",
          "validation_invalid_mime_type",
        ],
        [
          { files: Array.from({ length: 6 }, (_, i) => new File([`f${i}`], `f${i}.txt`)) },
          "files",
          "validation_too_many_files",
        ],
        [{ title: "x", files: ["never-uploaded.txt"] }, "files", "validation_invalid_file"],
      ];
      for (const [body, field, code] of cases) {
        const err = await docs()
          .create(body)
          .then(
            () => null,
            (e: { status: number; response: { data: Record<string, { code: string }> } }) => e,
          );
        expect(err?.status).toBe(400);
        expect(err?.response.data[field]?.code).toBe(code);
      }
      expect(await stored(`${docsId}/`)).toEqual(before);
    });

    test("path-traversal and empty uploads are stored safely inside the record folder", async () => {
      const form = new FormData();
      form.append("files", new File(["evil"], "x.txt"), "../../x");
      form.append("files", new File(["evil2"], "y.txt"), "..\\..\\evil.txt");
      form.append("files", new File([], "empty.txt"));
      const res = await fetch(`${t.url}/api/collections/docs/records`, { method: "POST", body: form });
      expect(res.status).toBe(200);
      const rec = (await res.json()) as SdkRecord;
      expect(rec.files).toEqual([
        expect.stringMatching(/^x[a-z0-9]{10}_[a-z0-9]{10}\.[a-z0-9]+$/),
        expect.stringMatching(/^[a-z0-9_]+\.evil\.txt$/),
        expect.stringMatching(/^empty_[a-z0-9]{10}\.txt$/),
      ]);
      expect(await stored(`${docsId}/${rec.id}/`)).toHaveLength(3);
      expect(await (await fetchFile(rec, rec.files[0])).text()).toBe("evil");
      expect(await (await fetchFile(rec, rec.files[2])).text()).toBe("");
      expect(await stored("x")).toEqual([]);
    });

    test("a body over the collection's limit is a 413 and stores nothing", async () => {
      const before = await stored(`${docsId}/`);
      // 32 MiB + files (5 × 2 MiB) + photo (1000 bytes) is the limit
      const big = new Uint8Array((32 << 20) + 5 * (2 << 20) + 2000);
      const form = new FormData();
      form.append("files", new File([big], "huge.bin"));
      const res = await fetch(`${t.url}/api/collections/docs/records`, { method: "POST", body: form });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ data: {}, message: "Request entity too large.", status: 413 });
      expect(await stored(`${docsId}/`)).toEqual(before);
    });

    /** consistentStorage checks that every file a docs record names is stored, and every stored file is named. */
    async function expectConsistentStorage() {
      const records = await t.pb.collection("docs").getFullList({ batch: 1000 });
      const named = records.flatMap((r) =>
        [...r.files, ...(r.photo ? [r.photo] : [])].map((f: string) => `${docsId}/${r.id}/${f}`),
      );
      const files = (await stored(`${docsId}/`)).filter((k) => !k.includes("/thumbs_"));
      expect(files).toEqual(named.sort());
    }

    test("a save that fails after the write, or a transaction that rolls back, leaves storage and rows in step", async () => {
      await expectConsistentStorage();
      t.app.onRecordCreateExecute("docs").bind({
        id: "test_fail_after_write",
        func: async (e) => {
          await e.next();
          if (e.record.getString("title") === "fail") throw new Error("boom");
        },
      });
      try {
        const err = await docs()
          .create({ title: "fail", files: [new File(["kept with its row"], "d.txt")] })
          .catch((e: { status: number }) => e);
        expect((err as { status: number }).status).toBe(400);
      } finally {
        t.app.onRecordCreateExecute("docs").unbind("test_fail_after_write");
      }
      await expectConsistentStorage();

      const before = await stored(`${docsId}/`);
      const collection = t.app.findCachedCollectionByNameOrId("docs");
      if (!collection) throw new Error("no docs collection");
      await expect(
        t.app.runInTransaction(async (tx) => {
          const record = new RecordModel(collection);
          record.set("title", "rolled back");
          record.set("files", [new UploadedFile("r.txt", new TextEncoder().encode("gone"))]);
          await tx.save(record);
          expect(await stored(`${docsId}/${record.id}/`)).toHaveLength(1);
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect(await stored(`${docsId}/`)).toEqual(before);
      expect((await t.pb.collection("docs").getList(1, 1, { filter: 'title = "rolled back"' })).totalItems).toBe(0);
    });
  });
}
