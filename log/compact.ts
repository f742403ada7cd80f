/**
 * The log as a format-3 file: compact, binary after its header, loaded lazily (log/logfile_compact.ts).
 *
 *   line 1   the header, JSON as format 2's (format 3), plus `files` (the source files the records
 *            name by number), `block` (steps a block holds) and `stateEvery`; sealed with its sha256
 *   frames   one after another, each  kind(1) seq(u32le) count(u32le) length(u32le) payload sha256(32)
 *            kind 'B': a block — the records of steps seq..seq+count-1, as log/block.ts compresses
 *                      them (the very bytes a log keeps in memory); every block but the last holds
 *                      `block` steps
 *            kind 'S': a state — the state after step seq, deflated JSON, written before each block
 *                      that starts at a multiple of `stateEvery` (so a query starts near any step)
 *
 * Each frame's sha256 covers the previous frame's (the header's for the first) and the frame, so
 * the frames form a chain as format 2's lines do. Nothing depends on the clock or the working
 * directory: the same input, profile and options give the same bytes.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { SourceLoc } from '../kernel/operation.js';
import type { KernelState, Profile } from '../kernel/types.js';
import { BLOCK_STEPS, encodeBlock } from './block.js';
import type { HotplugLog } from './log.js';
import { RecordedStep } from './recorded_step.js';
import type { StepAndState } from './record.js';
import { encodeRecord } from './record_codec.js';
import { COMPACT_FORMAT, headerFields, logJsonLines, sealLine } from './serialize.js';
import type { LogMeta, SerializeOptions } from './serialize.js';

/** Steps between the states a format-3 file holds (a multiple of BLOCK_STEPS). */
export const STATE_EVERY = 16 * BLOCK_STEPS;

/** Frame kinds. */
export const FRAME_BLOCK = 0x42;
export const FRAME_STATE = 0x53;

/** Bytes before a frame's payload, and of its hash after it. */
export const FRAME_HEAD = 13;
export const FRAME_HASH = 32;

/** A recorded log as format-3 chunks (the header line as text, then frames as bytes), its blocks written as they are kept. */
export function* logCompactFrames(log: HotplugLog, meta: LogMeta, opts: SerializeOptions = {}): Generator<string | Uint8Array> {
  if (!log.compact) throw new RangeError('logCompactFrames: the log holds steps that are not RecordedSteps');
  const w = new FrameWriter(headerLine(log.profile, log.checkpointEvery, log.length, log.files, meta, opts));
  yield w.header;
  const blocks = log.blocks;
  for (let b = 0; b < blocks.length; b++) {
    const seq = b * BLOCK_STEPS;
    yield* w.block(seq, BLOCK_STEPS, blocks[b] as Uint8Array, () => log.stateAt(seq - 1));
  }
  const open = log.openSteps;
  if (open.length > 0) {
    const seq = blocks.length * BLOCK_STEPS;
    yield* w.block(seq, open.length, encodeBlock(open.map((s) => encodeRecord(s as RecordedStep, log.fileNumber(s.source.file)))), () => log.stateAt(seq - 1));
  }
}

/** A recorded log as the chunks of a file of `format` (COMPACT_FORMAT when the log is compact, else format 2's JSON lines). */
export function logFileChunks(log: HotplugLog, format: number, meta: LogMeta, opts: SerializeOptions = {}): Iterable<string | Uint8Array> {
  return format === COMPACT_FORMAT && log.compact ? logCompactFrames(log, meta, opts) : logJsonLines(log, meta, opts);
}

/** A log of `count` steps given one by one with their states (as log/record.ts runScenario makes them) as format-3 chunks; `files`: the source files in the order the steps first name them. */
export function* compactFrames(profile: Profile, checkpointEvery: number, count: number, files: readonly string[], source: Iterable<StepAndState>, meta: LogMeta, opts: SerializeOptions = {}): Generator<string | Uint8Array> {
  const w = new FrameWriter(headerLine(profile, checkpointEvery, count, files, meta, opts));
  yield w.header;
  const index = new Map(files.map((f, i) => [f, i]));
  let records: string[] = [];
  let first = 0;
  let before: KernelState | null = null;
  let last: KernelState | null = null;
  let n = 0;
  for (const { step, state } of source) {
    if (n++ === count) throw new RangeError(`compactFrames: more than the ${count} steps the header announces`);
    if (!(step instanceof RecordedStep)) throw new RangeError('compactFrames: a step that is not a RecordedStep');
    const file = index.get(step.source.file);
    if (file === undefined) throw new RangeError(`compactFrames: ${step.source.file} is not in the file table`);
    if (records.length === 0) {
      first = step.seq;
      before = last;
    }
    records.push(encodeRecord(step, file));
    last = state;
    if (records.length === BLOCK_STEPS) {
      yield* w.block(first, records.length, encodeBlock(records), () => before);
      records = [];
    }
  }
  if (n !== count) throw new RangeError(`compactFrames: ${n} steps, the header announces ${count}`);
  if (records.length > 0) yield* w.block(first, records.length, encodeBlock(records), () => before);
}

/** The source files of a scenario's steps in the order a log records them (boot first). */
export function scenarioFiles(boot: SourceLoc, steps: Iterable<{ readonly source: SourceLoc }>): string[] {
  const seen = new Set<string>([boot.file]);
  for (const s of steps) seen.add(s.source.file);
  return [...seen];
}

/** The hash of a frame: sha256 of the previous hash (32 bytes) and the frame's bytes before its hash. */
export function frameHash(prev: Uint8Array, frame: Uint8Array): Buffer {
  return createHash('sha256').update(prev).update(frame).digest();
}

// --- internal ---

function headerLine(profile: Profile, checkpointEvery: number, count: number, files: readonly string[], meta: LogMeta, opts: SerializeOptions): { line: string; hash: string } {
  const name = opts.sourceName ?? ((f: string): string => f);
  const where = (s: SourceLoc): SourceLoc => ({ file: name(s.file), line: s.line });
  const header = headerFields(profile, checkpointEvery, count, meta, where, COMPACT_FORMAT, { files: files.map(name), block: BLOCK_STEPS, stateEvery: STATE_EVERY });
  return sealLine(JSON.stringify(header), '');
}

/** Frames chained from a header. */
class FrameWriter {
  readonly header: string;
  private prev: Uint8Array;

  constructor(sealed: { line: string; hash: string }) {
    this.header = sealed.line;
    this.prev = Buffer.from(sealed.hash, 'hex');
  }

  /** A frame with its hash, chained to the previous one. */
  frame(kind: number, seq: number, count: number, payload: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(FRAME_HEAD + payload.length + FRAME_HASH);
    out[0] = kind;
    out.writeUInt32LE(seq, 1);
    out.writeUInt32LE(count, 5);
    out.writeUInt32LE(payload.length, 9);
    out.set(payload, FRAME_HEAD);
    const h = frameHash(this.prev, out.subarray(0, FRAME_HEAD + payload.length));
    h.copy(out, FRAME_HEAD + payload.length);
    this.prev = h;
    return out;
  }

  /**
   * The frames of a block of `count` steps from step `first`: the block frame, preceded by the state
   * frame of the state before it (`before()`) when the block starts at a positive multiple of STATE_EVERY.
   */
  *block(first: number, count: number, payload: Uint8Array, before: () => KernelState | null): Generator<Buffer> {
    const state = first > 0 && first % STATE_EVERY === 0 ? before() : null;
    if (state !== null) yield this.frame(FRAME_STATE, first - 1, 0, deflateRawSync(JSON.stringify(state), { level: 6 }));
    yield this.frame(FRAME_BLOCK, first, count, payload);
  }
}
