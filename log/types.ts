/** The log's data types: one record per step, expectation results, diffs. */
import type { Patch } from 'immer';
import type { Expectation } from '../inputs/types.js';
import type { Operation, SourceLoc } from '../kernel/operation.js';
import type { InjectedFailure, Outcome, SectionStateValue } from '../kernel/types.js';

/** The result of one `expect` line. */
export interface ExpectResult {
  readonly expect: Expectation;
  readonly source: SourceLoc;
  readonly text: string;
  readonly ok: boolean;
  /** What was found, when it differs from what was expected. */
  readonly detail: string;
}

/** One step of the log. Step 0 is boot (op null). */
export interface LogStep {
  readonly seq: number;
  readonly source: SourceLoc;
  /** The input line as written. */
  readonly text: string;
  readonly op: Operation | null;
  readonly inject: readonly InjectedFailure[];
  readonly outcome: Outcome;
  readonly expects: readonly ExpectResult[];
  readonly patches: readonly Patch[];
  readonly inversePatches: readonly Patch[];
}

/** How one section differs between two steps. */
export interface SectionDiff {
  readonly nr: number;
  readonly state: readonly [SectionStateValue, SectionStateValue];
  readonly flagsSet: readonly string[];
  readonly flagsCleared: readonly string[];
  readonly bitsSet: readonly number[];
  readonly bitsCleared: readonly number[];
  /** Other fields that changed: [field, before, after] rendered as text. */
  readonly fields: ReadonlyArray<readonly [string, string, string]>;
}

/** The difference between the states at two steps. */
export interface StateDiff {
  readonly from: number;
  readonly to: number;
  readonly sections: readonly SectionDiff[];
  /** Non-section state that changed: [field, before, after]. */
  readonly globals: ReadonlyArray<readonly [string, string, string]>;
}
