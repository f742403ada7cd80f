/**
 * Reading a format-3 log (log/compact.ts) lazily: the header is checked as format 2's, every frame's
 * sha256 is verified along the chain, and the blocks are kept as the bytes they are — decoded, each
 * record checked field by field (log/record_codec.ts), only when a query first asks for a step in
 * them. The file's states let a query start near any step; one is decoded and checked when used
 * (a state that fails its check is passed over for an earlier one). The last, partial block and the
 * steps after the last state are decoded at once (the live state). A cut or damaged file keeps every
 * complete, verified record before the damage — the records of a cut or damaged block are told apart
 * by their own check values (log/block.ts) — and says `file:N: what is wrong`, N counting the header
 * as 1 and each frame after it as the next. Pure: bytes in, log out.
 */
import { inflateRawSync } from 'node:zlib';
import type { ExpectLine, Scenario, ScenarioStep } from '../inputs/types.js';
import type { ErrorCode } from '../kernel/errors.js';
import type { Geometry } from '../kernel/geometry.js';
import type { KernelState } from '../kernel/types.js';
import { BLOCK_STEPS, decodeBlock } from './block.js';
import { FRAME_BLOCK, FRAME_HASH, FRAME_HEAD, FRAME_STATE, STATE_EVERY, frameHash } from './compact.js';
import { HotplugLog } from './log.js';
import { LogDamageError } from './log_damage_error.js';
import { headerProfile, parseSource, readHeader } from './logfile.js';
import type { LoadedLogFile, LogDamage, ReadLogOptions } from './logfile.js';
import { MAX_LOG_LINE_BYTES } from './logfile_limits.js';
import type { LogHeaderV3 } from './logfile_schema.js';
import { decodeCheckedRecord, decodeRecord } from './record_codec.js';
import { scenarioStepOf } from './record.js';
import type { RecordedStep } from './recorded_step.js';
import type { LogMeta } from './serialize.js';
import { checkStateShape } from './state_check.js';

/** Read a format-3 log from its bytes; fails (with the damage) only when nothing usable is left. */
export function readCompactLog(buf: Uint8Array, file: string, opts: ReadLogOptions = {}): { ok: true; value: LoadedLogFile } | { ok: false; damage: LogDamage } {
  const fail = (line: number, message: string, code: ErrorCode = 'E_LOG'): { ok: false; damage: LogDamage } => ({ ok: false, damage: { code, file, line, message } });
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const nl = bytes.indexOf(10, bom);
  if (nl < 0 && bytes.length - bom > MAX_LOG_LINE_BYTES) return fail(1, `line longer than MAX_LOG_LINE_BYTES (${MAX_LOG_LINE_BYTES} bytes), the longest log line memhp reads`, 'E_LIMIT');
  const h = readHeader({ text: bytes.toString('utf8', bom, nl < 0 ? bytes.length : nl), line: 1, complete: nl >= 0 });
  if (!h.ok) return fail(1, h.message);
  if (h.format !== 3) return fail(1, `format ${h.format}: not a format-3 log`);
  const header = h.header as LogHeaderV3;
  const hp = headerProfile(header);
  if (!hp.ok) return fail(1, hp.message);
  const profile = hp.profile;
  const g = profile.geometry;
  const files = header.files;

  const blocks: Uint8Array[] = [];
  const blockFrames: number[] = [];
  const tail: RecordedStep[] = [];
  const states = new Map<number, Uint8Array>();
  let prev: Uint8Array = Buffer.from(header.hash, 'hex');
  let pos = nl + 1;
  let frameNo = 1;
  let next = 0;
  let damage: LogDamage | null = null;
  const lost = (seq: number): string => (header.steps > seq ? `; steps ${seq}..${header.steps - 1} not loaded` : '');
  const hurt = (message: string): void => {
    damage = { code: 'E_LOG', file, line: frameNo, message: `${message}${lost(next + tail.length)}` };
  };
  /** Records of a block decoded and checked into `tail`; false (with the damage said) at the first that fails. */
  const decodeInto = (records: readonly string[]): boolean => {
    const why = checkedInto(records, files, g, next + tail.length, tail);
    if (why !== null) hurt(`corrupted: ${why}`);
    return why === null;
  };
  while (pos < bytes.length) {
    frameNo++;
    if (bytes.length - pos < FRAME_HEAD) {
      hurt(`truncated: frame ${frameNo} is incomplete (the file ends inside its head)`);
      break;
    }
    const kind = bytes[pos] as number;
    const seq = bytes.readUInt32LE(pos + 1);
    const count = bytes.readUInt32LE(pos + 5);
    const len = bytes.readUInt32LE(pos + 9);
    if (kind !== FRAME_BLOCK && kind !== FRAME_STATE) {
      hurt(`corrupted: frame ${frameNo} is of no kind memhp writes (byte 0x${kind.toString(16)})`);
      break;
    }
    const isBlock = kind === FRAME_BLOCK;
    if (isBlock ? seq !== next || count < 1 || count > BLOCK_STEPS || tail.length > 0 || next + count > header.steps : seq !== next - 1 || next % STATE_EVERY !== 0 || count !== 0) {
      hurt(`corrupted: frame ${frameNo} (${isBlock ? `block of steps ${seq}..${seq + count - 1}` : `state after step ${seq}`}) is not where it belongs after step ${next - 1}${tail.length > 0 ? ' and a last, partial block' : ''}`);
      break;
    }
    const end = pos + FRAME_HEAD + len + FRAME_HASH;
    const payload = bytes.subarray(pos + FRAME_HEAD, Math.min(pos + FRAME_HEAD + len, bytes.length));
    if (end > bytes.length || !frameHash(prev, bytes.subarray(pos, pos + FRAME_HEAD + len)).equals(bytes.subarray(pos + FRAME_HEAD + len, end))) {
      const what = end > bytes.length ? `truncated: frame ${frameNo} is incomplete (the file ends inside it)` : `corrupted: frame ${frameNo} does not match its hash (changed after it was written, or the chain is broken)`;
      // The complete records of a cut or damaged block are kept: each is checked on its own.
      if (isBlock && decodeInto(decodeBlock(payload, true).records.slice(0, count))) hurt(what);
      break;
    }
    prev = bytes.subarray(end - FRAME_HASH, end);
    pos = end;
    if (!isBlock) {
      states.set(seq, payload);
      continue;
    }
    if (count === BLOCK_STEPS) {
      blocks.push(payload);
      blockFrames.push(frameNo);
      next += count;
      continue;
    }
    const d = decodeBlock(payload);
    if (d.damage !== null || d.records.length !== count) {
      hurt(`corrupted: frame ${frameNo}: ${d.damage ?? `holds ${d.records.length} records, its head says ${count}`}`);
      break;
    }
    if (!decodeInto(d.records)) break;
  }
  const loaded = next + tail.length;
  if (damage === null && loaded < header.steps) {
    damage = { code: 'E_LOG', file, line: frameNo + 1, message: `truncated: the header says ${header.steps} steps, the file ends after ${loaded}${lost(loaded)}` };
  }
  if (loaded === 0) return { ok: false, damage: damage ?? { code: 'E_LOG', file, line: 2, message: 'no step 0 (boot)' } };

  const checked = new Set<number>();
  const decode = (b: number, block: Uint8Array): { steps: RecordedStep[]; records: readonly string[] } => {
    const d = decodeBlock(block);
    const at = blockFrames[b] ?? 0;
    if (d.damage !== null || d.records.length !== BLOCK_STEPS) throw new LogDamageError(file, at, `corrupted: ${d.damage ?? `block of steps ${b * BLOCK_STEPS}.. holds ${d.records.length} records`}`);
    if (checked.has(b)) return { steps: d.records.map((json) => decodeRecord(json, files, g.SECTIONS_PER_ROOT)), records: d.records };
    const out: RecordedStep[] = [];
    const why = checkedInto(d.records, files, g, b * BLOCK_STEPS, out);
    if (why !== null) throw new LogDamageError(file, at, `corrupted: ${why}`);
    checked.add(b);
    return { steps: out, records: d.records };
  };
  const stored = (n: number): { n: number; state: KernelState } | null => {
    for (let m = Math.floor((n + 1) / STATE_EVERY) * STATE_EVERY - 1; m > 0; m -= STATE_EVERY) {
      const payload = states.get(m);
      if (payload === undefined || m >= loaded) continue;
      const s = decodeState(payload, g);
      if (s !== null) return { n: m, state: s };
    }
    return null;
  };
  const log = HotplugLog.fromBlocks(profile, { checkpointEvery: opts.checkpointEvery ?? header.checkpointEvery }, { files, blocks, tail, decode, stored });

  const first = log.step(0);
  const bootExpects: readonly ExpectLine[] = first.expects.map((e) => ({ expect: e.expect, source: e.source, text: e.text }));
  const boot = header.boot === null
    ? { ranges: [], iomem: [], source: { file: first.source.file, line: first.source.line } }
    : { ranges: header.boot.ranges, iomem: header.boot.iomem, source: parseSource(header.boot.source) };
  let steps: ScenarioStep[] | null = null;
  const scenario: Scenario = {
    file: header.input.name,
    kernel: header.kernelLine,
    boot,
    bootExpects,
    // The operations, decoded when first asked for (a fork, a run under another profile).
    get steps(): readonly ScenarioStep[] {
      if (steps === null) {
        steps = [];
        for (let i = 1; i < log.length; i++) {
          const s = scenarioStepOf(log.step(i));
          if (s !== null) steps.push(s);
        }
      }
      return steps;
    },
  };
  const meta: LogMeta = { input: header.input, kernelLine: header.kernelLine, boot: header.boot === null ? null : boot, forkedFrom: header.forkedFrom };
  return { ok: true, value: { header, meta, profile, log, scenario, lastHash: Buffer.from(prev).toString('hex'), format: 3, damage } };
}

/** Records (steps `first`…) decoded, each checked field by field, onto `out`; what is wrong with the first that fails, or null. */
function checkedInto(records: readonly string[], files: readonly string[], g: Geometry, first: number, out: RecordedStep[]): string | null {
  for (let i = 0; i < records.length; i++) {
    const r = decodeCheckedRecord(records[i] as string, files, g, first + i);
    if (!r.ok) return r.message;
    out.push(r.step);
  }
  return null;
}

/** A state frame's state, or null when it does not decompress, parse or pass its check. */
function decodeState(payload: Uint8Array, g: Geometry): KernelState | null {
  let value: unknown;
  try {
    value = JSON.parse(inflateRawSync(payload).toString('utf8'));
  } catch {
    return null;
  }
  return checkStateShape(g, value) === null ? (value as KernelState) : null;
}
