import { isText, textType } from "./mime-text.ts";

/** How many leading bytes detection reads, as PocketBase's detector does. */
const readLimit = 3072;

type Bytes = Uint8Array;

/** A detectable type: its name, extension and the other names it also answers to. */
interface MimeType {
  mime: string;
  ext: string;
  aliases?: string[];
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const startsWith = (b: Bytes, sig: number[], at = 0) =>
  b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const startsWithText = (b: Bytes, s: string, at = 0) => startsWith(b, ascii(s), at);

/**
 * detectMimeType tells a file's type from its content, never from its name or declared type, the way
 * PocketBase does (gabriel-vasile/mimetype): binary signatures first, then a text check with its own
 * family of types; `application/octet-stream` when nothing matches.
 */
export function detectMimeType(data: Bytes): string {
  const head = data.subarray(0, readLimit);
  const binary = binaryType(head);
  if (binary) return binary.mime;
  if (isText(head)) return textType(head, data.length >= readLimit);
  return "application/octet-stream";
}

function binaryType(b: Bytes): MimeType | null {
  if (startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return types.sevenZ;
  if (isZip(b)) return zipType(b);
  if (
    startsWithText(b, "%PDF-") ||
    startsWithText(b, "\n%PDF-") ||
    startsWith(b, [0xef, 0xbb, 0xbf, ...ascii("%PDF-")])
  )
    return types.pdf;
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return types.ole;
  if (startsWithText(b, "%!PS-Adobe-")) return types.ps;
  if (startsWithText(b, "8BPS")) return types.psd;
  if (startsWithText(b, "OggS\0")) return oggType(b);
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return types.png;
  if (startsWith(b, [0xff, 0xd8, 0xff])) return types.jpg;
  if (startsWithText(b, "GIF87a") || startsWithText(b, "GIF89a")) return types.gif;
  if (b.length > 12 && startsWithText(b, "RIFF") && startsWithText(b, "WEBP", 8)) return types.webp;
  if (startsWithText(b, "MZ")) return types.exe;
  if (startsWith(b, [0x7f, 0x45, 0x4c, 0x46])) return types.elf;
  if (startsWithText(b, "BZh")) return types.bz2;
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return types.tiff;
  if (isBmp(b)) return types.bmp;
  if (startsWith(b, [0, 0, 1, 0]) || startsWith(b, [0, 0, 2, 0])) return types.ico;
  if (isMp3(b)) return types.mp3;
  if (startsWith(b, [...ascii("fLaC"), 0, 0, 0, 0x22])) return types.flac;
  if (startsWithText(b, "MThd")) return types.midi;
  if (b.length > 12 && startsWithText(b, "RIFF") && startsWithText(b, "WAVE", 8)) return types.wav;
  if (isQuickTime(b)) return types.mov;
  if (b.length >= 12 && b[0] === 0 && startsWithText(b, "ftyp", 4)) return ftypType(b);
  if (isMatroska(b, "webm")) return types.webm;
  if (b.length > 16 && startsWithText(b, "RIFF") && startsWithText(b, "AVI LIST", 8)) return types.avi;
  if (isMatroska(b, "matroska")) return types.mkv;
  if (startsWith(b, [0x1f, 0x8b])) return types.gzip;
  if (startsWithText(b, "wOFF")) return types.woff;
  if (startsWithText(b, "wOF2")) return types.woff2;
  if (startsWith(b, [0x00, 0x61, 0x73, 0x6d])) return types.wasm;
  if (startsWith(b, [...ascii("Rar!"), 0x1a, 0x07, 0x00]) || startsWith(b, [...ascii("Rar!"), 0x1a, 0x07, 0x01, 0x00]))
    return types.rar;
  if (startsWith(b, [...ascii("SQLite format 3"), 0])) return types.sqlite;
  if (isZstd(b)) return types.zstd;
  if (startsWith(b, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return types.xz;
  return null;
}

function isZip(b: Bytes): boolean {
  return (
    b.length > 3 &&
    b[0] === 0x50 &&
    b[1] === 0x4b &&
    [3, 5, 7].includes(b[2] as number) &&
    [4, 6, 8].includes(b[3] as number)
  );
}

/** The names of the first entries of a ZIP archive, read from their local headers. */
function zipEntries(b: Bytes, max: number): string[] {
  const names: string[] = [];
  let pos = 0;
  while (names.length < max) {
    let start = -1;
    for (let i = pos; i + 3 < b.length; i++) {
      if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 3 && b[i + 3] === 4) {
        start = i;
        break;
      }
    }
    if (start < 0 || start + 30 > b.length) break;
    const length = (b[start + 26] as number) | ((b[start + 27] as number) << 8);
    if (start + 30 + length > b.length || length === 0) break;
    names.push(new TextDecoder("latin1").decode(b.subarray(start + 30, start + 30 + length)));
    pos = start + 30;
  }
  return names;
}

function zipType(b: Bytes): MimeType {
  const entries = zipEntries(b, 100);
  const first = entries[0] ?? "";
  const officeStart = first === "[Content_Types].xml" || /^(_rels|docProps|customXml|\[trash\])\//.test(first);
  if (officeStart) {
    if (entries.some((e) => e.startsWith("word/"))) return types.docx;
    if (entries.some((e) => e.startsWith("ppt/"))) return types.pptx;
    if (entries.some((e) => e.startsWith("xl/"))) return types.xlsx;
  }
  const declared = new TextDecoder("latin1").decode(b.subarray(30, 30 + 80));
  for (const [prefix, type] of openDocumentTypes) if (declared.startsWith(`mimetype${prefix}`)) return type;
  if (entries.some((e) => ["AndroidManifest.xml", "classes.dex", "resources.arsc"].includes(e))) return types.apk;
  if (entries.slice(0, 1).some((e) => e === "META-INF/" || e === "META-INF/MANIFEST.MF")) return types.jar;
  return types.zip;
}

function oggType(b: Bytes): MimeType {
  if (b.length >= 37) {
    const codec = (...prefixes: string[]) => prefixes.some((p) => startsWithText(b, p, 28));
    if (codec("\x7fFLAC", "\x01vorbis", "OpusHead", "Speex   ")) return types.oggAudio;
    if (codec("\x80theora", "fishead\0", "\x01video\0\0\0")) return types.oggVideo;
  }
  return types.ogg;
}

function isBmp(b: Bytes): boolean {
  if (b.length < 18 || b[0] !== 0x42 || b[1] !== 0x4d) return false;
  const header = (b[14] as number) | ((b[15] as number) << 8) | ((b[16] as number) << 16) | ((b[17] as number) << 24);
  return [16, 24, 40, 48, 52, 56, 64, 108, 124].includes(header);
}

function isMp3(b: Bytes): boolean {
  if (b.length < 3) return false;
  if (startsWithText(b, "ID3")) return true;
  const frame = (((b[0] as number) << 8) | (b[1] as number)) & 0xfffe;
  return frame === 0xfffa || frame === 0xfff2 || frame === 0xffe2;
}

function isQuickTime(b: Bytes): boolean {
  if (b.length < 12) return false;
  if (startsWithText(b, "ftypqt  ", 4) || startsWithText(b, "ftypmoov", 4)) return b[0] === 0;
  for (const atom of ["moov\0", "mdat\0", "free\0", "skip\0", "pnot\0"]) if (startsWithText(b, atom, 4)) return true;
  return startsWith(b, [0, 0, 0, 8, ...ascii("wide")]);
}

function ftypType(b: Bytes): MimeType {
  const brand = new TextDecoder("latin1").decode(b.subarray(8, 12));
  if (brand === "avif" || brand === "avis") return types.avif;
  if (brand === "heic" || brand === "heix") return types.heic;
  if (brand === "M4A ") return types.m4a;
  if (/^3g(p[1-7]|s7|e[67]|g6)$/.test(brand)) return types.threeGp;
  return types.mp4;
}

/** isMatroska: an EBML header whose document type (after the 0x4282 id and its size) is the given one. */
function isMatroska(b: Bytes, docType: string): boolean {
  if (!startsWith(b, [0x1a, 0x45, 0xdf, 0xa3])) return false;
  const limit = Math.min(b.length, 4096);
  for (let i = 1; i + 1 < limit; i++) {
    if (b[i] === 0x42 && b[i + 1] === 0x82) {
      const sizeByte = b[i + 2];
      if (sizeByte === undefined) return false;
      let width = 1;
      while (width <= 8 && !(sizeByte & (0x80 >> (width - 1)))) width++;
      return startsWithText(b, docType, i + 2 + width);
    }
  }
  return false;
}

function isZstd(b: Bytes): boolean {
  if (b.length < 4) return false;
  const sig = ((b[0] as number) | ((b[1] as number) << 8) | ((b[2] as number) << 16) | ((b[3] as number) << 24)) >>> 0;
  return (sig >= 0xfd2fb522 && sig <= 0xfd2fb528) || (sig >= 0x184d2a50 && sig <= 0x184d2a5f);
}

const types = {
  sevenZ: { mime: "application/x-7z-compressed", ext: ".7z" },
  zip: { mime: "application/zip", ext: ".zip", aliases: ["application/x-zip", "application/x-zip-compressed"] },
  docx: { mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ext: ".docx" },
  pptx: { mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation", ext: ".pptx" },
  xlsx: { mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ext: ".xlsx" },
  epub: { mime: "application/epub+zip", ext: ".epub" },
  apk: { mime: "application/vnd.android.package-archive", ext: ".apk" },
  jar: {
    mime: "application/java-archive",
    ext: ".jar",
    aliases: ["application/jar", "application/jar-archive", "application/x-java-archive"],
  },
  pdf: { mime: "application/pdf", ext: ".pdf", aliases: ["application/x-pdf"] },
  ole: { mime: "application/x-ole-storage", ext: "" },
  ps: { mime: "application/postscript", ext: ".ps" },
  psd: { mime: "image/vnd.adobe.photoshop", ext: ".psd", aliases: ["image/x-psd", "application/photoshop"] },
  ogg: { mime: "application/ogg", ext: ".ogg", aliases: ["application/x-ogg"] },
  oggAudio: { mime: "audio/ogg", ext: ".oga" },
  oggVideo: { mime: "video/ogg", ext: ".ogv" },
  png: { mime: "image/png", ext: ".png" },
  jpg: { mime: "image/jpeg", ext: ".jpg" },
  gif: { mime: "image/gif", ext: ".gif" },
  webp: { mime: "image/webp", ext: ".webp" },
  exe: { mime: "application/vnd.microsoft.portable-executable", ext: ".exe" },
  elf: { mime: "application/x-elf", ext: "" },
  bz2: { mime: "application/x-bzip2", ext: ".bz2" },
  tiff: { mime: "image/tiff", ext: ".tiff" },
  bmp: { mime: "image/bmp", ext: ".bmp", aliases: ["image/x-bmp", "image/x-ms-bmp"] },
  ico: { mime: "image/x-icon", ext: ".ico" },
  mp3: { mime: "audio/mpeg", ext: ".mp3", aliases: ["audio/x-mpeg", "audio/mp3"] },
  flac: { mime: "audio/flac", ext: ".flac" },
  midi: { mime: "audio/midi", ext: ".midi", aliases: ["audio/mid", "audio/sp-midi", "audio/x-mid", "audio/x-midi"] },
  wav: { mime: "audio/wav", ext: ".wav", aliases: ["audio/x-wav", "audio/vnd.wave", "audio/wave"] },
  mov: { mime: "video/quicktime", ext: ".mov" },
  mp4: { mime: "video/mp4", ext: ".mp4" },
  avif: { mime: "image/avif", ext: ".avif" },
  heic: { mime: "image/heic", ext: ".heic" },
  m4a: { mime: "audio/x-m4a", ext: ".m4a" },
  threeGp: { mime: "video/3gpp", ext: ".3gp", aliases: ["video/3gp", "audio/3gpp"] },
  webm: { mime: "video/webm", ext: ".webm", aliases: ["audio/webm"] },
  avi: { mime: "video/x-msvideo", ext: ".avi", aliases: ["video/avi", "video/msvideo"] },
  mkv: { mime: "video/x-matroska", ext: ".mkv" },
  gzip: {
    mime: "application/gzip",
    ext: ".gz",
    aliases: [
      "application/x-gzip",
      "application/x-gunzip",
      "application/gzipped",
      "application/gzip-compressed",
      "application/x-gzip-compressed",
      "gzip/document",
    ],
  },
  woff: { mime: "font/woff", ext: ".woff" },
  woff2: { mime: "font/woff2", ext: ".woff2" },
  wasm: { mime: "application/wasm", ext: ".wasm" },
  rar: { mime: "application/x-rar-compressed", ext: ".rar", aliases: ["application/x-rar"] },
  sqlite: { mime: "application/vnd.sqlite3", ext: ".sqlite", aliases: ["application/x-sqlite3"] },
  zstd: { mime: "application/zstd", ext: ".zst" },
  xz: { mime: "application/x-xz", ext: ".xz" },
} satisfies Record<string, MimeType>;

const openDocumentTypes: [string, MimeType][] = [
  ["application/vnd.oasis.opendocument.text", { mime: "application/vnd.oasis.opendocument.text", ext: ".odt" }],
  [
    "application/vnd.oasis.opendocument.spreadsheet",
    { mime: "application/vnd.oasis.opendocument.spreadsheet", ext: ".ods" },
  ],
  [
    "application/vnd.oasis.opendocument.presentation",
    { mime: "application/vnd.oasis.opendocument.presentation", ext: ".odp" },
  ],
  ["application/epub+zip", types.epub],
];

// the text family: types whose names other than the main one also match
const textTypes: MimeType[] = [
  { mime: "text/plain", ext: ".txt" },
  { mime: "text/html", ext: ".html" },
  { mime: "text/xml", ext: ".xml", aliases: ["application/xml"] },
  { mime: "image/svg+xml", ext: ".svg" },
  { mime: "application/rss+xml", ext: ".rss", aliases: ["text/rss"] },
  { mime: "application/atom+xml", ext: ".atom" },
  { mime: "application/json", ext: ".json" },
  { mime: "application/x-ndjson", ext: ".ndjson" },
  { mime: "text/csv", ext: ".csv" },
  { mime: "text/tab-separated-values", ext: ".tsv" },
  { mime: "text/x-php", ext: ".php" },
  { mime: "text/javascript", ext: ".js", aliases: ["application/x-javascript", "application/javascript"] },
  { mime: "text/x-lua", ext: ".lua" },
  { mime: "text/x-perl", ext: ".pl" },
  { mime: "text/x-python", ext: ".py", aliases: ["text/x-script.python", "application/x-python"] },
  { mime: "text/x-ruby", ext: ".rb", aliases: ["application/x-ruby"] },
  { mime: "text/x-tcl", ext: ".tcl", aliases: ["application/x-tcl"] },
  { mime: "text/x-shellscript", ext: ".sh", aliases: ["text/x-sh", "application/x-shellscript", "application/x-sh"] },
  { mime: "text/rtf", ext: ".rtf", aliases: ["application/rtf"] },
  { mime: "application/x-subrip", ext: ".srt", aliases: ["application/x-srt", "text/x-srt"] },
  { mime: "text/vtt", ext: ".vtt" },
  { mime: "text/vcard", ext: ".vcf" },
  { mime: "text/calendar", ext: ".ics" },
];

const byName = new Map<string, MimeType>(
  [...Object.values(types), ...openDocumentTypes.map(([, t]) => t), ...textTypes].map((t) => [t.mime, t]),
);

function baseType(mimeType: string): string {
  return (mimeType.split(";")[0] ?? "").trim().toLowerCase();
}

/** mimeTypeMatches reports whether a detected type (possibly with parameters) is the wanted one or an alias of it. */
export function mimeTypeMatches(detected: string, wanted: string): boolean {
  const base = baseType(detected);
  const want = baseType(wanted);
  return base === want || (byName.get(base)?.aliases ?? []).includes(want);
}

/** mimeExtension is the usual extension (with its dot) of a detected type, or "" when it has none. */
export function mimeExtension(mimeType: string): string {
  return byName.get(baseType(mimeType))?.ext ?? "";
}
