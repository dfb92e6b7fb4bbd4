import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type PocketBase from "pocketbase";
import type { ClientResponseError, RecordModel } from "pocketbase";
import { startTestServer, type TestServer } from "../helpers/test-app.ts";

// The limits below were checked against PocketBase v0.39's answers.

const total = 1200;
const authorNames = ["Mia", "ada", "Zoe", "bob", "Ann"];
const genericError = { status: 400, message: "Something went wrong while processing your request.", data: {} };

let t: TestServer;
let pb: PocketBase;
let guest: PocketBase;
/** The URLs the guest client requested, to count getFullList's batches. */
const requested: string[] = [];
const authorIds: string[] = [];

beforeAll(async () => {
  t = await startTestServer();
  pb = t.pb;
  const authors = await pb.collections.create({
    name: "authors",
    type: "base",
    listRule: "",
    viewRule: "",
    fields: [{ name: "name", type: "text" }],
  });
  await pb.collections.create({
    name: "books",
    type: "base",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "n", type: "number" },
      { name: "author", type: "relation", collectionId: authors.id, maxSelect: 1 },
    ],
  });
  await pb.collections.create({
    name: "letters",
    type: "base",
    listRule: "",
    fields: [{ name: "c", type: "text" }],
  });
  for (const name of authorNames) authorIds.push((await pb.collection("authors").create({ name })).id);
  const numbers = Array.from({ length: total }, (_, i) => i);
  for (let i = 0; i < total; i += 100) {
    await Promise.all(
      numbers
        .slice(i, i + 100)
        .map((n) => pb.collection("books").create({ title: `book ${n}`, n, author: authorIds[n % authorIds.length] })),
    );
  }
  // inserted one by one in an order unlike their ids
  for (const c of ["d", "b", "e", "a", "c"]) await pb.collection("letters").create({ id: `letter000000${c}00`, c });
  guest = t.client();
  guest.beforeSend = (url, options) => {
    requested.push(url);
    return { url, options };
  };
});

afterAll(async () => {
  await t.stop();
});

async function failure(p: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await p;
  } catch (err) {
    const e = err as ClientResponseError;
    return { status: e.status, body: e.response };
  }
  throw new Error("the request was expected to fail");
}

const books = () => guest.collection("books");
const numbersOf = (items: RecordModel[]) => items.map((r) => r.n as number);

describe("getFirstListItem", () => {
  test("returns the first match", async () => {
    const found = await books().getFirstListItem("n = 42");
    expect(found.title).toBe("book 42");
    expect((await books().getFirstListItem("n > 10", { sort: "-n" })).n).toBe(total - 1);
  });

  test("is a 404 when nothing matches", async () => {
    const err = await failure(books().getFirstListItem("n < 0"));
    expect(err.status).toBe(404);
    expect(err.body).toMatchObject({ message: "The requested resource wasn't found." });
  });

  test("is a 400 for a bad filter", async () => {
    expect(await failure(books().getFirstListItem("nope = 1"))).toEqual({ status: 400, body: genericError });
  });
});

describe("getFullList", () => {
  const batches: [string, Record<string, unknown>, number][] = [
    ["the default batch of 1000", {}, 2],
    ["batches of 500", { batch: 500 }, 3],
    ["a batch above the server's 1000 per page", { batch: 5000 }, 2],
  ];
  for (const [name, options, requests] of batches) {
    test(`fetches all ${total} records in ${requests} requests with ${name}`, async () => {
      requested.length = 0;
      const items = await books().getFullList({ sort: "n", ...options });
      expect(numbersOf(items)).toEqual(Array.from({ length: total }, (_, i) => i));
      expect(requested).toHaveLength(requests);
    });
  }

  test("keeps the filter across batches", async () => {
    const tens = await books().getFullList({ filter: "n >= 450 && title ~ '%0'", batch: 100, sort: "-n" });
    expect(numbersOf(tens)).toEqual(
      Array.from({ length: total }, (_, i) => total - 1 - i).filter((n) => n >= 450 && n % 10 === 0),
    );
  });
});

describe("paging", () => {
  test("perPage is capped at 1000", async () => {
    const page = await books().getList(1, 5000, { sort: "n" });
    expect([page.perPage, page.items.length, page.totalItems, page.totalPages]).toEqual([1000, 1000, total, 2]);
    const second = await books().getList(2, 5000, { sort: "n" });
    expect(numbersOf(second.items)).toEqual(Array.from({ length: total - 1000 }, (_, i) => 1000 + i));
  });

  test("perPage 0 or below is the default 30; skipTotal gives -1 totals", async () => {
    expect((await books().getList(1, 0)).perPage).toBe(30);
    expect((await books().getList(1, -5)).items).toHaveLength(30);
    const skipped = await books().getList(1, 10, { skipTotal: true });
    expect([skipped.totalItems, skipped.totalPages, skipped.items.length]).toEqual([-1, -1, 10]);
  });
});

describe("sort", () => {
  test("by a relation path, then a field", async () => {
    const items = await books().getFullList({ sort: "-author.name,n", expand: "author" });
    const expected = Array.from({ length: total }, (_, n) => ({ n, name: authorNames[n % authorNames.length] ?? "" }))
      // SQLite compares text byte by byte: upper case sorts before lower case
      .sort((a, b) => (a.name === b.name ? a.n - b.n : a.name < b.name ? 1 : -1))
      .map((x) => x.n);
    expect(numbersOf(items)).toEqual(expected);
  });

  test("a sort through a relation neither repeats nor miscounts records", async () => {
    const single = await guest.collection("books").getList(1, 30, { sort: "author.name,n", filter: "n < 10" });
    expect(single.totalItems).toBe(10);
    expect(new Set(single.items.map((r) => r.id)).size).toBe(10);
    // each author has 240 books: the back-relation join repeats every author 240 times
    const back = await guest.collection("authors").getList(1, 30, { sort: "-books_via_author.n" });
    expect(back.totalItems).toBe(authorIds.length);
    expect(back.items.map((r) => r.id).sort()).toEqual([...authorIds].sort());
  });

  test("a filter through a back-relation counts each record once", async () => {
    const list = await guest.collection("authors").getList(1, 30, { filter: "books_via_author.n ?> 1195" });
    // books 1196..1199 belong to the authors 1, 2, 3 and 4
    expect(list.totalItems).toBe(4);
    expect(list.items.map((r) => r.id).sort()).toEqual(authorIds.slice(1).sort());
  });

  test("@random returns the records in a changing order", async () => {
    const first = numbersOf((await books().getList(1, 1000, { sort: "@random", skipTotal: true })).items);
    const second = numbersOf((await books().getList(1, 1000, { sort: "@random", skipTotal: true })).items);
    expect(first).toHaveLength(1000);
    expect(new Set(first).size).toBe(1000);
    expect(first).not.toEqual(second);
    const some = numbersOf((await books().getList(1, 1000, { sort: "@random", filter: "n < 1000" })).items);
    expect(some.sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  test("@rowid is the insertion order, which an update keeps", async () => {
    const letters = async (sort: string) =>
      (await guest.collection("letters").getFullList({ sort })).map((r) => r.c as string).join("");
    expect(await letters("@rowid")).toBe("dbeac");
    expect(await letters("-@rowid")).toBe("caebd");
    expect(await letters("id")).toBe("abcde");
    // on PostgreSQL an update writes the row anew elsewhere (its ctid moves): the order must not follow it
    for (const c of ["d", "e"]) {
      await pb.collection("letters").update(`letter000000${c}00`, { c: c.toUpperCase() });
      await pb.collection("letters").update(`letter000000${c}00`, { c });
    }
    expect(await letters("@rowid")).toBe("dbeac");
    expect(await letters("-@rowid")).toBe("caebd");
  });

  test("an unknown or malformed sort field is a 400", async () => {
    for (const sort of ["nope", "-nope", "author.nope", "title,nope", "@nope", "n,", "'n'", "n DESC"]) {
      expect([sort, await failure(books().getList(1, 1, { sort }))]).toEqual([
        sort,
        { status: 400, body: genericError },
      ]);
    }
  });

  test("up to 8 sort fields", async () => {
    const eight = ["-n", "title", "author.name", "id", "author", "@rowid", "author.id", "title:lower"];
    expect((await books().getList(1, 1, { sort: eight.join(",") })).items[0]?.n).toBe(total - 1);
    expect(await failure(books().getList(1, 1, { sort: [...eight, "n"].join(",") }))).toEqual({
      status: 400,
      body: genericError,
    });
  });
});

describe("filter limits", () => {
  /** filterOf pads `title != "..."` to exactly `bytes` UTF-8 bytes with the given one-character filler. */
  function filterOf(bytes: number, filler: string): string {
    const base = 'title != ""';
    const width = Buffer.byteLength(filler);
    const count = Math.floor((bytes - base.length) / width);
    const rest = bytes - base.length - count * width;
    return `title != "${"a".repeat(rest)}${filler.repeat(count)}"`;
  }

  test("a filter may be up to 3500 bytes long", async () => {
    for (const filler of ["a", "é", "😀"]) {
      const ok = filterOf(3500, filler);
      expect(Buffer.byteLength(ok)).toBe(3500);
      expect((await books().getList(1, 1, { filter: ok })).totalItems).toBe(total);
      const long = filterOf(3501, filler);
      expect(Buffer.byteLength(long)).toBe(3501);
      expect([filler, await failure(books().getList(1, 1, { filter: long }))]).toEqual([
        filler,
        { status: 400, body: genericError },
      ]);
    }
  });

  test("a filter may hold up to 200 comparisons, nested or not", async () => {
    const comparisons = (n: number) => Array.from({ length: n }, (_, i) => `n != ${-1 - i}`);
    expect((await books().getList(1, 1, { filter: comparisons(200).join("&&") })).totalItems).toBe(total);
    expect(await failure(books().getList(1, 1, { filter: comparisons(201).join("&&") }))).toEqual({
      status: 400,
      body: genericError,
    });
    const list = comparisons(201);
    const nested = `(${list.slice(0, 100).join(" && ")}) || ((${list.slice(100).join(" && ")}))`;
    expect(await failure(books().getList(1, 1, { filter: nested }))).toEqual({ status: 400, body: genericError });
  });
});
