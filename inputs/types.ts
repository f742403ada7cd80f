/**
 * Typed events: what `inputs/` produces from input files and `model/` consumes.
 * Every event carries the source location it came from.
 */
import type { Altmap, InjectedFailure } from '../kernel/types.js';
import type { BootLayout, Operation, SourceLoc } from '../kernel/operation.js';
import type { LocatedError } from '../kernel/errors.js';

/** An assertion about the outcome of the operation before it, or about the state after it. */
export type Expectation =
  | { readonly kind: 'ret'; readonly ret: number | null }
  | { readonly kind: 'value'; readonly value: boolean }
  | { readonly kind: 'warn'; readonly text: string }
  | { readonly kind: 'no-warn' }
  | { readonly kind: 'hazard'; readonly bug: string }
  | { readonly kind: 'no-hazard' }
  | {
      readonly kind: 'section';
      readonly nr: number;
      /** Only the fields given are checked. */
      readonly state?: string;
      readonly flags?: number;
      /** subsection_map as 32-bit words. */
      readonly map?: readonly number[];
      readonly usage?: string;
      readonly memmap?: string;
    };

/** An expectation with its own source line. */
export interface ExpectLine {
  readonly expect: Expectation;
  readonly source: SourceLoc;
  /** The line's text as written, for messages. */
  readonly text: string;
}

/** One step of a scenario: an operation, its options and the expectations that follow it. */
export interface ScenarioStep {
  readonly op: Operation;
  /** -ENOMEM injected into the Nth allocation of a kind during this operation. */
  readonly inject: readonly InjectedFailure[];
  readonly source: SourceLoc;
  /** The operation line as written (trimmed), for display. */
  readonly text: string;
  readonly expects: readonly ExpectLine[];
}

/** A parsed scenario file. */
export interface Scenario {
  readonly file: string;
  /** `kernel X` line if present. */
  readonly kernel: string | null;
  /** The line of that `kernel` line, for messages about its release. */
  readonly kernelLine?: number;
  readonly boot: BootLayout;
  /** Expectations written after the boot layout, before the first operation (checked at step 0). */
  readonly bootExpects: readonly ExpectLine[];
  readonly steps: readonly ScenarioStep[];
  /** The kernel's vmemmap_base when the input recorded it (a trace's `vmb=`), for raw section words. */
  readonly vmemmapBase?: bigint;
}

/** A user-input error at an input line: the one error type (kernel/errors.ts) with its `file:line`, rendered by `cli/` as `file:line: error[CODE]: message`. */
export type InputError = LocatedError;

/** A value or the errors that prevented it. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly InputError[] };
