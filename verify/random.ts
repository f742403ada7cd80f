/**
 * `memhp verify --random`: seeded sequences of direct hotplug calls, each over its own block of
 * fresh sections far above boot RAM, with the property tests' mix of alignments (section,
 * sub-section, page granular) and sizes (sub-sections, whole sections, across sections, zero).
 * Sequences on disjoint blocks share one boot; the same seed always gives the same sequences.
 */
import type { Operation } from '../kernel/operation.js';
import type { Scenario, ScenarioStep } from '../inputs/types.js';
import { operationLine } from '../inputs/trace/scenario_text.js';
import { GUEST_GEOMETRY } from './guest_geometry.js';
import { mulberry32 } from './prng.js';

/** Pages per section and per sub-section (x86_64). */
const { PAGES_PER_SECTION: SEC, PAGES_PER_SUBSECTION: SUB, SUBSECTIONS_PER_SECTION: SUBS } = GUEST_GEOMETRY;
/** Sections per sequence: a block of fresh sections no other sequence touches. */
export const BLOCK_SECTIONS = 4;
/** The first block starts at section 256 (32 GiB), above any RAM a verify guest boots with. */
export const FIRST_BLOCK_SECTION = 256;

/** One generated sequence: its index, its block's first section and its operations. */
export interface RandomSequence {
  readonly index: number;
  readonly firstSection: number;
  readonly ops: readonly Operation[];
}

/** `n` sequences of `ops` calls each from `seed` (mulberry32); sequence i uses block i. */
export function randomSequences(n: number, ops: number, seed: number): RandomSequence[] {
  const rnd = mulberry32(seed).next;
  const out: RandomSequence[] = [];
  for (let i = 0; i < n; i++) {
    const firstSection = FIRST_BLOCK_SECTION + i * BLOCK_SECTIONS;
    const pool: Array<{ pfn: number; nr: number }> = [];
    const list: Operation[] = [];
    for (let k = 0; k < ops; k++) list.push(randomOp(rnd, firstSection, pool));
    out.push({ index: i, firstSection, ops: list });
  }
  return out;
}

/** The sequences as one scenario (no boot layout: the guest's own is read from its trace), a comment line per sequence start. */
export function sequencesScenario(seqs: readonly RandomSequence[], file: string): Scenario {
  const steps: ScenarioStep[] = [];
  let line = 1;
  for (const s of seqs) {
    line++;
    for (const op of s.ops) steps.push({ op, inject: [], source: { file, line: ++line }, text: operationLine(op), expects: [] });
  }
  return { file, kernel: null, boot: { ranges: [], iomem: [], source: { file, line: 1 } }, bootExpects: [], steps };
}

// --- internal ---

type Rnd = () => number;

const int = (rnd: Rnd, min: number, max: number): number => min + Math.floor(rnd() * (max - min + 1));

/** Pick by weight: `[[weight, value], …]`. */
function weighted<T>(rnd: Rnd, choices: ReadonlyArray<readonly [number, () => T]>): T {
  const total = choices.reduce((s, c) => s + c[0], 0);
  let r = rnd() * total;
  for (const [w, f] of choices) {
    if (r < w) return f();
    r -= w;
  }
  return (choices[choices.length - 1] as readonly [number, () => T])[1]();
}

/** A span inside the block: start mostly sub-section aligned, size mostly whole sub-sections, clamped to the block. */
function span(rnd: Rnd, first: number): { pfn: number; nr: number } {
  const base = first * SEC;
  const sec = int(rnd, 0, BLOCK_SECTIONS - 1);
  const off = weighted(rnd, [
    [2, () => 0],
    [6, () => int(rnd, 0, SUBS - 1) * SUB],
    [1, () => int(rnd, 1, SEC - 1)],
  ]);
  const nr = weighted(rnd, [
    [6, () => int(rnd, 1, SUBS) * SUB],
    [2, () => int(rnd, 1, 2) * SEC],
    [2, () => int(rnd, SUBS + 1, 2 * SUBS) * SUB],
    [1, () => int(rnd, 1, SEC)],
    [1, () => 0],
  ]);
  const pfn = base + sec * SEC + off;
  return { pfn, nr: Math.min(nr, base + BLOCK_SECTIONS * SEC - pfn) };
}

/** One call: adds and removes of fresh or pooled spans (so removes meet adds), and the queries. */
function randomOp(rnd: Rnd, first: number, pool: Array<{ pfn: number; nr: number }>): Operation {
  const pick = (): { pfn: number; nr: number } => {
    const p = pool.length > 0 && rnd() < 0.6 ? pool[int(rnd, 0, pool.length - 1)] : undefined;
    if (p !== undefined) return p;
    const s = span(rnd, first);
    if (pool.length < 8) pool.push(s);
    return s;
  };
  return weighted<Operation>(rnd, [
    [5, () => ({ kind: '__add_pages', nid: 0, ...spanOp(pick()), altmap: null })],
    [1, () => ({ kind: 'add_pages', nid: 0, ...spanOp(pick()), altmap: null })],
    [5, () => ({ kind: '__remove_pages', ...spanOp(pick()), altmap: null })],
    [1, () => {
      const s = pick();
      return { kind: rnd() < 0.5 ? 'online_mem_sections' : 'offline_mem_sections', start_pfn: s.pfn, end_pfn: s.pfn + s.nr };
    }],
    [2, () => ({ kind: rnd() < 0.7 ? 'pfn_valid' : 'pfn_to_online_page', pfn: pick().pfn + int(rnd, 0, SUB - 1) })],
  ]);
}

const spanOp = (s: { pfn: number; nr: number }): { pfn: number; nr_pages: number } => ({ pfn: s.pfn, nr_pages: s.nr });
