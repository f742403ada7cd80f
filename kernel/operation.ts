/**
 * The operation table: every kernel call memhp models, with its arguments as the kernel takes them,
 * and the boot layout a run starts from. Inputs produce these; the model consumes them.
 */
import type { Altmap } from './types.js';

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
 * The kinds of operation, each the name of the kernel function it calls: the operation words of a
 * scenario besides the byte-range short forms, the `op.kind` of a log record.
 */
export const OPERATION_KINDS = [
  'add_pages',
  '__add_pages',
  '__remove_pages',
  'sparse_add_section',
  'sparse_remove_section',
  'online_mem_sections',
  'offline_mem_sections',
  'pfn_valid',
  'pfn_to_online_page',
  'move_pfn_range_to_zone',
  'remove_pfn_range_from_zone',
] as const;

/** The kinds of operation. */
export type OperationKind = (typeof OPERATION_KINDS)[number];

/** The zones move_pfn_range_to_zone / remove_pfn_range_from_zone take (ZONE_NORMAL, ZONE_MOVABLE, ZONE_DEVICE). */
export const ZONES = ['normal', 'movable', 'device'] as const;

/** A zone an operation names. */
export type Zone = (typeof ZONES)[number];

/**
 * One operation, named for the kernel function it calls (one of OPERATION_KINDS).
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
      readonly zone: Zone;
    };

// Operation has a variant for every kind of OPERATION_KINDS and no other: this fails to compile otherwise.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _kindsOk: Same<Operation['kind'], OperationKind> = true;
void _kindsOk;
