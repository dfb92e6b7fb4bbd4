// the WebAssembly files are imported as files so that `bun build --compile` embeds them in the executable
import jpegDecodeWasm from "@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm" with { type: "file" };
import jpegEncodeWasm from "@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm" with { type: "file" };
import jpegDecode, { init as initJpegDecode } from "@jsquash/jpeg/decode.js";
import jpegEncode, { init as initJpegEncode } from "@jsquash/jpeg/encode.js";
import * as pngWasmFile from "@jsquash/png/codec/pkg/squoosh_png_bg.wasm" with { type: "file" };
import pngDecode, { init as initPngDecode } from "@jsquash/png/decode.js";
import pngEncode, { init as initPngEncode } from "@jsquash/png/encode.js";
import webpDecodeWasm from "@jsquash/webp/codec/dec/webp_dec.wasm" with { type: "file" };
import webpDecode, { init as initWebpDecode } from "@jsquash/webp/decode.js";
import { applyPalette, GIFEncoder, quantize } from "gifenc";
import { GifReader } from "omggif";
import type { ImageFormat } from "./image-format.ts";
import type { RgbaImage } from "./image-resize.ts";

/** The JPEG quality of thumbnails (PocketBase's image library defaults to 95). */
const jpegQuality = 95;

// the package types this file as its exports; imported as a file, its default export is the path
const pngWasm = (pngWasmFile as unknown as { default: string }).default;

/** The codecs' picture type (the browser's ImageData). */
type CodecImage = Parameters<typeof jpegEncode>[0];

const compiled = new Map<string, Promise<WebAssembly.Module>>();

function wasmModule(path: string): Promise<WebAssembly.Module> {
  let m = compiled.get(path);
  if (!m) {
    m = Bun.file(path)
      .arrayBuffer()
      .then((bytes) => WebAssembly.compile(bytes));
    compiled.set(path, m);
  }
  return m;
}

/**
 * A codec whose WebAssembly instance is made on first use and made again after a failure, since a
 * module that aborted on a corrupt image can't be trusted for the next one.
 */
class WasmCodec {
  #ready: Promise<void> | null = null;

  constructor(
    readonly wasmPath: string,
    readonly init: (module: WebAssembly.Module) => Promise<unknown>,
  ) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.#ready ??= wasmModule(this.wasmPath).then((m) => this.init(m).then(() => undefined));
    try {
      await this.#ready;
      return await fn();
    } catch (err) {
      this.#ready = null;
      throw err;
    }
  }
}

// libjpeg reports corrupt data on the console; the failure is thrown to the caller anyway
const quiet = { print: () => {}, printErr: () => {} };

/** The Emscripten codecs' init takes a compiled module and options, though the package types say otherwise. */
type EmscriptenInit = (module: WebAssembly.Module, options: typeof quiet) => Promise<void>;
const emscripten = (init: unknown) => (m: WebAssembly.Module) => (init as EmscriptenInit)(m, quiet);

const codecs = {
  jpegDecode: new WasmCodec(jpegDecodeWasm, emscripten(initJpegDecode)),
  jpegEncode: new WasmCodec(jpegEncodeWasm, emscripten(initJpegEncode)),
  pngDecode: new WasmCodec(pngWasm, (m) => initPngDecode(m)),
  pngEncode: new WasmCodec(pngWasm, (m) => initPngEncode(m)),
  webpDecode: new WasmCodec(webpDecodeWasm, emscripten(initWebpDecode)),
};

function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

function fromImageData(d: { width: number; height: number; data: Uint8ClampedArray }): RgbaImage {
  return { width: d.width, height: d.height, data: new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.length) };
}

function toImageData(img: RgbaImage): CodecImage {
  const data = new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length);
  return { width: img.width, height: img.height, data, colorSpace: "srgb" } as CodecImage;
}

/** decodeGif decodes the first frame, as PocketBase's thumbnails use only the first frame. */
function decodeGif(bytes: Uint8Array): RgbaImage {
  const reader = new GifReader(bytes);
  const data = new Uint8Array(reader.width * reader.height * 4);
  reader.decodeAndBlitFrameRGBA(0, data);
  return { width: reader.width, height: reader.height, data };
}

function encodeGif(img: RgbaImage): Uint8Array {
  let transparent = false;
  for (let i = 3; i < img.data.length; i += 4) {
    if ((img.data[i] ?? 255) < 128) {
      transparent = true;
      break;
    }
  }
  const format = transparent ? "rgba4444" : "rgb565";
  const palette = quantize(img.data, 256, { format, oneBitAlpha: transparent });
  const index = applyPalette(img.data, palette, format);
  const transparentIndex = transparent ? palette.findIndex((c) => c[3] === 0) : -1;
  const gif = GIFEncoder();
  gif.writeFrame(index, img.width, img.height, {
    palette,
    transparent: transparentIndex >= 0,
    transparentIndex: Math.max(transparentIndex, 0),
  });
  gif.finish();
  return gif.bytes();
}

/** decodeImage decodes an image to RGBA pixels; a JPEG is turned upright by its EXIF orientation. */
export async function decodeImage(bytes: Uint8Array, format: ImageFormat): Promise<RgbaImage> {
  switch (format) {
    case "jpeg":
      return codecs.jpegDecode.run(async () =>
        fromImageData(await jpegDecode(exactBuffer(bytes), { preserveOrientation: true })),
      );
    case "png":
      return codecs.pngDecode.run(async () => fromImageData(await pngDecode(exactBuffer(bytes))));
    case "webp":
      return codecs.webpDecode.run(async () => fromImageData(await webpDecode(exactBuffer(bytes))));
    case "gif":
      return decodeGif(bytes);
  }
}

/** encodeImage encodes RGBA pixels as a JPEG, PNG or GIF. */
export async function encodeImage(img: RgbaImage, format: "jpeg" | "png" | "gif"): Promise<Uint8Array> {
  switch (format) {
    case "jpeg":
      return codecs.jpegEncode.run(
        async () => new Uint8Array(await jpegEncode(toImageData(img), { quality: jpegQuality })),
      );
    case "png":
      return codecs.pngEncode.run(async () => new Uint8Array(await pngEncode(toImageData(img))));
    case "gif":
      return encodeGif(img);
  }
}
