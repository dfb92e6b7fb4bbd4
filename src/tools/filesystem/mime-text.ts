/**
 * Content types of text files, following the detection PocketBase uses (gabriel-vasile/mimetype): the
 * first of SVG, HTML, XML (RSS, Atom), scripts named by their shebang, JSON, NDJSON, RTF, SubRip, CSV,
 * TSV, vCard, iCalendar and WebVTT that matches, else plain text.
 */

const decoder = new TextDecoder("latin1");

function isWhitespace(c: number | undefined): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;
}

/** isText: a byte-order mark, or none of the bytes that mark binary data (WHATWG mime sniffing). */
export function isText(raw: Uint8Array): boolean {
  if (bomCharset(raw) !== "") return true;
  for (let i = 0; i < Math.min(raw.length, 4096); i++) {
    const b = raw[i] as number;
    if (b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f)) return false;
  }
  return true;
}

function bomCharset(raw: Uint8Array): string {
  const starts = (...bytes: number[]) => bytes.every((b, i) => raw[i] === b);
  if (starts(0xef, 0xbb, 0xbf)) return "utf-8";
  if (starts(0x00, 0x00, 0xfe, 0xff)) return "utf-32be";
  if (starts(0xff, 0xfe, 0x00, 0x00)) return "utf-32le";
  if (starts(0xfe, 0xff)) return "utf-16be";
  if (starts(0xff, 0xfe)) return "utf-16le";
  return "";
}

/** textType names a text file's type (with a charset for plain text, HTML and XML). */
export function textType(raw: Uint8Array, truncated: boolean): string {
  const text = decoder.decode(raw);
  const child = childType(raw, text, truncated);
  if (child !== "text/plain" && child !== "text/html" && child !== "text/xml") return child;
  const charset = plainCharset(raw.subarray(0, 1024));
  return charset === "" ? child : `${child}; charset=${charset}`;
}

function childType(raw: Uint8Array, text: string, truncated: boolean): string {
  if (isSvg(text)) return "image/svg+xml";
  if (markup(raw, text, htmlTags)) return "text/html";
  if (markup(raw, text, ["<?XML"])) return xmlChild(text);
  if (
    ciPrefix(text, ["<?PHP", "<?\n", "<?\r", "<? "]) ||
    shebang(text, ["/usr/local/bin/php", "/usr/bin/php", "/usr/bin/env php"])
  )
    return "text/x-php";
  if (
    shebang(text, [
      "/bin/node",
      "/usr/bin/node",
      "/bin/nodejs",
      "/usr/bin/nodejs",
      "/usr/bin/env node",
      "/usr/bin/env nodejs",
    ])
  )
    return "text/javascript";
  if (shebang(text, ["/usr/bin/lua", "/usr/local/bin/lua", "/usr/bin/env lua"], true)) return "text/x-lua";
  if (shebang(text, ["/usr/bin/perl", "/usr/bin/env perl"], true)) return "text/x-perl";
  if (shebang(text, ["/usr/bin/python", "/usr/local/bin/python", "/usr/bin/env python"])) return "text/x-python";
  if (shebang(text, ["/usr/bin/ruby", "/usr/local/bin/ruby", "/usr/bin/env ruby"])) return "text/x-ruby";
  if (isJson(text, truncated)) return "application/json";
  if (isNdJson(text)) return "application/x-ndjson";
  if (text.startsWith("{\\rtf")) return "text/rtf";
  if (isSubRip(text)) return "application/x-subrip";
  if (shebang(text, ["/usr/bin/tcl", "/usr/local/bin/tcl", "/usr/bin/env tcl", "/usr/bin/tclsh", "/usr/bin/wish"]))
    return "text/x-tcl";
  if (isSeparatedValues(text, ",", truncated)) return "text/csv";
  if (isSeparatedValues(text, "\t", truncated)) return "text/tab-separated-values";
  if (ciPrefix(text, ["BEGIN:VCARD\n", "BEGIN:VCARD\r\n"])) return "text/vcard";
  if (ciPrefix(text, ["BEGIN:VCALENDAR\n", "BEGIN:VCALENDAR\r\n"])) return "text/calendar";
  if (/^(\xef\xbb\xbf)?WEBVTT([\n\r \t]|$)/.test(text)) return "text/vtt";
  const shells = ["sh", "bash", "csh", "dash", "ksh", "tcsh", "zsh"];
  if (
    shebang(
      text,
      shells.flatMap((s) => [`/bin/${s}`, `/usr/local/bin/${s}`, `/usr/bin/env ${s}`]),
      true,
    )
  )
    return "text/x-shellscript";
  return "text/plain";
}

/** ciPrefix: the text starts with one of the signatures (letters in any case) and goes on after it. */
function ciPrefix(text: string, signatures: string[]): boolean {
  return signatures.some((sig) => text.length > sig.length && text.slice(0, sig.length).toUpperCase() === sig);
}

const htmlTags = [
  "<!DOCTYPE HTML",
  "<HTML",
  "<HEAD",
  "<SCRIPT",
  "<IFRAME",
  "<H1",
  "<DIV",
  "<FONT",
  "<TABLE",
  "<A",
  "<STYLE",
  "<TITLE",
  "<B",
  "<BODY",
  "<BR",
  "<P",
  "<!--",
];

/** markup: after a BOM and whitespace, one of the tags (any case), followed by whitespace or ">". */
function markup(raw: Uint8Array, text: string, tags: string[]): boolean {
  let s = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? text.slice(3) : text;
  s = s.replace(/^[\t\n\f\r ]+/, "");
  return tags.some((tag) => {
    if (s.length < tag.length + 1 || s.slice(0, tag.length).toUpperCase() !== tag) return false;
    const next = s.charCodeAt(tag.length);
    return isWhitespace(next) || next === 0x3e;
  });
}

function xmlChild(text: string): string {
  const head = text.replace(/<\?xml[^>]*>/i, "");
  if (/<rss[\s>/]/.test(head)) return "application/rss+xml";
  if (/<feed[^>]*xmlns="http:\/\/www\.w3\.org\/2005\/Atom"/.test(head)) return "application/atom+xml";
  return "text/xml";
}

/** isSvg: an <svg> root with the SVG namespace (comments before it allowed), or an XML header and an <svg>. */
function isSvg(text: string): boolean {
  let s = text.replace(/^[\t\n\f\r ]+/, "");
  if (s.startsWith("<?xml")) {
    return /^<\?xml[\t\n\f\r ]+[^>]*\bversion\s*=/.test(s) && s.slice(0, 4096).includes("<svg");
  }
  for (let m = /^<!--[\s\S]*?-->/.exec(s); m; m = /^<!--[\s\S]*?-->/.exec(s)) s = s.slice(m[0].length);
  const tag = /^<svg(?:[\t\n\f\r /][^>]*)?(?:>|$)/.exec(s);
  return tag !== null && /\bxmlns\s*=\s*(["']?)http:\/\/www\.w3\.org\/2000\/svg\1(?=[\s/>]|$)/.test(tag[0]);
}

function shebang(text: string, interpreters: string[], fullWord = false): boolean {
  const line = text.split("\n", 1)[0]?.replace(/\r$/, "") ?? "";
  if (!line.startsWith("#!")) return false;
  const rest = line
    .slice(2)
    .replace(/^[\t\n\f\r ]+/, "")
    .replace(/[\t\n\f\r ]+/g, " ");
  return interpreters.some((i) => {
    if (!rest.startsWith(i) && !rest.startsWith(i.replace("/usr/bin/env ", "/usr/bin/env -S "))) return false;
    const after = rest.charAt(rest.startsWith(i) ? i.length : i.length + 3);
    return !fullWord || after === "" || after === " ";
  });
}

/**
 * JsonScan walks JSON the way PocketBase's detector does. It is lenient where that one is (trailing commas,
 * numbers such as ".5" or "1.", a failed value still counting its opening bracket), because the type it
 * reports depends on those results: `consumed` is what a value took (0 on failure), `inspected` how many
 * bytes were looked at before the first error.
 */
class JsonScan {
  inspected = 0;
  firstToken = "";
  #depth = 0;

  constructor(readonly s: string) {}

  #spaces(at: number): number {
    let n = 0;
    while (at + n < this.s.length && " \t\r\n".includes(this.s[at + n] as string)) n++;
    this.inspected += n;
    return n;
  }

  value(at: number, top = true): number {
    if (this.#depth > 4096) return 0;
    let n = this.#spaces(at);
    if (at + n >= this.s.length) return 0;
    const c = this.s[at + n];
    let taken: number;
    let token: string;
    if (c === '"' || c === "[" || c === "{") {
      n++;
      this.inspected++;
      this.#depth++;
      taken = c === '"' ? this.#string(at + n) : c === "[" ? this.#array(at + n) : this.#object(at + n);
      this.#depth--;
      token = c === '"' ? "string" : c === "[" ? "array" : "object";
    } else if (c === "t" || c === "f" || c === "n") {
      taken = this.#literal(at + n, c === "t" ? "true" : c === "f" ? "false" : "null");
      token = "literal";
    } else {
      taken = this.#number(at + n);
      token = "number";
    }
    if (top) this.firstToken = token;
    if (taken <= 0) return n;
    n += taken;
    return n + this.#spaces(at + n);
  }

  #literal(at: number, word: string): number {
    for (let i = 0; i < word.length; i++) {
      if (this.s[at + i] !== word[i]) return 0;
      this.inspected++;
    }
    return word.length;
  }

  #string(at: number): number {
    let n = 0;
    while (at + n < this.s.length) {
      const c = this.s[at + n];
      n++;
      this.inspected++;
      if (c === '"') return n;
      if (c !== "\\") continue;
      const e = this.s[at + n];
      if (e === undefined) return 0;
      if ('"\\/bfnrt'.includes(e)) {
        n++;
        this.inspected++;
      } else if (e === "u") {
        n++;
        this.inspected++;
        for (let j = 0; j < 4 && at + n < this.s.length; j++) {
          if (!/[0-9a-fA-F]/.test(this.s[at + n] as string)) return 0;
          n++;
          this.inspected++;
        }
      } else return 0;
    }
    return 0;
  }

  #number(at: number): number {
    const m = /^(-?)(\d*)(\.?)(\d*)/.exec(this.s.slice(at)) as RegExpExecArray;
    let n = m[0].length;
    let digits = (m[2] as string).length + (m[4] as string).length > 0;
    if (digits && at + n < this.s.length && (this.s[at + n] === "e" || this.s[at + n] === "E")) {
      const exp = /^[eE]([+-]?)(\d*)/.exec(this.s.slice(at + n)) as RegExpExecArray;
      n += exp[0].length;
      digits = (exp[2] as string).length > 0;
    }
    this.inspected += n;
    return digits ? n : 0;
  }

  #array(at: number): number {
    let n = 0;
    if (at >= this.s.length) return 0;
    while (at + n < this.s.length) {
      n += this.#spaces(at + n);
      if (at + n >= this.s.length) return 0;
      if (this.s[at + n] === "]") {
        this.inspected++;
        return n + 1;
      }
      const inner = this.value(at + n, false);
      if (inner === 0) return 0;
      n += inner;
      if (at + n >= this.s.length) return 0;
      const c = this.s[at + n];
      this.inspected++;
      if (c === "]") return n + 1;
      if (c !== ",") return 0;
      n++;
    }
    return 0;
  }

  #object(at: number): number {
    let n = 0;
    while (at + n < this.s.length) {
      n += this.#spaces(at + n);
      if (at + n >= this.s.length) return 0;
      if (this.s[at + n] === "}") {
        this.inspected++;
        return n + 1;
      }
      if (this.s[at + n] !== '"') return 0;
      n++;
      this.inspected++;
      const key = this.#string(at + n);
      if (key === 0) return 0;
      n += key;
      n += this.#spaces(at + n);
      if (this.s[at + n] !== ":") return 0;
      n++;
      this.inspected++;
      n += this.#spaces(at + n);
      if (at + n >= this.s.length) return 0;
      const value = this.value(at + n, false);
      if (value === 0) return 0;
      n += value;
      if (at + n >= this.s.length) return 0;
      const c = this.s[at + n];
      this.inspected++;
      if (c === "}") return n + 1;
      if (c !== ",") return 0;
      n++;
    }
    return 0;
  }
}

/** isJson: an object or array; the whole text when it is complete, no error before the cut when truncated. */
function isJson(text: string, truncated: boolean): boolean {
  const first = text.replace(/^[\t\n\f\r ]+/, "")[0];
  if (first !== "{" && first !== "[") return false;
  const scan = new JsonScan(text);
  const consumed = scan.value(0);
  return truncated ? scan.inspected === text.length && text.length > 0 : consumed === text.length;
}

/** isNdJson: more than one line, each read without error to its end, at least one an object or array. */
function isNdJson(text: string): boolean {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  let objects = 0;
  for (const line of lines) {
    const l = line.replace(/\r$/, "");
    const scan = new JsonScan(l);
    scan.value(0);
    if (scan.inspected !== l.length) return false;
    if (scan.firstToken === "object" || scan.firstToken === "array") objects++;
  }
  return lines.length > 1 && objects > 0;
}

function isSubRip(text: string): boolean {
  const [first, second, third] = text.split("\n").map((l) => l.replace(/\r$/, ""));
  if (first !== "1" || second === undefined || second.length !== 29 || second.includes(".")) return false;
  const m = /^(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)$/.exec(second);
  if (!m) return false;
  const [h0, m0, s0, f0, h1, m1, s1, f1] = m.slice(1).map(Number) as number[];
  if ([h0, h1].some((h) => (h as number) > 23) || [m0, m1, s0, s1].some((v) => (v as number) > 59)) return false;
  const start = (((h0 as number) * 60 + (m0 as number)) * 60 + (s0 as number)) * 1000 + (f0 as number);
  const end = (((h1 as number) * 60 + (m1 as number)) * 60 + (s1 as number)) * 1000 + (f1 as number);
  return start <= end && third !== undefined && third !== "";
}

/**
 * isSeparatedValues: at least two records (the header included) with the same number of fields, at least
 * two of them; empty and "#" lines are skipped. A file cut at the detection limit loses its last line.
 */
function isSeparatedValues(text: string, separator: string, truncated: boolean): boolean {
  let s = text;
  if (truncated) {
    const lastBreak = s.lastIndexOf("\n");
    if (lastBreak > 0) s = s.slice(0, lastBreak);
  }
  const reader = new RecordReader(s, separator);
  const header = reader.countFields();
  if (header < 2) return false;
  let records = 1;
  for (let fields = reader.countFields(); fields > 0; fields = reader.countFields()) {
    records++;
    if (fields !== header) return false;
    if (records >= 10) return true;
  }
  return records >= 2;
}

/**
 * RecordReader counts the fields of CSV/TSV records as PocketBase's detector does: a quoted field may span
 * lines and double its quotes; text after a closing quote that is no separator keeps the field open.
 */
class RecordReader {
  #pos = 0;

  constructor(
    readonly s: string,
    readonly separator: string,
  ) {}

  /** #readLine returns the next line with its "\n" (a "\r\n" is dropped and reported as cut short). */
  #readLine(): { line: string; cutShort: boolean } {
    const end = this.s.indexOf("\n", this.#pos);
    const line = this.s.slice(this.#pos, end < 0 ? this.s.length : end + 1);
    this.#pos += line.length;
    if (line.endsWith("\r\n")) return { line: line.slice(0, -2), cutShort: true };
    if (line.endsWith("\r")) return { line: line.slice(0, -1), cutShort: false };
    return { line, cutShort: false };
  }

  /** countFields reads the next record and returns its number of fields (0 when there is none). */
  countFields(): number {
    let { line, cutShort } = this.#readLine();
    let finished = false;
    for (;;) {
      if (finished) return 0;
      finished = this.#pos >= this.s.length && line === "";
      if (line === "" || line === "\n" || line.startsWith("#")) {
        ({ line, cutShort } = this.#readLine());
        continue;
      }
      break;
    }
    let fields = 0;
    let rest = line;
    for (;;) {
      if (!rest.startsWith('"')) {
        fields++;
        const comma = rest.indexOf(this.separator);
        if (comma < 0) return fields;
        rest = rest.slice(comma + 1);
        continue;
      }
      rest = rest.slice(1);
      for (;;) {
        const quote = rest.indexOf('"');
        if (quote >= 0) {
          rest = rest.slice(quote + 1);
          if (rest.startsWith('"')) rest = rest.slice(1);
          else if (rest.startsWith(this.separator)) {
            rest = rest.slice(1);
            fields++;
            break;
          } else if (rest === "" || rest === "\n") return fields + 1;
        } else if (rest !== "" || cutShort) {
          ({ line: rest, cutShort } = this.#readLine());
        } else return fields + 1;
      }
    }
  }
}

/** plainCharset names the charset of text (BOM, else utf-8 for ASCII or valid UTF-8, else a Latin one). */
function plainCharset(raw: Uint8Array): string {
  if (raw.length === 0) return "";
  const bom = bomCharset(raw);
  if (bom !== "") return bom;
  let end = raw.length;
  // a multi-byte character cut at the end doesn't make the text invalid
  for (let i = raw.length - 1; i >= 0 && i > raw.length - 4; i--) {
    const b = raw[i] as number;
    if (b < 0x80) break;
    if ((b & 0xc0) !== 0x80) {
      end = i;
      break;
    }
  }
  const content = raw.subarray(0, end);
  if (content.some((b) => b >= 0x80)) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(content);
      return "utf-8";
    } catch {
      // not UTF-8: a Latin charset, if the bytes fit one
    }
  }
  const isAsciiText = (b: number) => (b >= 0x07 && b <= 0x0d) || b === 0x1b || (b >= 0x20 && b <= 0x7e);
  if (raw.every(isAsciiText)) return "utf-8";
  let c1Controls = false;
  for (const b of raw) {
    if (b === 0x85) c1Controls = true;
    else if (!(isAsciiText(b) || b >= 0xa0)) return "";
  }
  return c1Controls ? "windows-1252" : "iso-8859-1";
}
