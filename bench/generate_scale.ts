/**
 * The scale workload (issue 17 point 4): a deterministic, seeded sequence of `__add_pages` /
 * `__remove_pages` over the whole section range of a geometry — 2^19 sections on x86_64 4-level
 * paging, 2^25 on 5-level — on top of a boot layout with RAM low (below 4 GiB plus 2 GiB from
 * 4 GiB up, all inside mem_section root 0), and every root named by some operation.
 *
 * Ranges follow bench/generate.ts (~88 % sub-section ranges inside one section, ~10 % whole
 * sections (1 to 4), ~2 % misaligned among random operations) and the steps are its driver's
 * (driveSteps: 42.5 % the driver adds a range it believes free, 42.5 % it removes one it added,
 * 15 % a random add or remove). What
 * differs: the driver's bookkeeping is sparse (a 32-bit word per 32 sub-sections it uses, not a
 * byte per sub-section of the address space, which would be 2 GiB on 5-level), and the sections
 * of adds sweep the roots: the j-th add lands in root (a·j + b) mod NR_SECTION_ROOTS (a odd, so
 * every NR_SECTION_ROOTS consecutive adds name every root once), at a random section inside it.
 * Random removes pick any section of the whole range.
 */
import type { BootLayout } from '../kernel/operation.js';
import type { Scenario } from '../inputs/types.js';
import type { Geometry } from '../kernel/geometry.js';
import { driveSteps, PC_LOW_RAM } from './generate.js';
import type { Workload } from './generate.js';
import { mulberry32 } from '../verify/prng.js';
import type { Rng } from '../verify/prng.js';

/** Parameters of a scale workload. */
export interface ScaleOptions {
  readonly seed: number;
  /** Number of operations after boot. */
  readonly steps: number;
}

/** Default: 10^6 steps (the target size). */
export const DEFAULT_SCALE: ScaleOptions = { seed: 0x5ca1ab1e, steps: 1_000_000 };

/**
 * Generate the scale workload for `opts` over every section of `g` (deterministic in opts.seed).
 * Its `opts` name the window as the whole range: firstSection 0, sections NR_MEM_SECTIONS.
 */
export function generateScaleWorkload(g: Geometry, opts: ScaleOptions = DEFAULT_SCALE): Workload {
  const rng = mulberry32(opts.seed);
  const PPS = g.PAGES_PER_SECTION;
  const SUB = g.PAGES_PER_SUBSECTION;
  const NSUB = g.SUBSECTIONS_PER_SECTION;
  const n = g.NR_MEM_SECTIONS;
  const spr = g.SECTIONS_PER_ROOT;
  const nRoots = g.NR_SECTION_ROOTS;
  const source = { file: 'bench-scale', line: 0 };

  // Boot: low memory as on a PC, then 2 GiB (in sections: up to 16 of 128 MiB) from 4 GiB up,
  // ending half-way through a section; all of it well inside root 0.
  const GiB = 2 ** 30 / g.PAGE_SIZE;
  const highStart = 4 * GiB;
  const highSections = Math.max(1, Math.floor((2 * GiB) / PPS));
  const boot: BootLayout = {
    ranges: [
      ...PC_LOW_RAM,
      { startPfn: highStart, endPfn: highStart + highSections * PPS + (NSUB / 2) * SUB, nid: 0 },
    ],
    iomem: [],
    source,
  };

  // The driver's own bookkeeping, sparse: 32 sub-sections a word, by global sub-section / 32.
  const used = new Map<number, number>();
  const mark = (pfn: number, nrPages: number, v: boolean): void => {
    for (let s = pfn / SUB; s < (pfn + nrPages) / SUB; s++) {
      const w = Math.floor(s / 32);
      const bit = 1 << s % 32;
      const was = used.get(w) ?? 0;
      const now = v ? was | bit : was & ~bit;
      if (now === 0) used.delete(w);
      else used.set(w, now);
    }
  };
  const free = (pfn: number, nrPages: number): boolean => {
    for (let s = Math.floor(pfn / SUB); s < Math.ceil((pfn + nrPages) / SUB); s++) if (((used.get(Math.floor(s / 32)) ?? 0) & (1 << s % 32)) !== 0) return false;
    return true;
  };
  for (const r of boot.ranges) mark(Math.floor(r.startPfn / SUB) * SUB, (Math.ceil(r.endPfn / SUB) - Math.floor(r.startPfn / SUB)) * SUB, true);

  // The root sweep of adds: an odd multiplier makes j ↦ (a·j + b) mod nRoots a bijection on every
  // nRoots consecutive j (nRoots is a power of two).
  const a = (2 * rng.int(Math.max(1, nRoots / 2)) + 1) % Math.max(1, nRoots) || 1;
  const b = rng.int(nRoots);
  let adds = 0;
  const addSection = (): number => {
    const root = (a * (adds % nRoots) + b) % nRoots;
    adds++;
    return Math.min(n - 1, root * spr + rng.int(spr));
  };
  const anySection = (): number => rng.int(n);

  const { ops, steps } = driveSteps(rng, opts.steps, 'bench-scale', SUB, {
    adds: () => {
      const sec = addSection();
      return () => randomRange(rng, g, sec, false);
    },
    any: (kind) => randomRange(rng, g, kind === '__add_pages' ? addSection() : anySection(), true),
    mark,
    free,
  });
  const scenario: Scenario = { file: 'bench-scale', kernel: '5.3', boot, bootExpects: [], steps };
  return { opts: { seed: opts.seed, steps: opts.steps, firstSection: 0, sections: n }, boot, ops, scenario, sectionLimit: n };
}

/** The mem_section roots the operations of `wl` name (any page of their range), ascending. */
export function rootsNamed(g: Geometry, wl: Workload): number[] {
  const seen = new Set<number>();
  for (const op of wl.ops) {
    if (op.kind !== '__add_pages' && op.kind !== '__remove_pages') continue;
    const first = Math.floor(op.pfn / g.PAGES_PER_SECTION);
    const last = Math.floor((op.pfn + op.nr_pages - 1) / g.PAGES_PER_SECTION);
    for (let s = first; s <= last && s < g.NR_MEM_SECTIONS; s++) seen.add(Math.floor(s / g.SECTIONS_PER_ROOT));
  }
  return [...seen].sort((x, y) => x - y);
}

// --- internal ---

/** [pfn, nr_pages] of a random range starting in section `sec`; misaligned ones only when allowed. */
function randomRange(rng: Rng, g: Geometry, sec: number, misaligned: boolean): [number, number] {
  const PPS = g.PAGES_PER_SECTION;
  const SUB = g.PAGES_PER_SUBSECTION;
  const NSUB = g.SUBSECTIONS_PER_SECTION;
  const shape = rng.next() * (misaligned ? 1 : 0.98);
  if (shape < 0.88) {
    const s = rng.int(NSUB);
    const len = 1 + Math.min(NSUB - 1 - s, Math.floor(-Math.log(1 - rng.next()) * 8));
    return [sec * PPS + s * SUB, len * SUB];
  }
  if (shape < 0.98) {
    const k = Math.min(1 + rng.int(4), g.NR_MEM_SECTIONS - sec);
    return [sec * PPS, k * PPS];
  }
  const s = rng.int(NSUB);
  return rng.next() < 0.5 ? [sec * PPS + s * SUB + 1 + rng.int(SUB - 1), SUB] : [sec * PPS + s * SUB, SUB + 1 + rng.int(SUB - 1)];
}
