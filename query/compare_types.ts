/**
 * The types of a comparison of one scenario under several profiles (computed by
 * query/compare.ts): the runs compared, each step's cells and divergence reasons, the final diffs
 * and per-profile totals.
 */
import type { Hazard, Profile, SectionStateValue, Warning, KernelState } from '../kernel/types.js';
import type { LogStep, SectionDiff } from '../log/types.js';

/** What compareRuns needs of a recorded log (HotplugLog has it). */
export interface RecordedRun {
  /** Steps `from` to `to` (default: all), in order. */
  walk(from?: number, to?: number): Iterable<LogStep>;
  /** Number of steps. */
  readonly length: number;
  /** Step `n` (a big log decodes only its block). */
  step(n: number): LogStep;
  stateAt(n: number): KernelState;
}

/** One profile's recording of the scenario. */
export interface ProfileRun {
  readonly profile: Profile;
  readonly log: RecordedRun;
}

/** A section's state after a step, in one profile. */
export interface CellSection {
  readonly nr: number;
  /** Whether this profile's step touched the section (others may have). */
  readonly touched: boolean;
  readonly state: SectionStateValue;
  readonly flags: string;
  readonly usage: string;
  readonly map: string;
  /** The kernel's `unsigned long`s, "0x%016lx", lowest first. */
  readonly subsection_map: readonly string[];
  readonly memmap: string;
}

/** One profile's outcome of one step. */
export interface CompareCell {
  readonly kernel: string;
  readonly ret: number | null;
  readonly value: boolean | null;
  readonly warnings: readonly Warning[];
  readonly hazards: readonly Hazard[];
  /** The call path that decided the outcome, and the notes (shown, not compared). */
  readonly path: string;
  readonly notes: readonly string[];
  /** Every section a profile touched at this step, ascending. */
  readonly sections: readonly CellSection[];
}

/** The profiles that agree on one value, and that value as text. */
export interface ValueGroup {
  readonly kernels: readonly string[];
  readonly value: string;
}

/** The section fields compared after a step. */
export type SectionField = 'state' | 'flags' | 'usage' | 'map' | 'subsection_map' | 'memmap';

/** Why the profiles differ at a step. */
export interface DivergenceReason {
  readonly kind: 'ret' | 'value' | 'warnings' | 'hazards' | 'section';
  /** For kind `section`: the (consecutive) sections that differ the same way, and the field. */
  readonly sections?: readonly number[];
  readonly field?: SectionField;
  /** The profiles grouped by value, in the order of first appearance. */
  readonly groups: readonly ValueGroup[];
  /** e.g. `5.2 ret 0 vs 5.3 ret -EEXIST`. */
  readonly text: string;
}

/** One step of the comparison. */
export interface CompareStep {
  readonly seq: number;
  /** "file:line". */
  readonly source: string;
  readonly text: string;
  readonly cells: readonly CompareCell[];
  readonly differs: boolean;
  readonly reasons: readonly DivergenceReason[];
}

/** The final state of one profile against the first profile's (sections only). */
export interface FinalDiff {
  readonly kernel: string;
  readonly against: string;
  readonly sections: readonly SectionDiff[];
}

/** One profile's totals over the whole scenario. */
export interface ProfileTotals {
  readonly kernel: string;
  readonly warnings: number;
  readonly hazards: number;
  readonly expects: number;
  /** Expectations that held (the scenario's `expect` lines were written for one kernel). */
  readonly expectsHeld: number;
}

/** The whole comparison. */
export interface Comparison {
  /** describeProfile() of each profile, in the order given. */
  readonly profiles: readonly string[];
  readonly kernels: readonly string[];
  readonly totals: readonly ProfileTotals[];
  /**
   * False when the profiles' geometries differ (an architecture whose section size changed between
   * the releases): section numbers then name different ranges, so only return codes, values,
   * warnings and hazards are compared, and there are no final diffs.
   */
  readonly sectionsCompared: boolean;
  /**
   * What is left out of the comparison because a profile's kernel does not have it: with a kernel
   * before SUBSECTION (v5.2) next to one after, the EARLY flag, subsection_map and the boot map
   * (v5.2 has neither; memhp shows its map full). Null when everything is compared.
   */
  readonly notCompared: { readonly fields: readonly string[]; readonly why: string } | null;
  readonly steps: readonly CompareStep[];
  readonly firstDivergence: { readonly seq: number; readonly source: string; readonly text: string; readonly reasons: readonly DivergenceReason[] } | null;
  readonly finalDiffs: readonly FinalDiff[];
}
