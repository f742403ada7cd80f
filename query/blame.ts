/**
 * blame(log, query): every step that changed one section (or one of its fields, or one bit), newest
 * first — rr's "where was this value written". Found from the steps' patch paths
 * (model/changes.ts: ['roots', r, 'sections', idx] for a CREATE, [..., idx, field] for a FIELD
 * change): the section's value is carried forward through the patches that touch it, so only the
 * steps that wrote it are looked at, and one state is materialised (the one before `from`).
 */
import type { Patch } from 'immer';
import type { SourceLoc } from '../kernel/operation.js';
import { SECTION_FIELDS } from '../model/changes.js';
import type { SectionField } from '../model/changes.js';
import { sectionNrToRoot } from '../kernel/pfn.js';
import { zeroSection } from '../kernel/zero_section.js';
import { getSection } from '../model/model.js';
import type { MemSection } from '../kernel/types.js';
import type { HotplugLog } from '../log/log.js';
import { FIELD_NAMES, fieldBitText, fieldText, sectionFieldOf } from './values.js';

/** What to blame: a section, optionally one field (user name, e.g. `subsection_map`) or one bit of it, in steps from..to. */
export interface BlameQuery {
  readonly section: number;
  /** A bit of `field` (default field: subsection_map; flags: bit of the flag word). */
  readonly bit?: number;
  readonly field?: string;
  /** First step looked at (default 0, boot). */
  readonly from?: number;
  /** Last step looked at (default the last step). */
  readonly to?: number;
}

/** One write: the step, its source line and input text, the field (and bit), the value before and after as text. */
export interface BlameEntry {
  readonly seq: number;
  readonly source: SourceLoc;
  readonly text: string;
  /** The field's user-facing name (query/values.ts FIELD_NAMES). */
  readonly field: string;
  readonly bit?: number;
  readonly before: string;
  readonly after: string;
}

/** Every change to the queried section / field / bit in steps from..to, the last writer first. */
export function blame(log: HotplugLog, q: BlameQuery): BlameEntry[] {
  const g = log.profile.geometry;
  const fields = queryFields(q);
  const last = log.length - 1;
  const from = Math.max(0, q.from ?? 0);
  const to = Math.min(last, q.to ?? last);
  const rootKey = String(sectionNrToRoot(g, q.section));
  const idx = q.section % g.SECTIONS_PER_ROOT;
  const zero = zeroSection(g, q.section);
  let cur: MemSection = from > 0 && from <= last ? (getSection(log.profile, log.stateAt(from - 1), q.section) ?? zero) : zero;
  const out: BlameEntry[] = [];
  for (let i = from; i <= to; i++) {
    const s = log.step(i);
    const next = applyToSection(cur, s.patches, rootKey, idx, zero);
    if (next === cur) continue;
    for (const f of fields) {
      const before = q.bit === undefined ? fieldText(f, cur) : fieldBitText(f, cur, q.bit);
      const after = q.bit === undefined ? fieldText(f, next) : fieldBitText(f, next, q.bit);
      if (before === after) continue;
      out.push(q.bit === undefined ? { seq: i, source: s.source, text: s.text, field: FIELD_NAMES[f], before, after } : { seq: i, source: s.source, text: s.text, field: FIELD_NAMES[f], bit: q.bit, before, after });
    }
    cur = next;
  }
  // Last writer first; a step's fields stay in SECTION_FIELDS order (the sort is stable).
  return out.sort((a, b) => b.seq - a.seq);
}

/** The fields a query looks at (throws RangeError for a name that is no section field: check it with sectionFieldOf first). */
export function queryFields(q: Pick<BlameQuery, 'field' | 'bit'>): readonly SectionField[] {
  if (q.field === undefined) return q.bit === undefined ? SECTION_FIELDS : ['subsectionMap'];
  const f = sectionFieldOf(q.field);
  if (!f) throw new RangeError(`no section field '${q.field}'`);
  return [f];
}

// --- internal ---

/** The section after a step's patches (the same object when no patch touches it). */
function applyToSection(ms: MemSection, patches: readonly Patch[], rootKey: string, idx: number, zero: MemSection): MemSection {
  let cur = ms;
  for (const p of patches) {
    const path = p.path;
    if (path[0] !== 'roots' || String(path[1]) !== rootKey) continue;
    if (path.length === 2) {
      // A whole root added or removed (its sections NULL, i.e. all zero, unless given).
      const root = p.op === 'remove' ? undefined : (p.value as { sections?: ReadonlyArray<MemSection | null> } | undefined);
      cur = root?.sections?.[idx] ?? zero;
    } else if (path[2] === 'sections' && Number(path[3]) === idx) {
      if (path.length === 4) cur = p.op === 'remove' ? zero : ((p.value as MemSection | null) ?? zero);
      else if (path.length === 5) cur = { ...cur, [String(path[4])]: p.value } as MemSection;
    }
  }
  return cur;
}
