/**
 * The scale bench's data: 100 `users`, 1,000 `authors` (every other one verified, each owned by a user),
 * 1,000,000 `posts` (one author, up to two editors, tags, a view count) and 100,000 `comments` (on a post, by
 * a user). Every value is a pure function of the record's number, so the seed needs no state and the bench
 * can say, for any record, what it holds.
 */

export const userCount = 100;
export const authorCount = 1_000;
export const postCount = 1_000_000;
export const commentCount = 100_000;

export const statusValues = ["draft", "published", "archived"] as const;
export const tagValues = ["a", "b", "c", "d"] as const;
const words = ["k", "lo", "mi", "ra", "te", "su", "no", "vi", "de", "po", "an", "el", "or"];

/** The list and view rule of posts: a condition on the related author, as rules often are. */
export const postsRule = "author.verified = true";
/** The list and view rule of comments: the requester's own, or those on a verified author's post. */
export const commentsRule = "user = @request.auth.id || post.author.verified = true";

export const userPassword = "1234567890";
export const superuserEmail = "root@example.com";
export const superuserPassword = "S3cret-pass-123";

/**
 * The index sets the bench runs with: `issue` is the setup of issue 10 (an index on `posts.author` only),
 * `guided` adds what bench/scale/README.md recommends once a collection grows (every relation field a
 * filter or rule goes through, and the fields lists are sorted by).
 */
export const indexSets = {
  issue: ["CREATE INDEX idx_posts_author ON posts (author)"],
  guided: [
    "CREATE INDEX idx_posts_author ON posts (author)",
    "CREATE INDEX idx_posts_created ON posts (created)",
    "CREATE INDEX idx_authors_owner ON authors (owner)",
    "CREATE INDEX idx_comments_post ON comments (post)",
    "CREATE INDEX idx_comments_user ON comments (user)",
    "CREATE INDEX idx_comments_created ON comments (created)",
  ],
} as const;
export type IndexSet = keyof typeof indexSets;

/** The collections as the collections API takes them; relation targets are named, resolved when saved. */
export const collectionsJson = [
  {
    name: "authors",
    type: "base",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "name", type: "text", max: 100 },
      { name: "verified", type: "bool" },
      { name: "owner", type: "relation", collectionId: "users", maxSelect: 1 },
      { name: "created", type: "autodate", onCreate: true, onUpdate: false },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
  },
  {
    name: "posts",
    type: "base",
    listRule: postsRule,
    viewRule: postsRule,
    fields: [
      { name: "title", type: "text", max: 200 },
      { name: "views", type: "number" },
      { name: "status", type: "select", values: [...statusValues], maxSelect: 1 },
      { name: "tags", type: "select", values: [...tagValues], maxSelect: 4 },
      { name: "author", type: "relation", collectionId: "authors", maxSelect: 1 },
      { name: "editors", type: "relation", collectionId: "authors", maxSelect: 5 },
      { name: "created", type: "autodate", onCreate: true, onUpdate: false },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
  },
  {
    name: "comments",
    type: "base",
    listRule: commentsRule,
    viewRule: commentsRule,
    fields: [
      { name: "message", type: "text", max: 200 },
      { name: "post", type: "relation", collectionId: "posts", maxSelect: 1 },
      { name: "user", type: "relation", collectionId: "users", maxSelect: 1 },
      { name: "created", type: "autodate", onCreate: true, onUpdate: false },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
  },
] as const;

/** recordId is a record's id: a one-letter prefix and its number in base 36, 15 characters of [a-z0-9]. */
export function recordId(prefix: string, n: number): string {
  return prefix + n.toString(36).padStart(14, "0");
}

export const userId = (n: number) => recordId("u", n);
export const authorId = (n: number) => recordId("a", n);
export const postId = (n: number) => recordId("p", n);
export const commentId = (n: number) => recordId("c", n);

/** A small hash of a record number, so values look random but are fixed. */
function mix(n: number, salt: number): number {
  let h = Math.imul(n ^ salt, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

const start = Date.UTC(2024, 0, 1);

/** timestamp is the storage form of a date (`2006-01-02 15:04:05.000Z`), `seconds` after 2024-01-01. */
export function timestamp(seconds: number): string {
  return new Date(start + seconds * 1000).toISOString().replace("T", " ");
}

export interface UserValues {
  id: string;
  email: string;
  name: string;
}

export function user(n: number): UserValues {
  return { id: userId(n), email: `user${n}@example.com`, name: `user ${n}` };
}

export interface AuthorValues {
  id: string;
  name: string;
  verified: boolean;
  owner: string;
  created: string;
}

export function author(n: number): AuthorValues {
  return {
    id: authorId(n),
    name: `author ${n}`,
    verified: n % 2 === 0,
    owner: userId(n % userCount),
    created: timestamp(n),
  };
}

export interface PostValues {
  id: string;
  title: string;
  views: number;
  status: string;
  tags: string[];
  author: string;
  editors: string[];
  created: string;
}

/** post n: created n seconds after the start (so `-created` is a total order), a random-looking author. */
export function post(n: number): PostValues {
  const h = mix(n, 1);
  const editorCount = n % 3;
  const editors: string[] = [];
  for (let i = 0; i < editorCount; i++) {
    const e = authorId(mix(n, 10 + i) % authorCount);
    if (!editors.includes(e)) editors.push(e);
  }
  const tagBits = mix(n, 3) % 16;
  return {
    id: postId(n),
    title: `post ${n} ${words[mix(n, 4) % words.length]}`,
    views: mix(n, 2) % 1000,
    status: statusValues[h % statusValues.length] as string,
    tags: tagValues.filter((_, i) => tagBits & (1 << i)),
    author: authorId(h % authorCount),
    editors,
    created: timestamp(10_000 + n),
  };
}

export interface CommentValues {
  id: string;
  message: string;
  post: string;
  user: string;
  created: string;
}

export function comment(n: number): CommentValues {
  return {
    id: commentId(n),
    message: `comment ${n}`,
    post: postId(mix(n, 5) % postCount),
    user: userId(mix(n, 6) % userCount),
    created: timestamp(2_000_000 + n),
  };
}
