/**
 * Reading a log file (JSON lines, log/serialize.ts) back into a HotplugLog: check the header
 * (an unknown or newer format is refused with what differs; format 1 is upgraded by
 * log/logfile_upgrade.ts), verify each record's hash against the chain, check every field of it
 * (log/logfile_schema.ts, log/logfile_check.ts: a chain anyone can seal again proves nothing
 * about who wrote a record), rebuild every state from the records' patches (checkpoints are never
 * read from a file: the log rebuilds them), and on a truncated, corrupted or forged file keep every
 * complete, verified record before the damage and say `file:line: what is wrong`. A UTF-8 byte
 * order mark before the header is skipped; the limits of log/logfile_limits.ts are refused by
 * name. Pure: lines in, log out (log/logfile_fs.ts reads the lines).
 */
import type { ExpectLine, Expectation, Scenario, ScenarioStep } from '../inputs/types.js';
import type { ErrorCode, Failed, LocatedError } from '../kernel/errors.js';
import type { Operation, SourceLoc } from '../kernel/operation.js';
import { describeProfile, resolveProfile } from '../kernel/profile.js';
import { emptyState } from '../model/model.js';
import type { Geometry } from '../kernel/geometry.js';
import type { InjectedFailure, KernelState, Outcome, Profile } from '../kernel/types.js';
import { HotplugLog, applyPatches } from './log.js';
import { Interner } from './intern.js';
import { changesFromPatches } from './logfile_changes.js';
import { checkBoot, checkChangesAgainst, checkEffects, checkExpects, checkOperation } from './logfile_check.js';
import { MAX_LOG_LINE_BYTES } from './logfile_limits.js';
import { HeaderV1, HeaderV2, HeaderV3, RecordV1, RecordV2, check, validate } from './logfile_schema.js';
import { RecordedStep } from './recorded_step.js';
import type { LogHeader, LogRecord } from './logfile_schema.js';
import { upgradeHeader, upgradeRecord } from './logfile_upgrade.js';
import { COMPACT_FORMAT, LOG_FORMAT, MEMHP_VERSION, chainHash } from './serialize.js';
import type { LogMeta } from './serialize.js';
import type { LogStep } from './types.js';

/** One line of a log file: its text (no newline), 1-based line number, and whether a newline ended it. */
export interface LogLine {
  readonly text: string;
  readonly line: number;
  readonly complete: boolean;
  /** Set when the line is longer than MAX_LOG_LINE_BYTES: its text is not kept ('') and this is its length so far. */
  readonly tooLong?: number;
}

/** What is wrong with a log file, and where (the first damaged line): E_LOG, E_LIMIT for a line past MAX_LOG_LINE_BYTES, E_IO for a file that cannot be read. */
export type LogDamage = LocatedError;

/** A log file read back: its header, the log of every usable step, the scenario those steps ran, and any damage. */
export interface LoadedLogFile {
  readonly header: LogHeader;
  readonly meta: LogMeta;
  readonly profile: Profile;
  readonly log: HotplugLog;
  readonly scenario: Scenario;
  /** The hash of the last loaded line (the chain's end; '' for an upgraded format-1 file). */
  readonly lastHash: string;
  /** The format the file was written in (1 = upgraded on reading). */
  readonly format: number;
  /** The first damage found; every step before it is loaded, none after. */
  readonly damage: LogDamage | null;
}

/** Options of readLogLines. */
export interface ReadLogOptions {
  /** Checkpoint interval of the rebuilt log (default: the one the header records). */
  readonly checkpointEvery?: number;
}

/** Read a log file's lines; fails (with the damage) only when nothing usable is left: no readable header or no step 0. */
export function readLogLines(lines: Iterable<LogLine>, file: string, opts: ReadLogOptions = {}): { ok: true; value: LoadedLogFile } | { ok: false; damage: LogDamage } {
  const it = lines[Symbol.iterator]();
  const first = it.next();
  const fail = (line: number, message: string, code: ErrorCode = 'E_LOG'): { ok: false; damage: LogDamage } => ({ ok: false, damage: { code, file, line, message } });
  if (first.done) return fail(1, 'empty file: no log header');
  const long = tooLong(first.value);
  if (long !== null) return fail(1, long, 'E_LIMIT');
  // A UTF-8 byte order mark (an editor's) is not part of the header.
  const head = first.value.text.charCodeAt(0) === 0xfeff ? { ...first.value, text: first.value.text.slice(1) } : first.value;
  const h = readHeader(head);
  if (!h.ok) return fail(1, h.message);
  const { header, format } = h;
  if (format === COMPACT_FORMAT) return fail(1, 'a format-3 log is binary after its header: it is read from its bytes (log/logfile_compact.ts), not as lines');
  const hp = headerProfile(header);
  if (!hp.ok) return fail(1, hp.message);
  const profile = hp.profile;
  const g = profile.geometry;
  const log = new HotplugLog(profile, { checkpointEvery: opts.checkpointEvery ?? header.checkpointEvery });
  const steps: ScenarioStep[] = [];
  let bootExpects: readonly ExpectLine[] = [];
  let bootFile = header.input.name;
  let hash = header.hash;
  let state: KernelState = emptyState();
  let damage: LogDamage | null = null;
  let lineNo = 1;
  const interner = new Interner();
  const lost = (seq: number): string => (header.steps > seq ? `; steps ${seq}..${header.steps - 1} not loaded` : '');
  for (let r = it.next(); !r.done; r = it.next()) {
    const l = r.value;
    lineNo = l.line;
    const seq = log.length;
    if (seq >= header.steps) {
      damage = { code: 'E_LOG', file, line: l.line, message: `unexpected line after the last step (the header says ${header.steps} steps)` };
      break;
    }
    const long = tooLong(l);
    if (long !== null) {
      damage = { code: 'E_LIMIT', file, line: l.line, message: `${long}${lost(seq)}` };
      break;
    }
    // A last line without its newline is kept when it verifies (only the newline is missing).
    const rec = format === 1 ? readRecordV1(l.text, profile) : readRecordV2(l.text, hash);
    if (!rec.ok) {
      const what = l.complete ? `corrupted: ${rec.message}` : `truncated: the record of step ${seq} is incomplete (the file ends mid-line)`;
      damage = { code: 'E_LOG', file, line: l.line, message: `${what}${lost(seq)}` };
      break;
    }
    const { record } = rec;
    if (record.seq !== seq) {
      damage = { code: 'E_LOG', file, line: l.line, message: `corrupted: record of step ${record.seq} where step ${seq} belongs${lost(seq)}` };
      break;
    }
    const conv = toLogStep(record, g, state, interner);
    if (!conv.ok) {
      damage = { code: 'E_LOG', file, line: l.line, message: `corrupted: ${conv.message}${lost(seq)}` };
      break;
    }
    const step = conv.step;
    let next: KernelState;
    try {
      next = applyPatches(state, step.patches);
    } catch (e) {
      damage = { code: 'E_LOG', file, line: l.line, message: `corrupted: step ${seq}'s patches do not apply (${e instanceof Error ? e.message : String(e)})${lost(seq)}` };
      break;
    }
    const effects = checkEffects(g, step.outcome, state, next);
    if (effects !== null) {
      damage = { code: 'E_LOG', file, line: l.line, message: `corrupted: ${effects}${lost(seq)}` };
      break;
    }
    state = next;
    log.append(step, state);
    hash = rec.hash;
    if (seq === 0) {
      bootExpects = step.expects.map(toExpectLine);
      bootFile = step.source.file;
    } else if (step.op !== null) {
      steps.push({ op: step.op, inject: step.inject, source: step.source, text: step.text, expects: step.expects.map(toExpectLine) });
    }
  }
  if (damage === null && log.length < header.steps) {
    damage = { code: 'E_LOG', file, line: lineNo + 1, message: `truncated: the header says ${header.steps} steps, the file ends after ${log.length}${lost(log.length)}` };
  }
  if (log.length === 0) return { ok: false, damage: damage ?? { code: 'E_LOG', file, line: 2, message: 'no step 0 (boot)' } };
  const boot = header.boot === null
    ? { ranges: [], iomem: [], source: { file: bootFile, line: log.step(0).source.line } }
    : { ranges: header.boot.ranges, iomem: header.boot.iomem, source: parseSource(header.boot.source) };
  const scenario: Scenario = { file: header.input.name, kernel: header.kernelLine, boot, bootExpects, steps };
  const meta: LogMeta = { input: header.input, kernelLine: header.kernelLine, boot: header.boot === null ? null : boot, forkedFrom: header.forkedFrom };
  return { ok: true, value: { header, meta, profile, log, scenario, lastHash: hash, format, damage } };
}

/** The profile a header names, once its profile line and boot layout are checked against it. */
export function headerProfile(header: LogHeader): { ok: true; profile: Profile } | Failed {
  // Logs written before memhp modelled 5-level paging have no `paging`: they were recorded 4-level,
  // and their profile line ends before the MAX_PHYSMEM_BITS it now names.
  const legacy = header.paging === undefined && header.arch === 'x86_64';
  const p = resolveProfile({ kernel: header.kernel, arch: header.arch, config: header.config, paging: header.paging ?? (legacy ? 4 : undefined) });
  if (!p.ok) return { ok: false, code: 'E_LOG', message: `header: ${p.message}` };
  const described = legacy ? describeProfile(p.profile).replace(/ MAX_PHYSMEM_BITS=.*$/, '') : describeProfile(p.profile);
  if (described !== header.profile) {
    return { ok: false, code: 'E_LOG', message: `header: profile '${header.profile}' is not what memhp ${MEMHP_VERSION} makes of kernel ${header.kernel} ${header.arch} (${describeProfile(p.profile)})` };
  }
  const bootProblem = header.boot === null ? null : checkBoot(p.profile.geometry, header.boot.ranges, header.boot.iomem);
  if (bootProblem !== null) return { ok: false, code: 'E_LOG', message: `header: ${bootProblem}` };
  return { ok: true, profile: p.profile };
}

/** The lines of a log file's text (log/logfile_fs.ts reads big files in chunks instead). */
export function textLines(text: string): LogLine[] {
  const parts = text.split('\n');
  const last = parts.pop() ?? '';
  const out: LogLine[] = parts.map((t, i) => ({ text: t, line: i + 1, complete: true }));
  if (last !== '') out.push({ text: last, line: parts.length + 1, complete: false });
  return out;
}

/** `file:line` back into a source location (the file name may itself hold colons). */
export function parseSource(s: string, interner?: Interner): SourceLoc {
  const i = s.lastIndexOf(':');
  const file = s.slice(0, i);
  return { file: interner ? interner.string(file) : file, line: Number(s.slice(i + 1)) };
}

/** The JSON of a line without its trailing `"hash"`, and that hash; null when the line does not end in one. */
export function splitHash(line: string): { content: string; hash: string } | null {
  const at = line.length - HASH_TAIL;
  if (at < 1 || !line.startsWith(',"hash":"', at) || !line.endsWith('"}')) return null;
  const hash = line.slice(at + 9, line.length - 2);
  if (!/^[0-9a-f]{64}$/.test(hash)) return null;
  return { content: `${line.slice(0, at)}}`, hash };
}

/** Length of `,"hash":"<64 hex digits>"}`. */
const HASH_TAIL = 9 + 64 + 2;

// --- internal ---

/** The damage message of a line past MAX_LOG_LINE_BYTES, or null. */
function tooLong(l: LogLine): string | null {
  const n = l.tooLong ?? (l.text.length > MAX_LOG_LINE_BYTES ? l.text.length : null);
  if (n === null) return null;
  return `line longer than MAX_LOG_LINE_BYTES (${MAX_LOG_LINE_BYTES} bytes), the longest log line memhp reads (more than ${n} bytes)`;
}

/** A log file's first line as its header (format 1 upgraded), its hash checked. */
export function readHeader(l: LogLine): { ok: true; header: LogHeader; format: number } | Failed {
  if (!l.complete) return { ok: false, code: 'E_LOG', message: 'truncated: the header line is incomplete (the file ends mid-line)' };
  const json = parseJson(l.text);
  if (!json.ok) return { ok: false, code: 'E_LOG', message: `header is not JSON (${json.message})` };
  const obj = json.value;
  if (typeof obj !== 'object' || obj === null || (obj as { memhp?: unknown }).memhp !== 'log') return { ok: false, code: 'E_LOG', message: 'not a memhp log: the first line has no "memhp":"log"' };
  const format = (obj as { format?: unknown }).format;
  if (format === 1) {
    const h = check(HeaderV1, obj);
    return h.ok ? { ok: true, header: upgradeHeader(h.value), format: 1 } : { ok: false, code: 'E_LOG', message: `header: ${h.message}` };
  }
  if (format !== LOG_FORMAT && format !== COMPACT_FORMAT) {
    const version = (obj as { version?: unknown }).version;
    const by = typeof version === 'string' ? `written by memhp ${version}` : 'written by an unknown memhp';
    return { ok: false, code: 'E_LOG', message: `log format ${JSON.stringify(format)} is not one this memhp reads (${by}; memhp ${MEMHP_VERSION} reads formats 1, ${LOG_FORMAT} and ${COMPACT_FORMAT})` };
  }
  const sealed = splitHash(l.text);
  if (sealed === null) return { ok: false, code: 'E_LOG', message: 'corrupted: the header has no hash' };
  if (chainHash('', sealed.content) !== sealed.hash) return { ok: false, code: 'E_LOG', message: 'corrupted: the header does not match its hash' };
  const h = format === COMPACT_FORMAT ? check(HeaderV3, obj) : check(HeaderV2, obj);
  return h.ok ? { ok: true, header: h.value, format } : { ok: false, code: 'E_LOG', message: `header: ${h.message}` };
}

type RecordRead = { ok: true; record: LogRecord; hash: string } | Failed;

function readRecordV2(line: string, prevHash: string): RecordRead {
  const sealed = splitHash(line);
  if (sealed === null) return { ok: false, code: 'E_LOG', message: 'the line does not end in its "hash"' };
  if (chainHash(prevHash, sealed.content) !== sealed.hash) return { ok: false, code: 'E_LOG', message: 'the record does not match its hash (changed after it was written, or the chain is broken)' };
  const json = parseJson(sealed.content);
  if (!json.ok) return { ok: false, code: 'E_LOG', message: `not JSON (${json.message})` };
  const r = validate(RecordV2, json.value);
  return r.ok ? { ok: true, record: withCalls(r.value), hash: sealed.hash } : { ok: false, code: 'E_LOG', message: r.message };
}

function readRecordV1(line: string, profile: Profile): RecordRead {
  const json = parseJson(line);
  if (!json.ok) return { ok: false, code: 'E_LOG', message: `not JSON (${json.message})` };
  const r = validate(RecordV1, json.value);
  if (!r.ok) return { ok: false, code: 'E_LOG', message: r.message };
  const up = upgradeRecord(withCalls(r.value), profile.geometry);
  return up.ok ? { ok: true, record: up.value, hash: '' } : { ok: false, code: 'E_LOG', message: up.message };
}

/** A record as read, its outcome with the nested calls that logs written before they were recorded lack (none). */
function withCalls<R extends { outcome: { calls?: number[] } }>(r: R): R & { outcome: { calls: number[] } } {
  if (r.outcome.calls === undefined) r.outcome.calls = [];
  return r as R & { outcome: { calls: number[] } };
}

function parseJson(text: string): { ok: true; value: unknown } | Failed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, code: 'E_LOG', message: e instanceof Error ? e.message : String(e) };
  }
}

/** A record as a log step in the live log's compact form, once every field of it is checked against `g` and the state before it. */
function toLogStep(r: LogRecord, g: Geometry, state: KernelState, interner: Interner): { ok: true; step: LogStep } | Failed {
  const op = r.op as Operation | null;
  if (op !== null) {
    const why = checkOperation(g, op);
    if (why !== null) return { ok: false, code: 'E_LOG', message: why };
  }
  const badExpect = checkExpects(g, r.expects as ReadonlyArray<{ expect: Expectation }>);
  if (badExpect !== null) return { ok: false, code: 'E_LOG', message: badExpect };
  const conv = changesFromPatches(r.patches, r.inversePatches, g);
  if (!conv.ok) return conv;
  const against = checkChangesAgainst(g, conv.changes, state);
  if (against !== null) return { ok: false, code: 'E_LOG', message: against };
  const changes = interner.deep(conv.changes);
  const source = parseSource(r.source, interner);
  // Most steps inject nothing and expect nothing: share one empty list (a loaded log keeps 10^6 steps).
  const inject = r.inject.length === 0 ? NONE : (r.inject as InjectedFailure[]);
  const outcome = r.outcome as Outcome;
  const expects = r.expects.length === 0 ? NONE : r.expects.map((e) => ({ expect: e.expect as Expectation, source: { file: source.file, line: e.line }, text: e.text, ok: e.ok, detail: e.detail }));
  return { ok: true, step: new RecordedStep(r.seq, source, r.text, op, inject, expects, outcome, changes, g.SECTIONS_PER_ROOT) };
}

const NONE: readonly never[] = Object.freeze([]);

function toExpectLine(e: LogStep['expects'][number]): ExpectLine {
  return { expect: e.expect, source: e.source, text: e.text };
}
