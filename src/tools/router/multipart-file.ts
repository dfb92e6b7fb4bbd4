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
  let fileStream: BusboyFileStream | null = null;
  const failure = Promise.withResolvers<never>();
  const failed = failure.promise;
  failed.catch(() => {});
  const fail = (err: unknown) => failure.reject(err);
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on("file", (name: string, stream: BusboyFileStream, filename: string) => {
      if (name !== field || received || filename === "") {
        stream.resume();
        return;
      }
      const file: ReceivedFile = { name: filename, size: 0 };
      received = file;
      fileStream = stream;
      stream.on("data", (chunk: Buffer) => {
        file.size += chunk.length;
      });
      written = pipeline(stream, createWriteStream(destPath));
      written.catch((err: unknown) => fail(err));
    });
    parser.on("finish", resolve);
    parser.on("error", (err: unknown) => {
      fail(err);
      reject(err);
    });
  });
  parsed.catch(() => {});

  try {
    let total = 0;
    for await (const chunk of request.body) {
      total += chunk.byteLength;
      if (total > maxBytes) throw payloadTooLarge();
      // a parse or write failure ends the wait for the parser to take more
      if (!parser.write(chunk)) await Promise.race([new Promise((resolve) => parser.once("drain", resolve)), failed]);
    }
    parser.end();
    await Promise.race([parsed, failed]);
    await written;
    return received;
  } catch (err) {
    parser.destroy();
    // the part's stream doesn't end with the parser: stopped here, its write fails and closes the file
    (fileStream as BusboyFileStream | null)?.destroy();
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
