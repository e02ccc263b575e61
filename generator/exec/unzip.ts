import { createReadStream, createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createInflateRaw, crc32 } from "node:zlib";
import AdmZip from "adm-zip";

const STORED = 0;
const DEFLATED = 8;
const LOCAL_HEADER_SIZE = 30;

/**
 * Extracts single entries of a zip file to disk. adm-zip reads the central directory (where each
 * entry starts, its size and checksum); the data itself is streamed through zlib instead of
 * adm-zip's getData, which would hold each ~60 MB binary in memory and is about 1.5× slower.
 * Every entry is checked against its size and CRC-32, so a truncated or corrupted archive never
 * produces a binary that looks fine.
 */
export async function extractEntries(
  zipPath: string,
  entries: ReadonlyArray<{ name: string; dest: string; mode: number }>,
): Promise<void> {
  const zip = new AdmZip(zipPath);
  for (const { name, dest, mode } of entries) {
    const entry = zip.getEntry(name);
    if (!entry) throw new Error(`${zipPath} has no entry ${name}`);
    const h = entry.header;
    if (h.method !== DEFLATED && h.method !== STORED) throw new Error(`${name}: unsupported zip method ${h.method}`);
    const start = await dataOffset(zipPath, h.offset);
    let crc = 0;
    let size = 0;
    const check = new Transform({
      transform(chunk: Buffer, _enc, done) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        done(null, chunk);
      },
    });
    if (h.compressedSize === 0) throw new Error(`${name}: empty entry`); // {start, end} cannot express 0 bytes
    const raw = createReadStream(zipPath, { start, end: start + h.compressedSize - 1 });
    const out = createWriteStream(dest, { mode });
    if (h.method === DEFLATED) await pipeline(raw, createInflateRaw(), check, out);
    else await pipeline(raw, check, out);
    if (size !== h.size || crc >>> 0 !== h.crc >>> 0) {
      throw new Error(`${name}: size/CRC mismatch after extraction (archive corrupt?)`);
    }
  }
}

/** The entry's data follows its local header, whose name and extra field lengths can differ from the central directory's. */
async function dataOffset(zipPath: string, headerOffset: number): Promise<number> {
  const fh = await open(zipPath, "r");
  try {
    const buf = Buffer.alloc(LOCAL_HEADER_SIZE);
    await fh.read(buf, 0, LOCAL_HEADER_SIZE, headerOffset);
    if (buf.readUInt32LE(0) !== 0x04034b50) throw new Error(`${zipPath}: bad local header at ${headerOffset}`);
    return headerOffset + LOCAL_HEADER_SIZE + buf.readUInt16LE(26) + buf.readUInt16LE(28);
  } finally {
    await fh.close();
  }
}
