/**
 * The data every benchmark runs on: one base collection with a few typical fields, an index on the sort
 * field, anyone allowed to list, view and create, and 10,000 records made from a fixed seed.
 */

export const collectionName = "posts";
export const recordCount = 10_000;
export const statusValues = ["draft", "published", "archived"] as const;

/** The collection as the collections API takes it (what `pb.collections.create(...)` would send). */
export const collectionJson = {
  name: collectionName,
  type: "base",
  listRule: "",
  viewRule: "",
  createRule: "",
  fields: [
    { name: "title", type: "text", max: 200 },
    { name: "num", type: "number" },
    { name: "active", type: "bool" },
    { name: "published", type: "date" },
    { name: "status", type: "select", values: [...statusValues], maxSelect: 1 },
    { name: "created", type: "autodate", onCreate: true, onUpdate: false },
    { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
  ],
  indexes: [`CREATE INDEX idx_${collectionName}_num ON ${collectionName} (num)`],
};

/** A record's body as a client sends it. */
export interface PostInput {
  title: string;
  num: number;
  active: boolean;
  published: string;
  status: (typeof statusValues)[number];
}

/** mulberry32 is a tiny seeded PRNG, so every run seeds the same values. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = ["satchel", "sqlite", "records", "realtime", "bun", "index", "ceiling", "request", "schema", "query"];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** seedInputs makes the records of the collection; `num` is a permutation of 0..count-1 (no ties). */
export function seedInputs(count = recordCount, seed = 42): PostInput[] {
  const rand = mulberry32(seed);
  const nums = Array.from({ length: count }, (_, i) => i);
  for (let i = nums.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [nums[i], nums[j]] = [nums[j] as number, nums[i] as number];
  }
  return nums.map((num, i) => postInput(i, num, rand));
}

function postInput(i: number, num: number, rand: () => number): PostInput {
  const word = words[Math.floor(rand() * words.length)] ?? "post";
  const day = 1 + Math.floor(rand() * 28);
  const month = 1 + Math.floor(rand() * 12);
  return {
    title: `Post ${i} about ${word}`,
    num,
    active: rand() < 0.5,
    published: `2024-${pad(month)}-${pad(day)} ${pad(i % 24)}:${pad(i % 60)}:${pad((i * 7) % 60)}.000Z`,
    status: statusValues[i % statusValues.length] ?? "draft",
  };
}

/** createBodies are the JSON bodies the create workload sends in turn. */
export function createBodies(count = 100): string[] {
  const rand = mulberry32(7);
  return Array.from({ length: count }, (_, i) => JSON.stringify(postInput(recordCount + i, 100_000 + i, rand)));
}
