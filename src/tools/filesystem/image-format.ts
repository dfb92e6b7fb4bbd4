/** The image formats thumbnails are made from. */
export type ImageFormat = "jpeg" | "png" | "gif" | "webp";

/** What an image's header says, read without decoding it. */
export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

function u16be(b: Uint8Array, i: number): number {
  return ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
}

function u16le(b: Uint8Array, i: number): number {
  return (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
}

function u24le(b: Uint8Array, i: number): number {
  return u16le(b, i) | ((b[i + 2] ?? 0) << 16);
}

function u32be(b: Uint8Array, i: number): number {
  return u16be(b, i) * 65536 + u16be(b, i + 2);
}

function ascii(b: Uint8Array, i: number, length: number): string {
  return String.fromCharCode(...b.subarray(i, i + length));
}

/** jpegSize walks the segments up to the first start-of-frame marker, which holds the dimensions. */
function jpegSize(b: Uint8Array): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1] ?? 0;
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
      i += 2;
      continue;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { height: u16be(b, i + 5), width: u16be(b, i + 7) };
    i += 2 + u16be(b, i + 2);
  }
  return null;
}

function webpSize(b: Uint8Array): { width: number; height: number } | null {
  const chunk = ascii(b, 12, 4);
  if (chunk === "VP8 " && b.length >= 30) return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  if (chunk === "VP8L" && b.length >= 25) {
    const b1 = b[22] ?? 0;
    const b2 = b[23] ?? 0;
    const b3 = b[24] ?? 0;
    return { width: 1 + ((b[21] ?? 0) | ((b1 & 0x3f) << 8)), height: 1 + ((b1 >> 6) | (b2 << 2) | ((b3 & 0xf) << 10)) };
  }
  if (chunk === "VP8X" && b.length >= 30) return { width: 1 + u24le(b, 24), height: 1 + u24le(b, 27) };
  return null;
}

/** readImageHeader identifies a JPEG, PNG, GIF or WebP image and its size; anything else is null. */
export function readImageHeader(b: Uint8Array): ImageHeader | null {
  let format: ImageFormat | null = null;
  let size: { width: number; height: number } | null = null;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    format = "jpeg";
    size = jpegSize(b);
  } else if (ascii(b, 0, 8) === "\x89PNG\r\n\x1a\n" && ascii(b, 12, 4) === "IHDR") {
    format = "png";
    size = { width: u32be(b, 16), height: u32be(b, 20) };
  } else if (/^GIF8[79]a$/.test(ascii(b, 0, 6))) {
    format = "gif";
    size = { width: u16le(b, 6), height: u16le(b, 8) };
  } else if (ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") {
    format = "webp";
    size = webpSize(b);
  }
  if (!format || !size || size.width <= 0 || size.height <= 0) return null;
  return { format, ...size };
}
