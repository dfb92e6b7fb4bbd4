import { extname } from "node:path";
import type { Hono } from "hono";
import type { App } from "../core/app.ts";
import { FileField, recordFilesPath } from "../core/field-file.ts";
import { FileDownloadRequestEvent, FileTokenRequestEvent } from "../core/file-events.ts";
import type { RecordModel } from "../core/record-model.ts";
import { canAccessRecord } from "../core/record-search.ts";
import { findAuthRecordByToken, newFileToken } from "../core/record-tokens.ts";
import { type RequestEvent, requestInfoWith } from "../core/request-event.ts";
import { isIpInList } from "../core/settings-ip.ts";
import { findRecordByViewFile } from "../core/view-file.ts";
import { serveObject } from "../tools/filesystem/serve.ts";
import { ThumbGenerator, thumbSourceTypes } from "../tools/filesystem/thumb.ts";
import { notFound, unauthorized } from "../tools/router/api-error.ts";
import { allowFraming, type RouterEnv } from "./middlewares.ts";
import { requireAuth } from "./middlewares-auth.ts";
import { route } from "./route.ts";

/** The thumb size every image file field allows besides its own list. */
export const defaultThumbSizes: readonly string[] = ["100x100"];

/** Served inline (shown by the browser); any other type is served as an attachment. */
const inlineContentTypes = new Set([
  "image/png",
  "image/jpg",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/x-icon",
  "image/bmp",
  "video/webm",
  "video/mp4",
  "video/3gpp",
  "video/quicktime",
  "video/x-ms-wmv",
  "audio/basic",
  "audio/aiff",
  "audio/mpeg",
  "audio/midi",
  "audio/mp3",
  "audio/wave",
  "audio/wav",
  "audio/x-wav",
  "audio/x-mpeg",
  "audio/x-m4a",
  "audio/aac",
  "application/pdf",
  "application/x-pdf",
]);

/** Types sent by extension, where content sniffing can't tell them (SVG, CSS, scripts, Office documents). */
const contentTypesByExtension: Readonly<Record<string, string>> = {
  ".svg": "image/svg+xml",
  ".css": "text/css",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
};

/** Served files can't run scripts or load anything, even when opened directly. */
export const fileContentSecurityPolicy = "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox";
export const fileCacheControl = "max-age=2592000, stale-while-revalidate=86400";

/** bindFileApi registers `POST /api/files/token` and `GET|HEAD /api/files/{collection}/{recordId}/{filename}`. */
export function bindFileApi(router: Hono<RouterEnv>): void {
  const thumbs = new ThumbGenerator();
  router.post("/api/files/token", requireAuth, route(fileToken));
  router.on(
    ["GET", "HEAD"],
    "/api/files/:collection/:recordId/:filename",
    route((e) => download(e, thumbs)),
  );
}

async function fileToken(e: RequestEvent): Promise<Response | null> {
  if (!e.auth) throw unauthorized("Missing auth context.");
  const event = e.derive(FileTokenRequestEvent);
  event.record = e.auth;
  event.token = await newFileToken(e.auth);
  await e.app.hooks.get("onFileTokenRequest").trigger(event, async (ev) => {
    ev.json(200, { token: ev.token });
  });
  return event.response;
}

/** fileFieldOf returns the file field of the record whose value lists the file name. */
function fileFieldOf(record: RecordModel, filename: string): FileField | undefined {
  for (const f of record.collection.fields) {
    if (f instanceof FileField && record.getStringList(f.name).includes(filename)) return f;
  }
  return undefined;
}

/**
 * canViewProtectedFile checks the collection's view rule for the record owning a `?token=` file token (a
 * guest without one); a superuser's token counts only from an allowed IP.
 */
async function canViewProtectedFile(e: RequestEvent, record: RecordModel): Promise<boolean> {
  const token = e.url.searchParams.get("token") ?? "";
  let auth = (await findAuthRecordByToken(e.app, token, "file"))?.record ?? null;
  if (auth?.collection.name === "_superusers") {
    const allowed = e.app.settings().superuserIPs;
    if (allowed.length > 0 && !isIpInList(allowed, e.realIp)) auth = null;
  }
  const info = requestInfoWith(await e.requestInfo(), { context: "protectedFile", auth });
  return canAccessRecord(e.app, record, info, record.collection.viewRule).catch(() => false);
}

/** parseGoBool reads a flag as Go's strconv.ParseBool does; anything unreadable is false. */
function parseGoBool(raw: string | null): boolean {
  return raw !== null && ["1", "t", "T", "TRUE", "true", "True"].includes(raw);
}

async function download(e: RequestEvent, thumbs: ThumbGenerator): Promise<Response | null> {
  const collection = e.app.findCachedCollectionByNameOrId(e.params.collection ?? "");
  if (!collection) throw notFound("Missing or invalid collection context.");
  const recordId = e.params.recordId ?? "";
  if (recordId === "") throw notFound();
  const record = await e.app.findRecordById(collection, recordId);
  if (!record) throw notFound();
  const filename = e.params.filename ?? "";
  const fileField = fileFieldOf(record, filename);
  if (!fileField) throw notFound();
  if (fileField.protected && !(await canViewProtectedFile(e, record))) throw notFound();

  let baseFilesPath = recordFilesPath(record);
  if (collection.type === "view") {
    const source = await findRecordByViewFile(e.app, collection, fileField.name, filename).catch(() => null);
    if (!source) throw notFound();
    baseFilesPath = recordFilesPath(source);
  }
  const fs = e.app.filesystem();
  const originalPath = `${baseFilesPath}/${filename}`;

  const event = e.derive(FileDownloadRequestEvent);
  event.collection = collection;
  event.record = record;
  event.fileField = fileField;
  event.servedPath = originalPath;
  event.servedName = filename;

  const thumbSize = e.url.searchParams.get("thumb") ?? "";
  if (thumbSize !== "" && (defaultThumbSizes.includes(thumbSize) || (fileField.thumbs ?? []).includes(thumbSize))) {
    const original = await fs.open(originalPath);
    if (!original) throw notFound();
    if (thumbSourceTypes.includes(original.contentType)) {
      const thumbName = `${thumbSize}_${filename}`;
      const thumbPath = `${baseFilesPath}/thumbs_${filename}/${thumbName}`;
      try {
        if (!(await fs.exists(thumbPath))) await thumbs.generate(fs, originalPath, thumbPath, thumbSize);
        event.servedPath = thumbPath;
        event.servedName = thumbName;
      } catch (err) {
        event.thumbError = err instanceof Error ? err : new Error(String(err));
        e.app.logger().warn(`Fallback to original - failed to create thumb ${thumbName}`, {
          error: event.thumbError.message,
          original: originalPath,
          thumb: thumbPath,
        });
      }
    }
  }
  if (thumbSize !== "" && !event.thumbError && event.servedPath === originalPath) {
    event.thumbError = new Error(`the thumb size "${thumbSize}" or the original file format are not supported`);
  }

  // embedding uploaded files in frames is fine (hooks may set the header again)
  allowFraming(e.request);

  await e.app.hooks.get("onFileDownloadRequest").trigger(event, async (ev) => {
    ev.response = await serveFile(ev.app, ev.request, ev.url, ev.servedPath, ev.servedName);
  });
  return event.response;
}

/** serveFile answers with a stored object and PocketBase's file headers; a missing object is a 404. */
async function serveFile(app: App, request: Request, url: URL, key: string, name: string): Promise<Response> {
  const object = await app.filesystem().open(key);
  if (!object) throw notFound();
  const inline = !parseGoBool(url.searchParams.get("download")) && inlineContentTypes.has(object.contentType);
  const headers = new Headers({
    "Content-Disposition": `${inline ? "inline" : "attachment"}; filename=${name}`,
    "Content-Type": contentTypesByExtension[extname(key)] ?? object.contentType,
    "Content-Security-Policy": fileContentSecurityPolicy,
    "Cache-Control": fileCacheControl,
  });
  return serveObject(request, object, headers);
}
