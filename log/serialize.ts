/**
 * The log as JSON lines (format 2): a header (format version, memhp version, profile and options,
 * the input's name and sha256, the boot layout, what it was forked from), then one record per step.
 * Every line ends in `"hash":"<sha256>"`: the header's hash covers the header, each record's hash
 * covers the previous line's hash and the record, so the lines form a chain. Keys are written in a
 * fixed order and nothing depends on the clock or the working directory, so the same input, profile
 * and options give byte-identical text. Reading, checking and upgrading: log/logfile.ts.
 */
import { createHash, hash } from 'node:crypto';
import type { BootLayout, SourceLoc } from '../kernel/operation.js';
import { describeProfile } from '../kernel/profile.js';
import type { Profile } from '../kernel/types.js';
import type { HotplugLog } from './log.js';
import type { LogStep } from './types.js';
import { MEMHP_VERSION } from './version.js';

/** Format version of the JSON-lines log (1: no hashes, no boot layout, expects without their parsed form). */
export const LOG_FORMAT = 2;

/** Format version of the compact log (log/compact.ts): binary blocks after a JSON header. */
export const COMPACT_FORMAT = 3;

/** memhp's version, written into every log header (log/version.ts). */
export { MEMHP_VERSION };

/** sha256 of the input text, hex. */
export function hashInput(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What a fork changed (`memhp fork`), as its header records it. */
export type ForkChange =
  | { readonly kind: 'drop'; readonly step: number }
  | { readonly kind: 'insert'; readonly op: string }
  | { readonly kind: 'replace'; readonly step: number; readonly op: string };

/** The log a fork was made from: its file name, header hash, the last shared step and the change. */
export interface ForkOrigin {
  readonly file: string;
  readonly hash: string;
  readonly at: number;
  readonly change: ForkChange;
}

/** What a log file says besides its steps. */
export interface LogMeta {
  /** The input's name (no directory) and the sha256 of its text. */
  readonly input: { readonly name: string; readonly sha256: string };
  /** The input's own `kernel` line, if any. */
  readonly kernelLine: string | null;
  /** The boot layout the log was recorded from (null when unknown: an upgraded format-1 log). */
  readonly boot: BootLayout | null;
  readonly forkedFrom: ForkOrigin | null;
}

/** Options of logJsonLines. */
export interface SerializeOptions {
  /** How a source file is named in the log (e.g. relative to the input's directory). */
  readonly sourceName?: (file: string) => string;
}

/** The whole log as JSON lines (header first), ending in a newline. */
export function logToJsonLines(log: HotplugLog, inputText: string, inputName: string, meta: Partial<LogMeta> = {}, opts: SerializeOptions = {}): string {
  const full: LogMeta = { input: meta.input ?? { name: inputName, sha256: hashInput(inputText) }, kernelLine: meta.kernelLine ?? null, boot: meta.boot ?? null, forkedFrom: meta.forkedFrom ?? null };
  let text = '';
  for (const line of logJsonLines(log, full, opts)) text += `${line}\n`;
  return text;
}

/** The log's lines one at a time (no newlines), header first: for logs too big for one string. */
export function logJsonLines(log: HotplugLog, meta: LogMeta, opts: SerializeOptions = {}): Generator<string> {
  return jsonLines(log.profile, log.checkpointEvery, log.length, log.walk(), meta, opts);
}

/** The lines of a log of `count` steps given one by one (`steps` may be produced as they are written: log/record.ts runScenario). */
export function* jsonLines(profile: Profile, checkpointEvery: number, count: number, steps: Iterable<LogStep>, meta: LogMeta, opts: SerializeOptions = {}): Generator<string> {
  const name = opts.sourceName ?? ((f: string): string => f);
  const where = (s: SourceLoc): SourceLoc => ({ file: name(s.file), line: s.line });
  const header = headerFields(profile, checkpointEvery, count, meta, where, LOG_FORMAT);
  let sealed = sealLine(JSON.stringify(header), '');
  yield sealed.line;
  let n = 0;
  for (const s of steps) {
    if (n++ === count) throw new RangeError(`jsonLines: more than the ${count} steps the header announces`);
    sealed = sealLine(JSON.stringify(stepRecord(s, where)), sealed.hash);
    yield sealed.line;
  }
  if (n !== count) throw new RangeError(`jsonLines: ${n} steps, the header announces ${count}`);
}

/** A log file's header object (keys in a fixed order, without its hash); `extra` (format 3's) goes before `steps`. */
export function headerFields(profile: Profile, checkpointEvery: number, count: number, meta: LogMeta, where: (s: SourceLoc) => SourceLoc, format: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    memhp: 'log',
    format,
    version: MEMHP_VERSION,
    profile: describeProfile(profile),
    kernel: profile.kernel,
    arch: profile.geometry.name,
    ...(profile.geometry.PAGING_LEVELS === undefined ? {} : { paging: profile.geometry.PAGING_LEVELS }),
    config: profile.config,
    checkpointEvery,
    input: { name: meta.input.name, sha256: meta.input.sha256 },
    kernelLine: meta.kernelLine,
    boot: meta.boot === null ? null : { ranges: meta.boot.ranges, iomem: meta.boot.iomem, source: fmtSource(where(meta.boot.source)) },
    forkedFrom: meta.forkedFrom,
    ...extra,
    steps: count,
  };
}

/** A step as the record a log file holds (without its hash), keys in a fixed order. */
export function stepRecord(s: LogStep, where: (s: SourceLoc) => SourceLoc = (x) => x): Record<string, unknown> {
  return {
    seq: s.seq,
    source: fmtSource(where(s.source)),
    text: s.text,
    op: s.op,
    inject: s.inject,
    outcome: s.outcome,
    expects: s.expects.map((e) => ({ line: e.source.line, text: e.text, expect: e.expect, ok: e.ok, detail: e.detail })),
    patches: s.patches,
    inversePatches: s.inversePatches,
  };
}

/** The hash of a line: sha256 of the previous line's hash (empty for the header) and the line's JSON without its hash. */
export function chainHash(prevHash: string, content: string): string {
  return hash('sha256', prevHash + content, 'hex');
}

/** A JSON object's text with `"hash"` appended as its last key, and that hash. */
export function sealLine(content: string, prevHash: string): { line: string; hash: string } {
  const hash = chainHash(prevHash, content);
  return { line: `${content.slice(0, -1)},"hash":"${hash}"}`, hash };
}

/** `file:line`. */
export function fmtSource(s: SourceLoc): string {
  return `${s.file}:${s.line}`;
}
