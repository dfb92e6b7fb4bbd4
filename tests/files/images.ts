import webpEncode, { init as initWebpEncode } from "@jsquash/webp/encode.js";
import { decodeImage, encodeImage } from "../../src/tools/filesystem/image-codecs.ts";
import { type ImageFormat, readImageHeader } from "../../src/tools/filesystem/image-format.ts";
import type { RgbaImage } from "../../src/tools/filesystem/image-resize.ts";

/**
 * gradient makes an opaque test picture whose green channel grows from top (0) to bottom (255) and whose red
 * channel grows from left to right, so that a crop's position shows in its colours.
 */
export function gradient(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = Math.round((x * 255) / Math.max(1, width - 1));
      data[i + 1] = Math.round((y * 255) / Math.max(1, height - 1));
      data[i + 2] = 128;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

let webpReady: Promise<void> | null = null;

/** encodeTestImage encodes a picture in any of the four thumbnail source formats. */
export async function encodeTestImage(img: RgbaImage, format: ImageFormat): Promise<Uint8Array<ArrayBuffer>> {
  if (format !== "webp") return (await encodeImage(img, format)).slice();
  webpReady ??= (async () => {
    const path = Bun.resolveSync("@jsquash/webp/codec/enc/webp_enc.wasm", import.meta.dir);
    const module = await WebAssembly.compile(await Bun.file(path).arrayBuffer());
    await (initWebpEncode as unknown as (m: WebAssembly.Module) => Promise<void>)(module);
  })();
  await webpReady;
  const data = new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length);
  const imageData = { width: img.width, height: img.height, data, colorSpace: "srgb" };
  return new Uint8Array(await webpEncode(imageData as Parameters<typeof webpEncode>[0], { quality: 90 }));
}

/** decodeTestImage decodes a served image (any of the four formats) to check its pixels. */
export async function decodeTestImage(bytes: Uint8Array): Promise<RgbaImage & { format: ImageFormat }> {
  const header = readImageHeader(bytes);
  if (!header) {
    const head = new TextDecoder().decode(bytes.slice(0, 80));
    throw new Error(`not an image: ${bytes.byteLength} bytes starting ${JSON.stringify(head)}`);
  }
  return { ...(await decodeImage(bytes, header.format)), format: header.format };
}

/** meanChannel averages one channel (0 red, 1 green, 2 blue) over a whole picture. */
export function meanChannel(img: RgbaImage, channel: 0 | 1 | 2): number {
  let sum = 0;
  for (let i = channel; i < img.data.length; i += 4) sum += img.data[i] ?? 0;
  return sum / (img.width * img.height);
}
