/**
 * One step as the JSON text a block holds (log/block.ts): `[seq, file, line, text, op, inject,
 * outcome, expects, changes]`, where file indexes the log's table of source files and changes is
 * the compact change form (model/changes.ts). Decoding a record read from a file checks every field
 * (log/logfile_schema.ts RecordV3, log/logfile_check.ts) and that the changes are ones the model
 * writes (their patches read back to the same changes: log/logfile_changes.ts).
 */
import type { Expectation } from '../inputs/types.js';
import type { Failed } from '../kernel/errors.js';
import type { Geometry } from '../kernel/geometry.js';
import type { Operation } from '../kernel/operation.js';
import type { InjectedFailure, Outcome } from '../kernel/types.js';
import { toInversePatches, toPatches } from '../model/changes.js';
import type { Changes } from '../model/changes.js';
import { checkExpects, checkOperation } from './logfile_check.js';
import { changesFromPatches } from './logfile_changes.js';
import { RecordV3, validate } from './logfile_schema.js';
import { RecordedStep } from './recorded_step.js';
import type { ExpectResult } from './types.js';

/** The record text of `s`, its source file given by its index in the log's file table. */
export function encodeRecord(s: RecordedStep, file: number): string {
  const expects = s.expects.length === 0 ? '[]' : JSON.stringify(s.expects.map((e) => ({ line: e.source.line, text: e.text, expect: e.expect, ok: e.ok, detail: e.detail })));
  return `[${s.seq},${file},${s.source.line},${JSON.stringify(s.text)},${JSON.stringify(s.op)},${JSON.stringify(s.inject)},${JSON.stringify(s.outcome)},${expects},${JSON.stringify(s.changes)}]`;
}

/** Record text `json` with its seq and source file number replaced (a step taken over by another log: the rest of the record is the same). */
export function renumberRecord(json: string, seq: number, file: number): string {
  return `[${seq},${file},${json.slice(json.indexOf(',', json.indexOf(',') + 1) + 1)}`;
}

/**
 * The changes of the record whose JSON is `text[start, end)`, parsed alone (they are its last
 * field): what a seek needs of a step, at a fifth of a whole record's parse. The record must be one
 * the log wrote or has checked. Bytes of multi-byte UTF-8 characters never equal the ASCII
 * delimiters the scan looks for.
 */
export function recordChanges(text: Buffer, start: number, end: number): Changes {
  let depth = 0;
  let commas = 0;
  let i = start;
  for (; i < end; i++) {
    const c = text[i];
    if (c === QUOTE) {
      for (i++; text[i] !== QUOTE; i++) if (text[i] === BACKSLASH) i++;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++;
    else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
    else if (c === COMMA && depth === 1 && ++commas === CHANGES_FIELD) break;
  }
  return JSON.parse(text.toString('utf8', i + 1, end - 1)) as Changes;
}

/** A record the log wrote itself back into its step (no checks). */
export function decodeRecord(json: string, files: readonly string[], sectionsPerRoot: number): RecordedStep {
  const r = JSON.parse(json) as Row;
  return toStep(r, files, sectionsPerRoot);
}

/** A record read from a file back into its step, once every field of it is checked under `g`; `seq` is the step it must be. */
export function decodeCheckedRecord(json: string, files: readonly string[], g: Geometry, seq: number): { ok: true; step: RecordedStep } | Failed {
  const no = (message: string): Failed => ({ ok: false, code: 'E_LOG', message });
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    return no(`record of step ${seq} is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const v = validate(RecordV3, raw);
  if (!v.ok) return no(`record of step ${seq}: ${v.message}`);
  const r = raw as Row;
  if (r[0] !== seq) return no(`record of step ${r[0]} where step ${seq} belongs`);
  if (r[1] >= files.length) return no(`record of step ${seq}: source file ${r[1]} is not in the header's files (${files.length})`);
  if (r[4] !== null) {
    const why = checkOperation(g, r[4]);
    if (why !== null) return no(`record of step ${seq}: ${why}`);
  }
  const badExpect = checkExpects(g, r[7]);
  if (badExpect !== null) return no(`record of step ${seq}: ${badExpect}`);
  let patches: unknown[];
  let inverse: unknown[];
  try {
    patches = toPatches(r[8], g.SECTIONS_PER_ROOT);
    inverse = toInversePatches(r[8]);
  } catch (e) {
    return no(`record of step ${seq}: changes: ${e instanceof Error ? e.message : String(e)}`);
  }
  const back = changesFromPatches(patches, inverse, g);
  if (!back.ok) return no(`record of step ${seq}: changes: ${back.message}`);
  if (!sameJson(back.changes, r[8])) return no(`record of step ${seq}: changes are not in the form the model writes`);
  return { ok: true, step: toStep(r, files, g.SECTIONS_PER_ROOT) };
}

// --- internal ---

type Row = [number, number, number, string, Operation | null, InjectedFailure[], Outcome, Array<{ line: number; text: string; expect: Expectation; ok: boolean; detail: string }>, Changes];

function toStep(r: Row, files: readonly string[], sectionsPerRoot: number): RecordedStep {
  const file = files[r[1]] ?? '';
  const expects: readonly ExpectResult[] = r[7].length === 0 ? NONE : r[7].map((e) => ({ expect: e.expect, source: { file, line: e.line }, text: e.text, ok: e.ok, detail: e.detail }));
  return new RecordedStep(r[0], { file, line: r[2] }, r[3], r[4], r[5].length === 0 ? NONE : r[5], expects, r[6], r[8], sectionsPerRoot);
}

const NONE: readonly never[] = Object.freeze([]);

/** The changes are the record's ninth field: after its eighth top-level comma. */
const CHANGES_FIELD = 8;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** True when JSON.stringify would give `a` and `b` the same text (for parsed JSON values: no undefined, NaN or functions), without building either: two texts a record were ~8 µs of its first decode. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i] || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
