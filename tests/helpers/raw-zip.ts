import { deflateRawSync } from "node:zlib";

/** One entry of a hand-made zip: whatever a hostile or broken archive may say about itself. */
export interface RawZipEntry {
  name: string;
  data?: Uint8Array | string;
  /** Deflate the data (method 8) instead of storing it. */
  deflate?: boolean;
  /** The unix mode in the high bits of the external attributes (e.g. 0o120777 for a symbolic link). */
  unixMode?: number;
  /** The uncompressed size the headers declare (the real one when left out). */
  declaredSize?: number;
}

/**
 * rawZip builds a zip archive byte by byte, so that tests can make the archives zip libraries refuse to
 * write: names with `..` or a leading `/`, symbolic links, sizes that lie.
 */
export function rawZip(entries: readonly RawZipEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const plain = typeof e.data === "string" ? Buffer.from(e.data) : Buffer.from(e.data ?? new Uint8Array());
    const body = e.deflate ? deflateRawSync(plain) : plain;
    const crc = Bun.hash.crc32(plain);
    const size = e.declaredSize ?? plain.length;
    const method = e.deflate ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.unixMode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}
