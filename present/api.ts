/**
 * The viewer's JSON API: its types and the STEP_* flag bits of a step's summary word, shared by the
 * server (viewer/server/) and the page (viewer/page/). No functions: nothing here runs. Physical
 * addresses are byte numbers (< 2^53 on every modelled arch).
 */
import type { ErrorCode } from '../kernel/errors.js';

/** Bits of a step's summary word above its operation kind (the low 8 bits). */
export const STEP_WARN = 1 << 8;
/** The step returned a negative errno. */
export const STEP_ERROR = 1 << 9;
/** The step walks into a known kernel hazard (crash, leak, race, corruption …). */
export const STEP_HAZARD = 1 << 10;
/** Check mode: a trace snapshot or return value taken after this step disagrees with the model. */
export const STEP_MISMATCH = 1 << 11;
/** An `expect` line of the step failed. */
export const STEP_EXPECT_FAILED = 1 << 12;
/** Compare mode: the kernels differ at this step. */
export const STEP_DIVERGES = 1 << 13;

/** A /proc/iomem resource drawn as a labelled band over the cells. */
export interface IomemBand {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
  readonly name: string;
  readonly depth: number;
}

/** One snapshot mismatch of check mode. */
export interface CheckMark {
  readonly step: number;
  readonly line: number;
  readonly section: number | null;
  readonly field: string;
  readonly model: string;
  readonly kernel: string;
  /**
   * The raw words behind a snapshot field (section_mem_map, ms->usage, subsection_map[0]) as each
   * side has them, when the compared value is a summary ("other", "present"); else null.
   */
  readonly raw: { readonly model: string; readonly kernel: string } | null;
}

/** Check mode's totals and mismatches (a recorded trace against the model). */
export interface CheckSummary {
  readonly fieldsCompared: number;
  readonly snapshots: number;
  readonly mismatches: readonly CheckMark[];
}

/** GET /api/info: everything the page needs once. */
export interface ViewInfo {
  readonly file: string;
  /** describeProfile() of each run (one, or one per kernel in compare mode). */
  readonly profiles: readonly string[];
  readonly kernels: readonly string[];
  /** Number of steps, boot (step 0) included. */
  readonly steps: number;
  readonly geometry: { readonly subsections: number; readonly sectionBytes: number; readonly subsectionBytes: number; readonly arch: string };
  /** Operation kinds; a step's summary word holds the index in its low 8 bits ('boot' is 0). */
  readonly kinds: readonly string[];
  /** One word per step: kind index | STEP_* bits. */
  readonly summary: readonly number[];
  /** Boot /proc/iomem resources (a scenario's iomem block, a trace's first snapshot). */
  readonly iomem: readonly IomemBand[];
  /** A trace's later /proc/iomem snapshots (namespaces appear, hot-added RAM …): each from `step` on. */
  readonly iomemAt: ReadonlyArray<{ readonly step: number; readonly label: string; readonly bands: readonly IomemBand[] }>;
  /** Compare mode: the first step at which the kernels differ (null: they agree, or no compare). */
  readonly firstDivergence: number | null;
  /** Check mode (a recorded trace): every mismatch, else null. */
  readonly check: CheckSummary | null;
}

/** GET /api/steps?from=A&to=B: rows A..B-1 of the step list. */
export interface StepRow {
  readonly seq: number;
  /** "file:line". */
  readonly source: string;
  /** The source's own words: a scenario line, or a trace step's user-action label. */
  readonly text: string;
  /** The kernel call with its arguments, as a scenario line names it (`__add_pages nid=0 pfn=0x… nr_pages=0x…`; 'boot' for step 0). */
  readonly call: string;
  readonly kind: string;
  /** Return code or query value as the kernel prints it ('' for boot and void calls). */
  readonly ret: string;
  readonly warnings: number;
  readonly hazards: number;
  readonly summary: number;
}

/** One non-absent section after a step (or touched by it). */
export interface SectionView {
  readonly nr: number;
  readonly start: number;
  readonly state: string;
  readonly flags: string;
  readonly usage: string;
  /**
   * One character per sub-section: '.' clear in subsection_map, 'B' set and present at boot
   * (bootMap), 'D' set inside a ZONE_DEVICE range, 'H' set and hot-added.
   */
  readonly cells: string;
  /** Memmap backing per sub-section (MemmapCell characters). */
  readonly memmap: string;
  /** SECTION_IS_ONLINE is set. */
  readonly online: boolean;
  /** Sub-sections whose bit or memmap backing the step (or the diff) changed (none at step 0: the boot is the start, not a change). */
  readonly changed: readonly number[];
  /** The section's fields the step (or the diff) changed, of state, flags, map, usage, nid (none at step 0). */
  readonly changedFields: readonly string[];
  /** Whether the step's outcome lists the section as touched. */
  readonly touched: boolean;
}

/** GET /api/state?step=N[&run=i]. */
export interface StateView {
  readonly step: number;
  readonly run: number;
  readonly row: StepRow;
  readonly path: string;
  readonly warnings: readonly string[];
  readonly hazards: readonly string[];
  readonly sections: readonly SectionView[];
  /** Sections whose state differs between the runs at this step (compare mode), else []. */
  readonly diverging: readonly number[];
}

/** GET /api/diff?from=A&to=B[&run=i]: only what differs. */
export interface DiffView {
  readonly from: number;
  readonly to: number;
  readonly run: number;
  /** The section as at `to`, `changed` = the sub-sections that differ from `from`. */
  readonly sections: ReadonlyArray<SectionView & { readonly before: SectionView; readonly summary: string; readonly fields: ReadonlyArray<readonly [string, string, string]> }>;
  readonly globals: ReadonlyArray<readonly [string, string, string]>;
}

/** One entry of a blame list: a step that changed the section (last writer first). */
export interface BlameRow {
  readonly seq: number;
  readonly source: string;
  readonly text: string;
  readonly field: string;
  readonly bit: number | null;
  readonly before: string;
  readonly after: string;
}

/** GET /api/section?step=N&nr=S[&run=i]: the detail panel (the section's map row, and all the rest). */
export interface SectionDetail extends Omit<SectionView, 'changed' | 'changedFields'> {
  readonly step: number;
  readonly run: number;
  readonly end: number;
  /** The raw section_mem_map word, "0x%016lx". */
  readonly word: string;
  readonly map: string;
  readonly nid: number;
  /** subsection_map as the kernel's unsigned longs, lowest first. */
  readonly subsectionMap: readonly string[];
  readonly bootMap: readonly string[] | null;
  /** The step's call path, WARN texts and hazards. */
  readonly path: string;
  readonly warnings: readonly string[];
  readonly hazards: readonly string[];
  /** Check mode: mismatches of this section at this step. */
  readonly mismatches: readonly CheckMark[];
}

/** An API error body (status 400 / 403 / 404 / 405 / 500): the error's code (kernel/errors.ts) and message. */
export interface ApiError {
  readonly code: ErrorCode;
  readonly error: string;
}
