import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import busboy, { type BusboyFileStream } from "@fastify/busboy";
import { ApiError, badRequest, payloadTooLarge } from "./api-error.ts";
import { MalformedBodyError } from "./body.ts";

/** A file received from a multipart body, written to disk. */
export interface ReceivedFile {
  /** The name the client gave, without any folder part (as Go's multipart reader gives it). */
  name: string;
  size: number;
}

const maxParts = 1000;

/**
 * receiveMultipartFile reads a multipart/form-data body as it arrives, writing the first file part named
 * `field` to destPath (other parts are read and dropped), so that an upload of any size never sits in
 * memory. The whole body counts against maxBytes, whatever its framing (a 413 past it, destPath removed).
 * Null when the body isn't multipart or holds no such file (a part without a file name is no file); a
 * malformed body is a 400.
 */
export async function receiveMultipartFile(
  request: Request,
  field: string,
  destPath: string,
  maxBytes: number,
): Promise<ReceivedFile | null> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data") || !request.body) return null;
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) throw payloadTooLarge();

  let parser: ReturnType<typeof busboy>;
  try {
    parser = busboy({ headers: { "content-type": type }, limits: { parts: maxParts } });
  } catch (err) {
    throw malformed(err);
  }
  let received: ReceivedFile | null = null;
  let written: Promise<void> | null = null;
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on("file", (name: string, stream: BusboyFileStream, filename: string) => {
      if (name !== field || received || filename === "") {
        stream.resume();
        return;
      }
      const file: ReceivedFile = { name: filename, size: 0 };
      received = file;
      stream.on("data", (chunk: Buffer) => {
        file.size += chunk.length;
      });
      written = pipeline(stream, createWriteStream(destPath));
      // a failed write is reported once the body is read (and stops nothing before)
      written.catch(() => {});
    });
    parser.on("finish", resolve);
    parser.on("error", reject);
  });
  parsed.catch(() => {});

  try {
    let total = 0;
    for await (const chunk of request.body) {
      total += chunk.byteLength;
      if (total > maxBytes) throw payloadTooLarge();
      if (!parser.write(chunk)) await new Promise((resolve) => parser.once("drain", resolve));
    }
    parser.end();
    await parsed.catch((err: unknown) => {
      throw malformed(err);
    });
    await written;
    return received;
  } catch (err) {
    parser.destroy();
    await (written as Promise<void> | null)?.catch(() => {});
    await rm(destPath, { force: true });
    if (err instanceof ApiError) throw err;
    if ((err as NodeJS.ErrnoException).syscall !== undefined) throw err;
    throw malformed(err);
  }
}

function malformed(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return badRequest(
    "Failed to load the submitted data due to invalid formatting.",
    new MalformedBodyError(err instanceof Error ? err.message : String(err)),
  );
}
