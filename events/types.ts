/**
 * Typed events: what `events/` produces from input files and `machines/` consumes.
 * Every event carries the source location it came from.
 */
import type { Altmap, InjectedFailure } from '../machines/types.js';

/** Where an event came from in the input. */
export interface SourceLoc {
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
}

/** A boot memory range (a memblock.memory region / top-level "System RAM"), in pfns, end exclusive. */
export interface BootRange {
  readonly startPfn: number;
  readonly endPfn: number;
  readonly nid: number;
}

/** A named physical range from /proc/iomem, kept for display (inclusive end, bytes). */
export interface IomemResource {
  readonly start: number;
  readonly end: number;
  readonly name: string;
  /** Nesting depth in /proc/iomem (0 = top level). */
  readonly depth: number;
}

/** The boot memory layout of a scenario. */
export interface BootLayout {
  readonly ranges: readonly BootRange[];
  readonly iomem: readonly IomemResource[];
  readonly source: SourceLoc;
}

/**
 * One operation, named for the kernel function it calls.
 * `add_pages` / `arch_remove_memory` are the x86_64 paths (`arch_add_memory` → `add_pages` →
 * `__add_pages`, and `arch_remove_memory` → `__remove_pages`); the others call the function directly.
 */
export type Operation =
  | {
      readonly kind: 'add_pages' | '__add_pages';
      readonly nid: number;
      readonly pfn: number;
      readonly nr_pages: number;
      readonly altmap: Altmap | null;
    }
  | {
      readonly kind: '__remove_pages';
      readonly pfn: number;
      readonly nr_pages: number;
      readonly altmap: Altmap | null;
    }
  | {
      readonly kind: 'sparse_add_section';
      readonly nid: number;
      readonly pfn: number;
      readonly nr_pages: number;
      readonly altmap: Altmap | null;
    }
  | {
      readonly kind: 'sparse_remove_section';
      readonly pfn: number;
      readonly nr_pages: number;
      readonly map_offset: number;
      readonly altmap: Altmap | null;
    }
  | { readonly kind: 'online_mem_sections' | 'offline_mem_sections'; readonly start_pfn: number; readonly end_pfn: number }
  | { readonly kind: 'pfn_valid' | 'pfn_to_online_page'; readonly pfn: number }
  | {
      readonly kind: 'move_pfn_range_to_zone' | 'remove_pfn_range_from_zone';
      readonly pfn: number;
      readonly nr_pages: number;
      readonly zone: 'normal' | 'movable' | 'device';
    };

/** The kinds of operation. */
export type OperationKind = Operation['kind'];

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

/** A user-input error: what `cli/` renders as `file:line: message`. */
export interface InputError {
  readonly code: 'E_PARSE' | 'E_RANGE' | 'E_UNKNOWN_OP' | 'E_IOMEM' | 'E_IO' | 'E_USAGE';
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly hint?: string;
}

/** A value or the errors that prevented it. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly InputError[] };
