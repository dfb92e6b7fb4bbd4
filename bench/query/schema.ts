/**
 * The query bench's data: 1,000 `authors` and 100,000 `posts`, each post with one author (a relation). The
 * posts exist twice, with the same rows: `posts` anyone may list, `posts_ruled` only where the author is
 * verified, so the same request measures a list with and without a list rule.
 */
import { mulberry32 } from "../schema.ts";

export const authorCount = 1_000;
export const postCount = 100_000;
export const statusValues = ["draft", "published", "archived"] as const;

export const openCollection = "posts";
export const ruledCollection = "posts_ruled";
/** The list rule of `posts_ruled`: a condition on the related record, as rules often are. */
export const listRule = "author.verified = true";

export const authorsJson = {
  name: "authors",
  type: "base",
  listRule: "",
  viewRule: "",
  fields: [
    { name: "name", type: "text", max: 100 },
    { name: "verified", type: "bool" },
  ],
  indexes: ["CREATE INDEX idx_authors_name ON authors (name)"],
};

/** postsJson is one posts collection (its relation points at `authors`, whose id is only known once saved). */
export function postsJson(name: string, rule: string, authorsId: string) {
  return {
    name,
    type: "base",
    listRule: rule,
    viewRule: rule,
    fields: [
      { name: "title", type: "text", max: 200 },
      { name: "num", type: "number" },
      { name: "active", type: "bool" },
      { name: "status", type: "select", values: [...statusValues], maxSelect: 1 },
      { name: "author", type: "relation", collectionId: authorsId, maxSelect: 1 },
      { name: "created", type: "autodate", onCreate: true, onUpdate: false },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
    // no index on num: see README.md for what one does to the plans
    indexes: [`CREATE INDEX idx_${name}_author ON ${name} (author)`],
  };
}

const syllables = ["ka", "lo", "mi", "ra", "te", "su", "no", "vi", "de", "po", "an", "el"];

export interface AuthorInput {
  name: string;
  verified: boolean;
}

export interface PostInput {
  title: string;
  num: number;
  active: boolean;
  status: (typeof statusValues)[number];
  /** Index into the authors. */
  author: number;
}

/** authorInputs are the authors: three-syllable names (ties happen, so sorts need a tie-breaker), half verified. */
export function authorInputs(seed = 11): AuthorInput[] {
  const rand = mulberry32(seed);
  const pick = () => syllables[Math.floor(rand() * syllables.length)] ?? "";
  return Array.from({ length: authorCount }, () => ({
    name: `${pick()}${pick()}${pick()}`,
    verified: rand() < 0.5,
  }));
}

/** postInputs are the posts; `num` is a permutation of 0..postCount-1, so `-num` breaks every tie. */
export function postInputs(seed = 12): PostInput[] {
  const rand = mulberry32(seed);
  const nums = Array.from({ length: postCount }, (_, i) => i);
  for (let i = nums.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [nums[i], nums[j]] = [nums[j] as number, nums[i] as number];
  }
  return nums.map((num, i) => ({
    title: `Post ${i}`,
    num,
    active: rand() < 0.5,
    status: statusValues[Math.floor(rand() * statusValues.length)] ?? "draft",
    author: Math.floor(rand() * authorCount),
  }));
}

/** The thresholds of the filter's `num >` condition; the workload cycles through them. */
export const thresholds = [10_000, 25_000, 40_000, 55_000, 70_000];

/** The three-condition filter, sorted by the author's name (a relation) then `-num`. */
export function listQuery(threshold: number): string {
  const filter = `active = true && status = "published" && num > ${threshold}`;
  return `perPage=30&sort=${encodeURIComponent("author.name,-num")}&filter=${encodeURIComponent(filter)}`;
}
