/**
 * One scenario under several profiles, as data: per step, one cell per profile (return code or
 * query value, warnings, hazards, the state after the step of every section any profile touched),
 * whether the profiles differ there and why, the first divergence, and the final state of each
 * profile diffed against the first. Pure: recorded logs in, comparison out; no printing.
 */
import { sameSections } from '../kernel/geometry.js';
import { bitmapBits, bitmapFromLongs, bitmapToLongs } from '../kernel/bitmap.js';
import { formatRet } from '../kernel/errno.js';
import { zeroSection } from '../kernel/zero_section.js';
import { getSection } from '../model/model.js';
import { describeProfile, has } from '../kernel/profile.js';
import type { Hazard, MemSection, Warning } from '../kernel/types.js';
import { diffStates, flagNames } from './diff.js';
import type { LogStep, SectionDiff } from '../log/types.js';
import { ranges } from '../kernel/format.js';
import type { ProfileRun, CellSection, CompareCell, ValueGroup, SectionField, DivergenceReason, CompareStep, ProfileTotals, Comparison } from './compare_types.js';


/** Compare the recordings of one scenario under several profiles (same arch, same steps). */
export function compareRuns(runs: readonly ProfileRun[]): Comparison {
  const first = runs[0];
  if (!first) throw new Error('compareRuns: no run');
  const n = first.log.length;
  for (const r of runs) {
    if (r.log.length !== n) throw new Error(`compareRuns: ${r.profile.kernel} has ${r.log.length} steps, ${first.profile.kernel} has ${n}`);
  }
  const kernels = runs.map((r) => r.profile.kernel);
  const sectionsCompared = runs.every((r) => sameSections(r.profile.geometry, first.profile.geometry));
  const without = runs.filter((r) => !has(r.profile, 'SUBSECTION')).map((r) => r.profile.kernel);
  const mixed = without.length > 0 && without.length < runs.length;
  const notCompared = mixed
    ? { fields: ['EARLY flag', 'subsection_map', 'bootMap'], why: `${without.join(', ')} ${without.length > 1 ? 'are' : 'is'} before sub-section hotplug (SUBSECTION, v5.3), without SECTION_IS_EARLY or subsection_map` }
    : null;
  const steps: CompareStep[] = [];
  for (let seq = 0; seq < n; seq++) steps.push(compareStep(runs, kernels, seq, sectionsCompared, mixed));
  const div = steps.find((s) => s.differs);
  const last = n - 1;
  const base = first.log.stateAt(last);
  const finalDiffs = (sectionsCompared ? runs.slice(1) : []).map((r) => ({
    kernel: r.profile.kernel,
    against: first.profile.kernel,
    sections: diffStates(first.profile.geometry, base, r.log.stateAt(last), last, last).sections.flatMap((d) => (mixed ? withoutSubsection(d) : [d])),
  }));
  return {
    profiles: runs.map((r) => describeProfile(r.profile)),
    kernels,
    totals: runs.map((r) => totals(r)),
    sectionsCompared,
    notCompared,
    steps,
    firstDivergence: div ? { seq: div.seq, source: div.source, text: div.text, reasons: div.reasons } : null,
    finalDiffs,
  };
}

/** A memmap string run-length encoded: `F×32 B×32`. */
export function compactMemmap(memmap: string): string {
  const out: string[] = [];
  let i = 0;
  while (i < memmap.length) {
    let j = i;
    while (j < memmap.length && memmap[j] === memmap[i]) j++;
    out.push(`${memmap[i]}×${j - i}`);
    i = j;
  }
  return out.join(' ');
}

/** The id a hazard is compared by: its bug id, else its kind in capitals. */
export function hazardId(h: Hazard): string {
  return h.bug ?? h.kind.toUpperCase();
}

/** A cell's return code as shown: the query value, the return code, or '' for boot. */
export function cellRet(c: CompareCell, isBoot: boolean): string {
  if (isBoot) return '';
  return c.value !== null ? String(c.value) : formatRet(c.ret);
}

/** "section 96" or "sections 64-95". */
export function sectionLabel(nrs: readonly number[]): string {
  return nrs.length === 1 ? `section ${nrs[0]}` : `sections ${ranges(nrs)}`;
}

// --- internal ---

const FIELDS: readonly SectionField[] = ['state', 'flags', 'usage', 'map', 'subsection_map', 'memmap'];

function compareStep(runs: readonly ProfileRun[], kernels: readonly string[], seq: number, sectionsCompared: boolean, mixed: boolean): CompareStep {
  const logSteps = runs.map((r) => r.log.step(seq));
  const s0 = logSteps[0] as LogStep;
  const union = [...new Set(logSteps.flatMap((s) => s.outcome.sections.map((e) => e.nr)))].sort((a, b) => a - b);
  const cells = runs.map((r, i): CompareCell => {
    const s = logSteps[i] as LogStep;
    const state = r.log.stateAt(seq);
    const touched = new Set(s.outcome.sections.map((e) => e.nr));
    const nrs = sectionsCompared ? union : [...touched].sort((a, b) => a - b);
    return {
      kernel: r.profile.kernel,
      ret: s.outcome.ret,
      value: s.outcome.value,
      warnings: s.outcome.warnings,
      hazards: s.outcome.hazards,
      path: s.outcome.path,
      notes: s.outcome.notes,
      sections: nrs.map((nr) => cellSection(getSection(r.profile, state, nr) ?? zeroSection(r.profile.geometry, nr), touched.has(nr))),
    };
  });
  const reasons: DivergenceReason[] = [];
  const scalar = (kind: DivergenceReason['kind'], label: string, key: (c: CompareCell) => string, show: (c: CompareCell) => string): void => {
    const groups = groupBy(kernels, cells, key, show);
    if (groups.length > 1) reasons.push({ kind, groups, text: groups.map((g) => `${g.kernels.join(',')} ${label} ${g.value}`).join(' vs ') });
  };
  if (s0.op !== null) {
    scalar('ret', 'ret', (c) => String(c.ret), (c) => formatRet(c.ret));
    scalar('value', 'value', (c) => String(c.value), (c) => String(c.value));
  }
  scalar('warnings', 'warnings', (c) => JSON.stringify(c.warnings.map((w) => [w.kind, w.text, w.func, w.file])), (c) => warningsText(c.warnings));
  scalar('hazards', 'hazards', (c) => hazardIds(c.hazards), (c) => hazardIds(c.hazards) || 'none');
  if (sectionsCompared) for (const r of sectionReasons(kernels, cells, union, mixed ? FIELDS.filter((f) => f !== 'subsection_map') : FIELDS, mixed)) reasons.push(r);
  return { seq, source: `${s0.source.file}:${s0.source.line}`, text: s0.text, cells, differs: reasons.length > 0, reasons };
}

function totals(r: ProfileRun): ProfileTotals {
  let warnings = 0;
  let hazards = 0;
  let expects = 0;
  let expectsHeld = 0;
  for (const s of r.log.walk()) {
    warnings += s.outcome.warnings.length;
    hazards += s.outcome.hazards.length;
    expects += s.expects.length;
    expectsHeld += s.expects.filter((e) => e.ok).length;
  }
  return { kernel: r.profile.kernel, warnings, hazards, expects, expectsHeld };
}

function cellSection(ms: MemSection, touched: boolean): CellSection {
  return {
    nr: ms.nr,
    touched,
    state: ms.machine,
    flags: flagNames(ms.flags),
    usage: ms.usage,
    map: ms.map,
    subsection_map: bitmapToLongs(ms.subsectionMap),
    memmap: ms.memmap,
  };
}

/** Per section and field, the profiles grouped by value; consecutive sections that differ alike merge. */
function sectionReasons(kernels: readonly string[], cells: readonly CompareCell[], nrs: readonly number[], fields: readonly SectionField[], noEarly: boolean): DivergenceReason[] {
  const perNr = nrs.map((nr, i) => {
    const diffs: Array<{ field: SectionField; groups: ValueGroup[] }> = [];
    for (const field of fields) {
      const masked = field === 'flags' && noEarly;
      const sec = (c: CompareCell): CellSection => c.sections[i] as CellSection;
      const groups = groupBy(
        kernels,
        cells,
        (c) => (masked ? withoutEarly(sec(c).flags) : fieldKey(sec(c), field)),
        (c) => (masked ? withoutEarly(sec(c).flags) : fieldText(sec(c), field)),
      );
      if (groups.length > 1) diffs.push({ field, groups });
    }
    return { nr, diffs, sig: JSON.stringify(diffs) };
  });
  const out: DivergenceReason[] = [];
  let i = 0;
  while (i < perNr.length) {
    const head = perNr[i] as (typeof perNr)[number];
    let j = i + 1;
    while (j < perNr.length && perNr[j]?.sig === head.sig && perNr[j]?.nr === (perNr[j - 1]?.nr ?? 0) + 1) j++;
    const group = perNr.slice(i, j).map((p) => p.nr);
    const label = sectionLabel(group);
    for (const d of head.diffs) {
      out.push({ kind: 'section', sections: group, field: d.field, groups: d.groups, text: d.groups.map((g) => `${g.kernels.join(',')} ${label} ${d.field} ${g.value}`).join(' vs ') });
    }
    i = j;
  }
  return out;
}

/** Flag names without EARLY. */
function withoutEarly(flags: string): string {
  return flags.split('|').filter((f) => f !== 'EARLY').join('|') || '0';
}

/** A final section diff without what a kernel before SUBSECTION lacks; none if nothing is left. */
function withoutSubsection(d: SectionDiff): SectionDiff[] {
  const out: SectionDiff = {
    ...d,
    flagsSet: d.flagsSet.filter((f) => f !== 'EARLY'),
    flagsCleared: d.flagsCleared.filter((f) => f !== 'EARLY'),
    bitsSet: [],
    bitsCleared: [],
    fields: d.fields.filter(([f]) => f !== 'bootMap'),
  };
  const empty = out.state[0] === out.state[1] && !out.flagsSet.length && !out.flagsCleared.length && !out.fields.length;
  return empty ? [] : [out];
}

function fieldKey(s: CellSection, f: SectionField): string {
  return f === 'subsection_map' ? s.subsection_map.join(' ') : s[f];
}

function fieldText(s: CellSection, f: SectionField): string {
  if (f === 'memmap') return compactMemmap(s.memmap);
  if (f === 'subsection_map') {
    const map = bitmapFromLongs(s.subsection_map, s.subsection_map.length * 64);
    const bits = map ? bitmapBits(map) : [];
    return bits.length ? `bits ${ranges(bits)}` : 'empty';
  }
  return s[f];
}

function groupBy(kernels: readonly string[], cells: readonly CompareCell[], key: (c: CompareCell) => string, show: (c: CompareCell) => string): ValueGroup[] {
  const groups = new Map<string, { kernels: string[]; value: string }>();
  cells.forEach((c, i) => {
    const k = key(c);
    const g = groups.get(k);
    if (g) g.kernels.push(kernels[i] ?? c.kernel);
    else groups.set(k, { kernels: [kernels[i] ?? c.kernel], value: show(c) });
  });
  return [...groups.values()];
}

function hazardIds(hs: readonly Hazard[]): string {
  return [...new Set(hs.map(hazardId))].sort().join(',');
}

function warningsText(ws: readonly Warning[]): string {
  if (!ws.length) return 'none';
  return ws.map((w) => (w.text ? `${w.kind} "${w.text}" (${w.func})` : `${w.kind} (${w.func})`)).join(", ");
}

