/**
 * JSON escapes PostgreSQL's JSON functions can't read: an escaped U+0000 (`\u0000`), which JSONB can't hold,
 * and an escaped lone surrogate (`\ud800` without its pair), which they refuse, a whole statement failing on
 * one such value. The packed rows' writers (packed-insert.ts, packed-copy.ts) write an escaped U+0000 as
 * U+FFFD's escape, so that the logs' `data` goes into a JSON or JSONB column alike; the dialect refuses either
 * for a JSONB column. A literal backslash before `u0000` (`\\u0000`) is text and stays.
 */

const escapedNul = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * mayEscapeNul says whether the backslash at bytes[i] starts `\u0000` within bytes[..., to): maybe an escaped
 * U+0000, maybe the end of an escaped backslash, which withoutEscapedNul tells apart.
 */
export function mayEscapeNul(bytes: Uint8Array, i: number, to: number): boolean {
  return (
    i + 6 <= to &&
    bytes[i + 1] === 0x75 &&
    bytes[i + 2] === 0x30 &&
    bytes[i + 3] === 0x30 &&
    bytes[i + 4] === 0x30 &&
    bytes[i + 5] === 0x30
  );
}

/** hasEscapedNul says whether a JSON text holds an escaped U+0000 (not an escaped backslash before `u0000`). */
export function hasEscapedNul(json: string): boolean {
  escapedNul.lastIndex = 0;
  return escapedNul.test(json);
}

const escapedLoneSurrogate =
  /(?<!\\)(?:\\\\)*\\u(?:d[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})|(?<!\\ud[89ab][0-9a-f]{2}\\u)d[c-f][0-9a-f]{2})/i;

/** hasEscapedLoneSurrogate says whether a JSON text holds half of a surrogate pair, escaped, without the other. */
export function hasEscapedLoneSurrogate(json: string): boolean {
  return json.includes("\\u") && escapedLoneSurrogate.test(json);
}

/** withoutEscapedNul is the JSON text bytes[from, to) with each escaped U+0000 as `\ufffd` (as long). */
export function withoutEscapedNul(bytes: Uint8Array, from: number, to: number): Buffer {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString();
  return Buffer.from(text.replace(escapedNul, "$1\\ufffd"));
}
