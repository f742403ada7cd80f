/**
 * A block: the records of up to BLOCK_STEPS consecutive steps, compressed together. It is the
 * compact form a log keeps in memory (log/log.ts) and the payload of a format-3 file's block line
 * (log/compact.ts), byte for byte. Inside, each record is one line `JSON<TAB>H` where H is the
 * CRC-32 of the JSON chained from the previous record's (8 hex digits; the chain starts afresh in
 * each block), so the complete records of a cut or damaged block can still be told apart from the
 * rest (salvage); the block as a whole is covered by the file's sha256 chain. Raw deflate (zlib
 * level 6): the same records give the same bytes.
 */
import { constants, crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { MAX_LOG_LINE_BYTES } from './logfile_limits.js';

/** Steps in a block (a log's blocks start at multiples of it). */
export const BLOCK_STEPS = 256;

/** Hex digits of a record's check value kept in its line (a CRC-32). */
const RECORD_HASH_DIGITS = 8;

/** The compressed block of these records' JSON texts (in step order). */
export function encodeBlock(records: readonly string[]): Uint8Array {
  // The lines are written as UTF-8 into one reused buffer, each record's CRC taken over its bytes
  // there: building the block as one string and converting it cost 2.4× the whole encoding (issue 17).
  let off = 0;
  let crc = 0;
  for (const json of records) {
    const buf = room(off, json.length * 3 + RECORD_HASH_DIGITS + 2);
    const start = off;
    off += buf.write(json, off, 'utf8');
    crc = crc32(buf.subarray(start, off), crc);
    buf[off++] = 9;
    for (let i = 0; i < RECORD_HASH_DIGITS; i++) buf[off++] = hexDigit(crc, i);
    buf[off++] = 10;
  }
  const out = deflateRawSync(scratch.subarray(0, off), { level: 6 });
  // zlib hands a small output back as a view of its 16 KiB chunk: keep only the bytes.
  return out.buffer.byteLength === out.byteLength ? out : new Uint8Array(out);
}

/** What a block holds: its records' JSON texts, and why it ended early (null: every record verified). */
export interface DecodedBlock {
  readonly records: string[];
  readonly damage: string | null;
}

/**
 * The records of a block. A cut or damaged block (`salvage`) has each record checked against its
 * hash and gives those before the first that is incomplete or does not verify; an intact one all.
 */
export function decodeBlock(buf: Uint8Array, salvage = false): DecodedBlock {
  let text: Buffer;
  try {
    // A cut deflate stream still gives what it holds so far (Z_SYNC_FLUSH: no error at its end).
    text = inflateRawSync(buf, { maxOutputLength: MAX_LOG_LINE_BYTES, ...(salvage ? { finishFlush: constants.Z_SYNC_FLUSH } : {}) });
  } catch (e) {
    return { records: [], damage: `the block does not decompress (${e instanceof Error ? e.message : String(e)})` };
  }
  // Cut at the bytes' newlines and decoded line by line (decoding the whole block as one string is 3× slower).
  const records: string[] = [];
  let crc = 0;
  let start = 0;
  for (let nl = text.indexOf(10); nl >= 0; nl = text.indexOf(10, start)) {
    const tab = nl - RECORD_HASH_DIGITS - 1;
    if (tab <= start || text[tab] !== 9) return { records, damage: `record ${records.length} of the block has no check value` };
    if (salvage) {
      // An intact block was verified whole (its frame's hash, or it never left memory).
      crc = crc32(text.subarray(start, tab), crc);
      if (!isHexOf(text, tab + 1, crc)) return { records, damage: `record ${records.length} of the block does not match its check value` };
    }
    records.push(text.toString('utf8', start, tab));
    start = nl + 1;
  }
  if (start !== text.length) return { records, damage: `record ${records.length} of the block is incomplete` };
  return { records, damage: null };
}

/** An intact block's bytes inflated, and where each record's JSON starts and ends in them (no strings made). */
export interface BlockRecords {
  readonly text: Buffer;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

/** The records of a block known intact (a log's own, or one a loaded log has checked), as byte ranges: a seek parses only the parts it needs. */
export function blockRecords(buf: Uint8Array): BlockRecords {
  const text = inflateRawSync(buf, { maxOutputLength: MAX_LOG_LINE_BYTES });
  const starts: number[] = [];
  const ends: number[] = [];
  let start = 0;
  for (let nl = text.indexOf(10); nl >= 0; nl = text.indexOf(10, start)) {
    starts.push(start);
    ends.push(nl - RECORD_HASH_DIGITS - 1);
    start = nl + 1;
  }
  return { text, starts, ends };
}

/** The buffer blocks are written into before compression (grown as a block needs, kept for the next). */
let scratch = Buffer.allocUnsafe(256 * 1024);

/** The scratch buffer, grown to hold `need` more bytes after its first `used`. */
function room(used: number, need: number): Buffer {
  if (scratch.length - used >= need) return scratch;
  const grown = Buffer.allocUnsafe(Math.max(scratch.length * 2, used + need));
  scratch.copy(grown, 0, 0, used);
  scratch = grown;
  return grown;
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** Digit `i` (0: the highest) of a CRC-32 written as 8 lower-case hex digits, as a byte. */
function hexDigit(crc: number, i: number): number {
  return HEX[(crc >>> (28 - 4 * i)) & 15] as number;
}

/** True when the bytes of `buf` at `at` are `crc`'s 8 hex digits, as encodeBlock writes them. */
function isHexOf(buf: Uint8Array, at: number, crc: number): boolean {
  for (let i = 0; i < RECORD_HASH_DIGITS; i++) if (buf[at + i] !== hexDigit(crc, i)) return false;
  return true;
}
