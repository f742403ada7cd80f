/**
 * fieldHistory(log, query): the value of one section field (or one bit of it) at every step of a
 * range, one entry per step where it changed — Pernosco's "omniscient printf" for one structure.
 * The first entry is the value after `from`; the changes come from blame (the patch paths).
 */
import type { SourceLoc } from '../kernel/operation.js';
import { zeroSection } from '../kernel/zero_section.js';
import { getSection } from '../model/model.js';
import { blame, queryFields } from './blame.js';
import type { HotplugLog } from '../log/log.js';
import { FIELD_NAMES, fieldBitText, fieldText } from './values.js';

/** One section field (default subsection_map), optionally one bit of it, over steps from..to. */
export interface PrintQuery {
  readonly section: number;
  readonly field?: string;
  readonly bit?: number;
  readonly from?: number;
  readonly to?: number;
}

/** The value after step `seq` (the first entry: after `from`; then one per change). */
export interface PrintEntry {
  readonly seq: number;
  readonly source: SourceLoc;
  readonly text: string;
  readonly field: string;
  readonly bit?: number;
  readonly value: string;
}

/** The field's value after `from` and after every later step in from..to that changed it, oldest first. */
export function fieldHistory(log: HotplugLog, q: PrintQuery): PrintEntry[] {
  const field = queryFields({ field: q.field ?? 'subsection_map', bit: q.bit })[0] ?? 'subsectionMap';
  const last = log.length - 1;
  const from = Math.max(0, Math.min(q.from ?? 0, last));
  const to = Math.max(from, Math.min(q.to ?? last, last));
  const ms = getSection(log.profile, log.stateAt(from), q.section) ?? zeroSection(log.profile.geometry, q.section);
  const s = log.step(from);
  const name = FIELD_NAMES[field];
  const bit = q.bit === undefined ? {} : { bit: q.bit };
  const first: PrintEntry = { seq: from, source: s.source, text: s.text, field: name, ...bit, value: q.bit === undefined ? fieldText(field, ms) : fieldBitText(field, ms, q.bit) };
  if (from === to) return [first];
  const changes = blame(log, { section: q.section, field: name, bit: q.bit, from: from + 1, to }).reverse();
  return [first, ...changes.map((e) => ({ seq: e.seq, source: e.source, text: e.text, field: name, ...bit, value: e.after }))];
}
