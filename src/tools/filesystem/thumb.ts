import { type Filesystem, readBody } from "./filesystem.ts";
import { decodeImage, encodeImage } from "./image-codecs.ts";
import { readImageHeader } from "./image-format.ts";
import { crop, type RgbaImage, resize } from "./image-resize.ts";
import { parseThumbSize, type ThumbSize } from "./thumb-size.ts";

/** The content types a thumb can be made from. */
export const thumbSourceTypes: readonly string[] = ["image/png", "image/jpg", "image/jpeg", "image/gif", "image/webp"];

/** Images larger than this many pixels are served as they are rather than decoded. */
export const maxThumbSourcePixels = 8192 * 8192;

/** Where a crop of `length` sits inside `total`, for the size's mode (the other axis is centered). */
function cropOffset(total: number, length: number, mode: ThumbSize["mode"], vertical: boolean): number {
  if (vertical && mode === "t") return 0;
  if (vertical && mode === "b") return total - length;
  return Math.trunc((total - length) / 2);
}

/** cropAt cuts width × height out of an image at the size mode's anchor. */
function cropAt(img: RgbaImage, width: number, height: number, mode: ThumbSize["mode"]): RgbaImage {
  return crop(
    img,
    cropOffset(img.width, width, mode, false),
    cropOffset(img.height, height, mode, true),
    width,
    height,
  );
}

/**
 * makeThumb resizes an image as PocketBase's thumbs do: `Wx0`/`0xH` keep the aspect ratio, `f` fits inside
 * the box without enlarging, and the others fill the box and crop the overflow at the mode's anchor.
 */
export function makeThumb(src: RgbaImage, size: ThumbSize): RgbaImage {
  const { width, height, mode } = size;
  const srcRatio = src.width / src.height;
  if (width === 0 || height === 0) return resizeKeepingRatio(src, width, height);
  if (mode === "f") {
    if (src.width <= width && src.height <= height) return resize(src, src.width, src.height);
    // a side rounded down to zero is then derived from the other, as for `Wx0`
    return srcRatio > width / height
      ? resizeKeepingRatio(src, width, Math.trunc(width / srcRatio))
      : resizeKeepingRatio(src, Math.trunc(height * srcRatio), height);
  }
  if (src.width === width && src.height === height) return resize(src, width, height);
  const boxRatio = width / height;
  if (src.width >= 100 && src.height >= 100) {
    // crop the source to the box's shape first, then shrink: less to resample
    const cropped =
      srcRatio < boxRatio
        ? cropAt(src, src.width, Math.round(Math.max(1, (src.width * height) / width)), mode)
        : cropAt(src, Math.round(Math.max(1, (src.height * width) / height)), src.height, mode);
    return resize(cropped, width, height);
  }
  // a tiny source is enlarged to cover the box first, then cropped
  const covering =
    srcRatio < boxRatio
      ? resize(src, width, Math.max(1, Math.floor(width / srcRatio + 0.5)))
      : resize(src, Math.max(1, Math.floor(height * srcRatio + 0.5)), height);
  return cropAt(covering, width, height, mode);
}

/** resizeKeepingRatio resizes to width × height, a zero side following the other (at least one pixel). */
function resizeKeepingRatio(src: RgbaImage, width: number, height: number): RgbaImage {
  const ratio = src.width / src.height;
  const w = width === 0 ? Math.max(1, Math.floor(height * ratio + 0.5)) : width;
  const h = height === 0 ? Math.max(1, Math.floor(width / ratio + 0.5)) : height;
  return resize(src, w, h);
}

/** thumbContentType is what a thumb of a source type is stored as: JPEG and GIF stay, the rest become PNG. */
export function thumbContentType(sourceType: string): "image/jpeg" | "image/gif" | "image/png" {
  if (sourceType === "image/jpeg" || sourceType === "image/gif") return sourceType;
  return "image/png";
}

/**
 * createThumb reads the image under originalKey, makes the thumb of the given size and stores it under
 * thumbKey. It throws (storing nothing) for a malformed size, an unsupported, oversized or corrupt image.
 */
export async function createThumb(fs: Filesystem, originalKey: string, thumbKey: string, size: string) {
  const parsed = parseThumbSize(size);
  if (!parsed) throw new Error("thumb size must be in WxH, WxHt, WxHb or WxHf format");
  const original = await fs.open(originalKey);
  if (!original) throw new Error(`missing original file ${originalKey}`);
  const bytes = await readBody(original);
  const header = readImageHeader(bytes);
  if (!header) throw new Error("unsupported image format");
  if (header.width * header.height > maxThumbSourcePixels)
    throw new Error(`image too large for a thumb (${header.width}x${header.height})`);
  const image = await decodeImage(bytes, header.format);
  const contentType = thumbContentType(original.contentType);
  const format = contentType === "image/jpeg" ? "jpeg" : contentType === "image/gif" ? "gif" : "png";
  await fs.upload(thumbKey, await encodeImage(makeThumb(image, parsed), format), { contentType });
}

/**
 * ThumbGenerator runs thumb creations: one at a time per thumb key (concurrent requests for the same new
 * thumb share one generation) and at most `maxConcurrent` at once, so that decoding large images can't
 * exhaust memory.
 */
export class ThumbGenerator {
  readonly #pending = new Map<string, Promise<void>>();
  readonly #waiting: (() => void)[] = [];
  #running = 0;

  constructor(readonly maxConcurrent = 2) {}

  generate(fs: Filesystem, originalKey: string, thumbKey: string, size: string): Promise<void> {
    const existing = this.#pending.get(thumbKey);
    if (existing) return existing;
    const job = this.#limited(() => createThumb(fs, originalKey, thumbKey, size)).finally(() =>
      this.#pending.delete(thumbKey),
    );
    this.#pending.set(thumbKey, job);
    return job;
  }

  async #limited<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#running >= this.maxConcurrent) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
    try {
      return await fn();
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }
}
