/**
 * A small blog backend on Satchel used as a library: a migration in code makes the `posts` collection, a
 * hook gives each post a URL slug (with an npm package), a custom route serves a post's preview, and a cron
 * job makes a backup every night. `bun app.ts serve` runs it; `npm run build` makes one executable of it,
 * the dashboard included.
 */
import slugify from "@sindresorhus/slugify";
import {
  ApiError,
  Collection,
  createApp,
  migrate,
  notFound,
  type RecordEvent,
  ValidationError,
  ValidationErrors,
} from "satchel";

const app = createApp({
  dataDir: "blog_data",
  migrations: {
    "1767225600_create_posts": migrate(
      async (txApp) => {
        const posts = Collection.fromJSON({
          name: "posts",
          type: "base",
          // anybody reads what is published; superusers write (from the dashboard or the API)
          listRule: "published = true",
          viewRule: "published = true",
          fields: [
            { name: "title", type: "text", required: true, max: 200 },
            { name: "slug", type: "text", max: 200 },
            { name: "body", type: "editor" },
            { name: "published", type: "bool" },
            { name: "created", type: "autodate", onCreate: true },
            { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
          ],
        });
        await txApp.saveCollection(posts);
      },
      async (txApp) => {
        await txApp.deleteCollection(await txApp.findCollectionByNameOrId("posts"));
      },
    ),
  },
});

/** setSlug names a post in URLs after its title: "Hello, Wörld!" is "hello-woerld". */
function setSlug(e: RecordEvent): Promise<void> {
  const slug = slugify(e.record.getString("title"));
  if (slug === "") {
    // an ApiError answers the request as it is; its data shows only validation errors
    throw new ApiError(
      400,
      "The post has no slug.",
      new ValidationErrors({
        title: new ValidationError("validation_no_slug", "The title needs a letter or a digit."),
      }),
    );
  }
  e.record.set("slug", slug);
  return e.next();
}
app.onRecordCreate(setSlug, "posts");
app.onRecordUpdate(setSlug, "posts");

app.onServe((e) => {
  // a published post's card, for link previews
  e.router.get("/api/blog/posts/{id}/preview", async (re) => {
    const post = await re.app.findRecordById("posts", re.params.id ?? "");
    if (!post?.getBool("published")) throw notFound("The post doesn't exist or isn't published yet.");
    const text = post
      .getString("body")
      .replace(/<[^>]*>/g, " ")
      .replace(/\s+/g, " ")
      .replace(/ ([.,;:!?])/g, "$1")
      .trim();
    return re.json(200, {
      title: post.getString("title"),
      url: `/posts/${post.getString("slug")}`,
      excerpt: text.length > 140 ? `${text.slice(0, 139)}…` : text,
    });
  });
  return e.next();
});

// every night at 03:00 UTC, a backup of the whole data directory (listed in the dashboard's backups)
app.cron().add("nightlyBackup", "0 3 * * *", () => app.createBackup());

process.exit(await app.start());
