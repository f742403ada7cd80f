/**
 * The bench workload: a deterministic, seeded sequence of `__add_pages` / `__remove_pages` over a
 * window of ~1024 sections (several mem_section roots of 128), on top of a boot layout with some
 * RAM inside the window (early sections, one with a sub-section-aligned hole at each end).
 *
 * Ranges (x86_64: 64 sub-sections of 512 pfns per 32768-pfn section): ~88 % sub-section-aligned
 * inside one section (start uniform, length 1 + Exp(mean 8) sub-sections, clipped to the section),
 * ~10 % whole sections (1 to 4, section-aligned), and — among the random operations only — ~2 %
 * misaligned spans (check_pfn_span: WARN, -EINVAL).
 *
 * Steps, like a driver with its own bookkeeping plus noise: 42.5 % the driver adds a range it
 * believes free (boot RAM and its earlier adds are in use; after 8 tries it collides), 42.5 % it
 * removes a range it added, 15 % a random add or remove of any range (collisions, holes, boot RAM,
 * misaligned spans; a random add into space the driver thinks free is adopted by it). The driver's
 * bookkeeping is not the kernel's: random removals make it drift, so the mix of successes and errors
 * comes from the model, not from the generator.
 */
import type { BootLayout, Operation } from '../kernel/operation.js';
import type { Scenario, ScenarioStep } from '../inputs/types.js';
import type { Geometry } from '../kernel/geometry.js';
import { mulberry32 } from '../verify/prng.js';
import type { Rng } from '../verify/prng.js';

/** Parameters of a workload. */
export interface WorkloadOptions {
  readonly seed: number;
  /** Number of operations after boot. */
  readonly steps: number;
  /** First section of the window operations touch. */
  readonly firstSection: number;
  /** Number of sections in the window. */
  readonly sections: number;
}

/** Default workload: 100k steps over sections 32..1055 (4 GiB up; roots 0..8). */
export const DEFAULT_WORKLOAD: WorkloadOptions = { seed: 0x5eed5ec7, steps: 100_000, firstSection: 32, sections: 1024 };

/** A generated workload: boot layout plus operations, and the same as an in-memory Scenario. */
export interface Workload {
  readonly opts: WorkloadOptions;
  readonly boot: BootLayout;
  readonly ops: readonly Operation[];
  readonly scenario: Scenario;
  /** One past the highest section number any operation or boot range touches. */
  readonly sectionLimit: number;
}

/** The boot RAM below 2 GiB of a PC, as both bench workloads boot it (nid 0). */
export const PC_LOW_RAM: BootLayout['ranges'] = [
  { startPfn: 0x1, endPfn: 0x9f, nid: 0 },
  { startPfn: 0x100, endPfn: 0x7ffe0, nid: 0 },
];

/** Generate the workload for `opts` under geometry `g` (deterministic in opts.seed). */
export function generateWorkload(g: Geometry, opts: WorkloadOptions = DEFAULT_WORKLOAD): Workload {
  const rng = mulberry32(opts.seed);
  const PPS = g.PAGES_PER_SECTION;
  const SUB = g.PAGES_PER_SUBSECTION;
  const NSUB = g.SUBSECTIONS_PER_SECTION;
  const first = opts.firstSection;
  const n = opts.sections;
  const source = { file: 'bench', line: 0 };

  // Boot: low memory as on a PC, then RAM at the start of the window (a partial last section) and a
  // second range deep in the window that starts and ends on sub-section boundaries.
  const ramSections = Math.max(1, Math.floor(n / 5));
  const deep = first + Math.floor(n * 0.65);
  const boot: BootLayout = {
    ranges: [
      ...PC_LOW_RAM,
      { startPfn: first * PPS, endPfn: (first + ramSections) * PPS + (NSUB / 2) * SUB, nid: 0 },
      { startPfn: deep * PPS + 10 * SUB, endPfn: (deep + Math.max(1, Math.floor(n / 16))) * PPS + 40 * SUB, nid: 1 },
    ],
    iomem: [],
    source,
  };

  // The driver's own bookkeeping: which sub-sections it believes are in use (boot RAM, its adds).
  const used = new Uint8Array((first + n + 4) * NSUB);
  for (const r of boot.ranges) {
    for (let s = Math.floor(r.startPfn / SUB); s < Math.ceil(r.endPfn / SUB); s++) used[s] = 1;
  }
  const mark = (pfn: number, nrPages: number, v: 0 | 1): void => void used.fill(v, pfn / SUB, (pfn + nrPages) / SUB);
  const free = (pfn: number, nrPages: number): boolean => {
    for (let s = pfn / SUB; s < (pfn + nrPages) / SUB; s++) if (used[s]) return false;
    return true;
  };

  const { ops, steps } = driveSteps(rng, opts.steps, 'bench', SUB, {
    adds: () => () => randomRange(rng, PPS, SUB, NSUB, first, n, false),
    any: () => randomRange(rng, PPS, SUB, NSUB, first, n, true),
    mark: (pfn, nrPages, v) => mark(pfn, nrPages, v ? 1 : 0),
    free,
  });
  const scenario: Scenario = { file: 'bench', kernel: '5.3', boot, bootExpects: [], steps };
  return { opts, boot, ops, scenario, sectionLimit: first + n + 4 };
}

/** A range of pfns: [pfn, nr_pages]. */
export type PfnRange = readonly [number, number];

/** Where a driver's operations go (bench/generate.ts's window, bench/generate_scale.ts's sweep) and its own bookkeeping. */
export interface DriverSpace {
  /** An add the driver means to make: its tries, each a new range (the same section, or not, as the space likes). */
  adds(): () => PfnRange;
  /** A random operation's range (misaligned ones allowed); `kind` is already drawn. */
  any(kind: '__add_pages' | '__remove_pages'): PfnRange;
  /** Mark [pfn, pfn + nrPages) used or free in the driver's books. */
  mark(pfn: number, nrPages: number, used: boolean): void;
  /** True when the driver believes every sub-section of the range is free. */
  free(pfn: number, nrPages: number): boolean;
}

/**
 * The driver of both bench workloads: each of `count` steps, 42.5 % it adds a range it believes
 * free (8 more tries, then it collides), 42.5 % it removes one it added, 15 % a random add or
 * remove (an add that will succeed is adopted). Operations and scenario steps named in `file`.
 */
export function driveSteps(rng: Rng, count: number, file: string, SUB: number, space: DriverSpace): { ops: Operation[]; steps: ScenarioStep[] } {
  const ops: Operation[] = [];
  const steps: ScenarioStep[] = [];
  const added: PfnRange[] = [];
  for (let i = 0; i < count; i++) {
    const r = rng.next();
    let kind: '__add_pages' | '__remove_pages';
    let range: PfnRange;
    if (r < 0.425) {
      // The driver adds a range it believes free (a few tries, then it collides: -EEXIST).
      kind = '__add_pages';
      const next = space.adds();
      range = next();
      for (let tries = 0; tries < 8 && !space.free(range[0], range[1]); tries++) range = next();
      if (space.free(range[0], range[1])) {
        space.mark(range[0], range[1], true);
        added.push(range);
      }
    } else if (r < 0.85 && added.length > 0) {
      // The driver removes something it added.
      kind = '__remove_pages';
      const j = rng.int(added.length);
      range = added[j] as PfnRange;
      added[j] = added[added.length - 1] as PfnRange;
      added.pop();
      space.mark(range[0], range[1], false);
    } else {
      // Anything at all: collisions, holes, boot RAM, misaligned spans.
      kind = rng.next() < 0.5 ? '__add_pages' : '__remove_pages';
      range = space.any(kind);
      if (kind === '__add_pages' && range[0] % SUB === 0 && range[1] % SUB === 0 && space.free(range[0], range[1])) {
        space.mark(range[0], range[1], true); // it will succeed: the driver adopts it
        added.push(range);
      }
    }
    const [pfn, nrPages] = range;
    const op: Operation = kind === '__add_pages' ? { kind, nid: 0, pfn, nr_pages: nrPages, altmap: null } : { kind, pfn, nr_pages: nrPages, altmap: null };
    ops.push(op);
    steps.push({ op, inject: [], source: { file, line: i + 1 }, text: [kind, ' pfn=0x', pfn.toString(16), ' nr_pages=0x', nrPages.toString(16)].join(''), expects: [] });
  }
  return { ops, steps };
}

// --- internal ---

/** [pfn, nr_pages] of a random range inside the window; misaligned ones only when allowed. */
function randomRange(rng: Rng, PPS: number, SUB: number, NSUB: number, first: number, n: number, misaligned: boolean): [number, number] {
  const shape = rng.next() * (misaligned ? 1 : 0.98);
  const sec = first + rng.int(n);
  if (shape < 0.88) {
    const s = rng.int(NSUB);
    const len = 1 + Math.min(NSUB - 1 - s, Math.floor(-Math.log(1 - rng.next()) * 8));
    return [sec * PPS + s * SUB, len * SUB];
  }
  if (shape < 0.98) {
    const k = Math.min(1 + rng.int(4), first + n - sec);
    return [sec * PPS, k * PPS];
  }
  // Misaligned: a start or a size that is not a multiple of PAGES_PER_SUBSECTION.
  const s = rng.int(NSUB);
  return rng.next() < 0.5 ? [sec * PPS + s * SUB + 1 + rng.int(SUB - 1), SUB] : [sec * PPS + s * SUB, SUB + 1 + rng.int(SUB - 1)];
}
