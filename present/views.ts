/**
 * The viewer's API answers as data: pure functions from a loaded input (one log, or one per kernel
 * in compare mode) to the JSON the page asks for. Nothing here prints, reads files or knows HTTP.
 * The page asks for one step's state at a time; no function here walks every state.
 */
import pc from 'picocolors';
import type { IomemResource } from '../kernel/operation.js';
import { bitmapFull, bitmapTest, bitmapToLongs } from '../kernel/bitmap.js';
import { formatRet } from '../kernel/errno.js';
import { fmtHex16 } from '../kernel/format.js';
import { sectionNrToPfn } from '../kernel/pfn.js';
import { zeroSection } from '../kernel/zero_section.js';
import { emptyState, getSection, listSections } from '../model/model.js';
import { describeProfile } from '../kernel/profile.js';
import { sectionWord } from '../kernel/section_word.js';
import { SECTION_IS_ONLINE } from '../kernel/types.js';
import type { KernelState, MemSection, Profile } from '../kernel/types.js';
import { operationLine } from '../inputs/trace/scenario_text.js';
import { blame } from '../query/blame.js';
import { diffStates, flagNames } from '../query/diff.js';
import { applyPatches } from '../log/log.js';
import type { HotplugLog } from '../log/log.js';
import type { LogStep } from '../log/types.js';
import type { Comparison } from '../query/compare_types.js';
import { sectionDiffSummary, warningLine, hazardLine } from './render.js';
import { STEP_DIVERGES, STEP_ERROR, STEP_EXPECT_FAILED, STEP_HAZARD, STEP_MISMATCH, STEP_WARN } from './api.js';
import type { BlameRow, CheckSummary, DiffView, IomemBand, SectionDetail, SectionView, StateView, StepRow, ViewInfo } from './api.js';

/** One recorded run of the input under one profile. */
export interface ViewRun {
  readonly profile: Profile;
  readonly log: HotplugLog;
}

/** What the viewer serves: the input's runs (the first is the main one) and the extra modes. */
export interface ViewSource {
  readonly file: string;
  readonly runs: readonly ViewRun[];
  readonly iomem: readonly IomemResource[];
  /** A trace's /proc/iomem snapshots after boot: each holds from its step on (ascending). */
  readonly iomemAt: ReadonlyArray<{ readonly step: number; readonly label: string; readonly resources: readonly IomemResource[] }>;
  /** Compare mode: compareRuns() over `runs`. */
  readonly comparison: Comparison | null;
  /** Check mode: the trace's comparison with the model. */
  readonly check: CheckSummary | null;
}

/** GET /api/info. */
export function viewInfo(src: ViewSource): ViewInfo {
  const main = mainRun(src);
  const g = main.profile.geometry;
  const kinds = ['boot'];
  const kindIndex = new Map<string, number>([['boot', 0]]);
  const mismatchSteps = new Set((src.check?.mismatches ?? []).map((m) => m.step));
  const summary = Array.from(main.log.walk(), (s) => {
    const kind = s.op?.kind ?? 'boot';
    let k = kindIndex.get(kind);
    if (k === undefined) {
      k = kinds.length;
      kinds.push(kind);
      kindIndex.set(kind, k);
    }
    let word = k | stepFlags(s);
    if (mismatchSteps.has(s.seq)) word |= STEP_MISMATCH;
    if (src.comparison?.steps[s.seq]?.differs) word |= STEP_DIVERGES;
    return word;
  });
  return {
    file: src.file,
    profiles: src.runs.map((r) => describeProfile(r.profile)),
    kernels: src.runs.map((r) => r.profile.kernel),
    steps: main.log.length,
    geometry: { subsections: g.SUBSECTIONS_PER_SECTION, sectionBytes: g.SECTION_BYTES, subsectionBytes: g.SUBSECTION_BYTES, arch: g.name },
    kinds,
    summary,
    iomem: src.iomem.map(band),
    iomemAt: src.iomemAt.map((s) => ({ step: s.step, label: s.label, bands: s.resources.map(band) })),
    firstDivergence: src.comparison?.firstDivergence?.seq ?? null,
    check: src.check,
  };
}

/** GET /api/steps: rows from..to-1 of run 0's step list. */
export function stepRows(src: ViewSource, from: number, to: number): StepRow[] {
  const log = mainRun(src).log;
  const rows: StepRow[] = [];
  for (let i = from; i < Math.min(to, log.length); i++) rows.push(stepRow(src, log.step(i)));
  return rows;
}

/** GET /api/state: every non-absent section after step `n` of run `run`, plus those the step touched. */
export function stateView(src: ViewSource, run: number, n: number): StateView {
  const r = runAt(src, run);
  const s = r.log.step(n);
  const state = r.log.stateAt(n);
  const prev = previousState(r.log, n, state);
  const touched = new Set(s.outcome.sections.map((e) => e.nr));
  // Check mode: a section the trace disagrees on at this step is on the map even when the model has it absent.
  const mismatching = new Set(run === 0 ? (src.check?.mismatches ?? []).filter((m) => m.step === n && m.section !== null).map((m) => m.section as number) : []);
  const sections: SectionView[] = [];
  const listed = new Set<number>();
  for (const ms of listSections(state)) {
    listed.add(ms.nr);
    if (!isShown(ms) && !touched.has(ms.nr) && !mismatching.has(ms.nr)) continue;
    // Step 0 is the start, not a change: nothing is outlined.
    const before = n === 0 ? ms : (getSection(r.profile, prev, ms.nr) ?? zeroSection(r.profile.geometry, ms.nr));
    sections.push(sectionView(r.profile, state, ms, before, touched.has(ms.nr)));
  }
  for (const nr of mismatching) {
    if (listed.has(nr)) continue;
    const ms = zeroSection(r.profile.geometry, nr);
    sections.push(sectionView(r.profile, state, ms, ms, false));
  }
  sections.sort((a, b) => a.nr - b.nr);
  const diverging = new Set<number>();
  for (const reason of src.comparison?.steps[n]?.reasons ?? []) for (const nr of reason.sections ?? []) diverging.add(nr);
  return {
    step: n,
    run,
    row: stepRow(src, s),
    path: s.outcome.path,
    warnings: s.outcome.warnings.map(warningLine),
    hazards: s.outcome.hazards.map(hazardLine),
    sections,
    diverging: [...diverging].sort((a, b) => a - b),
  };
}

/** GET /api/diff: only the sections that differ between steps `a` and `b`, cell by cell. */
export function diffView(src: ViewSource, run: number, a: number, b: number): DiffView {
  const r = runAt(src, run);
  const g = r.profile.geometry;
  const sa = r.log.stateAt(a);
  const sb = r.log.stateAt(b);
  const d = diffStates(g, sa, sb, a, b);
  const sections = d.sections.map((sd) => {
    const before = getSection(r.profile, sa, sd.nr) ?? zeroSection(g, sd.nr);
    const after = getSection(r.profile, sb, sd.nr) ?? zeroSection(g, sd.nr);
    return {
      ...sectionView(r.profile, sb, after, before, false),
      before: sectionView(r.profile, sa, before, before, false),
      summary: sectionDiffSummary(sd, PLAIN) || 'fields changed',
      fields: sd.fields,
    };
  });
  return { from: a, to: b, run, sections, globals: d.globals };
}

/** GET /api/section: the detail panel of section `nr` after step `n` (an untouched section is all zero). */
export function sectionDetail(src: ViewSource, run: number, n: number, nr: number): SectionDetail {
  const r = runAt(src, run);
  const g = r.profile.geometry;
  const s = r.log.step(n);
  const state = r.log.stateAt(n);
  const ms = getSection(r.profile, state, nr) ?? zeroSection(g, nr);
  const start = sectionNrToPfn(g, nr) * g.PAGE_SIZE;
  return {
    step: n,
    run,
    nr,
    start,
    end: start + g.SECTION_BYTES - 1,
    state: ms.machine,
    flags: flagNames(ms.flags),
    word: fmtHex16(sectionWord(g, ms)),
    map: ms.map,
    usage: ms.usage,
    nid: ms.nid,
    subsectionMap: bitmapToLongs(ms.subsectionMap),
    bootMap: ms.bootMap ? bitmapToLongs(ms.bootMap) : null,
    memmap: ms.memmap,
    cells: cellsOf(r.profile, state, ms),
    online: (ms.flags & SECTION_IS_ONLINE) !== 0,
    touched: s.outcome.sections.some((e) => e.nr === nr),
    path: s.outcome.path,
    warnings: s.outcome.warnings.map(warningLine),
    hazards: s.outcome.hazards.map(hazardLine),
    mismatches: run === 0 ? (src.check?.mismatches ?? []).filter((m) => m.step === n && m.section === nr) : [],
  };
}

/** GET /api/blame: the steps of run 0 that changed section `nr` (or its subsection_map bit `bit`), last writer first. */
export function blameRows(src: ViewSource, nr: number, bit: number | null): BlameRow[] {
  const entries = blame(mainRun(src).log, bit === null ? { section: nr } : { section: nr, bit });
  return entries.map((e) => ({ seq: e.seq, source: `${e.source.file}:${e.source.line}`, text: e.text, field: e.field, bit: e.bit ?? null, before: e.before, after: e.after }));
}

/** A section's cells: '.' clear, 'B' set at boot, 'D' set in a ZONE_DEVICE range, 'H' set and hot-added. */
export function cellsOf(p: Profile, state: KernelState, ms: MemSection): string {
  const g = p.geometry;
  const n = g.SUBSECTIONS_PER_SECTION;
  const map = ms.subsectionMap;
  // The common cases in one go: an empty map, a map full of boot or of hot-added sub-sections.
  if (map.every((w) => w === 0)) return '.'.repeat(n);
  const first = sectionNrToPfn(g, ms.nr);
  const devices = state.deviceRanges.filter(([s, e]) => s < first + g.PAGES_PER_SECTION && e > first);
  if (devices.length === 0 && bitmapFull(map, n)) {
    if (ms.bootMap === null || ms.bootMap.every((w) => w === 0)) return 'H'.repeat(n);
    if (bitmapFull(ms.bootMap, n)) return 'B'.repeat(n);
  }
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    if (!bitmapTest(map, i)) out[i] = '.';
    else if (ms.bootMap && bitmapTest(ms.bootMap, i)) out[i] = 'B';
    else {
      const lo = first + i * g.PAGES_PER_SUBSECTION;
      const hi = lo + g.PAGES_PER_SUBSECTION;
      out[i] = devices.some(([s, e]) => s < hi && e > lo) ? 'D' : 'H';
    }
  }
  return out.join('');
}

/** The sub-sections whose subsection_map bit or memmap backing differ between two versions of a section. */
export function changedCells(n: number, a: MemSection, b: MemSection): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (bitmapTest(a.subsectionMap, i) !== bitmapTest(b.subsectionMap, i) || a.memmap[i] !== b.memmap[i]) out.push(i);
  return out;
}

// --- internal ---

function band(r: IomemResource): IomemBand {
  return { start: r.start, end: r.end, name: r.name, depth: r.depth };
}

const PLAIN = pc.createColors(false);

function mainRun(src: ViewSource): ViewRun {
  const r = src.runs[0];
  if (!r) throw new Error('viewer: no run');
  return r;
}

function runAt(src: ViewSource, run: number): ViewRun {
  const r = src.runs[run];
  if (!r) throw new RangeError(`no run ${run}`);
  return r;
}

/** The state before step n: the step's inverse patches applied to the state after it. */
function previousState(log: HotplugLog, n: number, after: KernelState): KernelState {
  return n === 0 ? emptyState() : applyPatches(after, log.step(n).inversePatches);
}

/** A section is on the map unless it is absent with no usage (as `memhp state` lists them). */
function isShown(ms: MemSection): boolean {
  return !ms.machine.startsWith('absent') || ms.usage !== 'none';
}

/** The parts of a section's view that depend only on the section (and the device ranges), cached per section object. */
type SectionBase = Omit<SectionView, 'changed' | 'changedFields' | 'touched'>;
const baseCache = new WeakMap<MemSection, { readonly devices: KernelState['deviceRanges']; readonly base: SectionBase }>();

function sectionView(p: Profile, state: KernelState, ms: MemSection, before: MemSection, touched: boolean): SectionView {
  const g = p.geometry;
  let hit = baseCache.get(ms);
  if (!hit || hit.devices !== state.deviceRanges) {
    const base = {
      nr: ms.nr,
      start: sectionNrToPfn(g, ms.nr) * g.PAGE_SIZE,
      state: ms.machine,
      flags: flagNames(ms.flags),
      online: (ms.flags & SECTION_IS_ONLINE) !== 0,
      usage: ms.usage,
      cells: cellsOf(p, state, ms),
      memmap: ms.memmap,
    };
    hit = { devices: state.deviceRanges, base };
    baseCache.set(ms, hit);
  }
  // A section the step did not write is the same object before and after (structural sharing).
  if (before === ms) return { ...hit.base, changed: [], changedFields: [], touched };
  return { ...hit.base, changed: changedCells(g.SUBSECTIONS_PER_SECTION, before, ms), changedFields: changedFields(before, ms), touched };
}

/** The fields of a section (other than its cells) that differ between two versions. */
function changedFields(a: MemSection, b: MemSection): string[] {
  const out: string[] = [];
  if (a.machine !== b.machine) out.push('state');
  if (a.flags !== b.flags) out.push('flags');
  if (a.map !== b.map) out.push('map');
  if (a.usage !== b.usage) out.push('usage');
  if (a.nid !== b.nid) out.push('nid');
  return out;
}

function stepFlags(s: LogStep): number {
  let f = 0;
  if (s.outcome.warnings.length) f |= STEP_WARN;
  if (s.outcome.ret !== null && s.outcome.ret < 0) f |= STEP_ERROR;
  if (s.outcome.hazards.length) f |= STEP_HAZARD;
  if (s.expects.some((e) => !e.ok)) f |= STEP_EXPECT_FAILED;
  return f;
}

function stepRow(src: ViewSource, s: LogStep): StepRow {
  let summary = stepFlags(s);
  if (src.check?.mismatches.some((m) => m.step === s.seq)) summary |= STEP_MISMATCH;
  if (src.comparison?.steps[s.seq]?.differs) summary |= STEP_DIVERGES;
  return {
    seq: s.seq,
    source: `${s.source.file}:${s.source.line}`,
    text: s.text,
    call: s.op === null ? 'boot' : operationLine(s.op),
    kind: s.op?.kind ?? 'boot',
    ret: s.op === null ? '' : s.outcome.value !== null ? String(s.outcome.value) : s.outcome.ret === null ? '' : formatRet(s.outcome.ret),
    warnings: s.outcome.warnings.length,
    hazards: s.outcome.hazards.length,
    summary,
  };
}
