/**
 * detectMimeType tells a file's type from its content (magic numbers for binary formats, a look at the
 * text for SVG, HTML, XML, JSON and plain text), never from its name or declared type.
 */
export function detectMimeType(data: Uint8Array): string {
  const h = data.subarray(0, 64);
  const at = (offset: number, ...bytes: number[]) => bytes.every((b, i) => h[offset + i] === b);
  const ascii = (offset: number, s: string) => at(offset, ...[...s].map((c) => c.charCodeAt(0)));

  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (ascii(0, "GIF87a") || ascii(0, "GIF89a")) return "image/gif";
  if (ascii(0, "RIFF") && ascii(8, "WEBP")) return "image/webp";
  if (ascii(0, "RIFF") && ascii(8, "WAVE")) return "audio/wav";
  if (ascii(0, "RIFF") && ascii(8, "AVI ")) return "video/x-msvideo";
  if (ascii(0, "BM")) return "image/bmp";
  if (at(0, 0x00, 0x00, 0x01, 0x00)) return "image/x-icon";
  if (at(0, 0x49, 0x49, 0x2a, 0x00) || at(0, 0x4d, 0x4d, 0x00, 0x2a)) return "image/tiff";
  if (ascii(4, "ftyp")) return ftypMime(String.fromCharCode(...h.subarray(8, 12)));
  if (ascii(0, "%PDF-")) return "application/pdf";
  if (at(0, 0x50, 0x4b, 0x03, 0x04) || at(0, 0x50, 0x4b, 0x05, 0x06)) return "application/zip";
  if (at(0, 0x1f, 0x8b)) return "application/gzip";
  if (at(0, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)) return "application/x-7z-compressed";
  if (ascii(0, "Rar!")) return "application/x-rar-compressed";
  if (ascii(0, "ID3") || (h[0] === 0xff && ((h[1] ?? 0) & 0xe0) === 0xe0 && h.length > 2)) return "audio/mpeg";
  if (ascii(0, "OggS")) return "audio/ogg";
  if (ascii(0, "fLaC")) return "audio/flac";
  if (at(0, 0x1a, 0x45, 0xdf, 0xa3)) return ebmlMime(data);
  if (ascii(0, "wOFF")) return "font/woff";
  if (ascii(0, "wOF2")) return "font/woff2";
  return textMime(data);
}

function ftypMime(brand: string): string {
  if (brand === "avif" || brand === "avis") return "image/avif";
  if (["heic", "heix", "hevc", "hevx", "mif1"].includes(brand)) return "image/heic";
  if (brand.startsWith("qt")) return "video/quicktime";
  if (brand.startsWith("M4A")) return "audio/x-m4a";
  if (brand.startsWith("3g")) return "video/3gpp";
  return "video/mp4";
}

function ebmlMime(data: Uint8Array): string {
  const head = new TextDecoder("latin1").decode(data.subarray(0, 64));
  return head.includes("webm") ? "video/webm" : "video/x-matroska";
}

function textMime(data: Uint8Array): string {
  const sample = data.subarray(0, 3072);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(sample);
  } catch {
    // a multi-byte character cut at the sample's end is still text
    if (sample.length < data.length) {
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(sample.subarray(0, sample.length - 3));
      } catch {
        return "application/octet-stream";
      }
    } else return "application/octet-stream";
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control bytes are what tells binary from text
  if (/[\x00-\x08\x0e-\x1a\x1c-\x1f]/.test(text)) return "application/octet-stream";
  const t = text.replace(/^\uFEFF/, "").trimStart();
  const lower = t.slice(0, 1024).toLowerCase();
  if (/<svg[\s>]/.test(lower)) return "image/svg+xml";
  if (
    /^<!doctype html|^<html|^<head|^<body|^<script|^<iframe|^<h1|^<div|^<font|^<table|^<a\s|^<style|^<title|^<b>|^<br|^<p[\s>]|^<!--/.test(
      lower,
    )
  ) {
    return "text/html; charset=utf-8";
  }
  if (lower.startsWith("<?xml")) return "text/xml; charset=utf-8";
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      JSON.parse(new TextDecoder().decode(data));
      return "application/json";
    } catch {
      // not JSON after all: plain text
    }
  }
  return "text/plain; charset=utf-8";
}

const aliases: Record<string, string[]> = {
  "image/jpeg": ["image/jpg", "image/pjpeg"],
  "image/x-icon": ["image/vnd.microsoft.icon"],
  "audio/mpeg": ["audio/mp3", "audio/x-mpeg"],
  "audio/wav": ["audio/x-wav", "audio/vnd.wave", "audio/wave"],
  "application/zip": ["application/x-zip", "application/x-zip-compressed"],
  "application/gzip": ["application/x-gzip", "application/gzip-compressed"],
  "text/xml": ["application/xml"],
  "application/json": [],
  "audio/flac": ["audio/x-flac"],
  "video/x-matroska": [],
  "audio/x-m4a": ["audio/m4a"],
  "image/heic": [],
};

/** mimeTypeMatches reports whether a detected type (possibly with parameters) is the wanted one or an alias. */
export function mimeTypeMatches(detected: string, wanted: string): boolean {
  const base = (detected.split(";")[0] ?? "").trim().toLowerCase();
  const want = (wanted.split(";")[0] ?? "").trim().toLowerCase();
  if (base === want) return true;
  return (aliases[base] ?? []).includes(want);
}

const extensions: Record<string, string> = {
  "image/png": ".png",
  "image/jpeg": ".jpg",
  "image/gif": ".gif",
  "image/webp": ".webp",
  "image/bmp": ".bmp",
  "image/x-icon": ".ico",
  "image/tiff": ".tiff",
  "image/avif": ".avif",
  "image/heic": ".heic",
  "image/svg+xml": ".svg",
  "audio/wav": ".wav",
  "audio/mpeg": ".mp3",
  "audio/ogg": ".ogg",
  "audio/flac": ".flac",
  "audio/x-m4a": ".m4a",
  "video/x-msvideo": ".avi",
  "video/mp4": ".mp4",
  "video/quicktime": ".mov",
  "video/3gpp": ".3gp",
  "video/webm": ".webm",
  "video/x-matroska": ".mkv",
  "application/pdf": ".pdf",
  "application/zip": ".zip",
  "application/gzip": ".gz",
  "application/x-7z-compressed": ".7z",
  "application/x-rar-compressed": ".rar",
  "application/json": ".json",
  "font/woff": ".woff",
  "font/woff2": ".woff2",
  "text/html": ".html",
  "text/xml": ".xml",
  "text/plain": ".txt",
};

/** mimeExtension is the usual extension (with its dot) of a detected type, or "" when it has none. */
export function mimeExtension(mimeType: string): string {
  return extensions[(mimeType.split(";")[0] ?? "").trim()] ?? "";
}
