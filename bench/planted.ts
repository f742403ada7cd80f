/**
 * A workload with planted first violations, for bisect's test and benchmark: boot RAM in sections
 * 32-39, then `steps` whole-section __add_pages / __remove_pages over a window of sections (each add
 * of a section that is absent, each remove of one that is present, so nothing warns, fails or breaks
 * an invariant under v5.3), with two planted operations:
 *   - at step `stateAt`: a sub-section add at the middle of section 20, which is never touched again:
 *     v5.3 writes pfn_to_kaddr() into its section_mem_map (F5), so invariant `section-map-vmemmap`
 *     is broken from that step on;
 *   - at step `stepAt`: a misaligned __add_pages (check_pfn_span: WARN, -EINVAL), the first `warn`
 *     and `error` step.
 */
import type { Operation } from '../kernel/operation.js';
import type { Scenario, ScenarioStep } from '../inputs/types.js';
import type { Geometry } from '../kernel/geometry.js';
import { mulberry32 } from '../verify/prng.js';

/** Where the violations are planted (step numbers: step 0 is boot). */
export interface PlantOptions {
  readonly steps: number;
  readonly stateAt: number;
  readonly stepAt: number;
  readonly seed?: number;
  /** Sections in the window (from section 200). */
  readonly sections?: number;
}

/** The section the planted F5 add breaks. */
export const PLANTED_SECTION = 20;

/** A scenario of `opts.steps` operations with the planted violations (deterministic in the seed). */
export function plantedScenario(g: Geometry, opts: PlantOptions): Scenario {
  const rng = mulberry32(opts.seed ?? 0x0b15ec7);
  const PPS = g.PAGES_PER_SECTION;
  const SUB = g.PAGES_PER_SUBSECTION;
  const first = 200;
  const n = opts.sections ?? 512;
  const present = new Uint8Array(n);
  const steps: ScenarioStep[] = [];
  for (let i = 1; i <= opts.steps; i++) {
    let op: Operation;
    if (i === opts.stateAt) op = { kind: '__add_pages', nid: 0, pfn: PLANTED_SECTION * PPS + 8 * SUB, nr_pages: 8 * SUB, altmap: null };
    else if (i === opts.stepAt) op = { kind: '__add_pages', nid: 0, pfn: (first + n) * PPS + 1, nr_pages: SUB, altmap: null };
    else {
      const k = rng.int(n);
      const pfn = (first + k) * PPS;
      op = present[k] ? { kind: '__remove_pages', pfn, nr_pages: PPS, altmap: null } : { kind: '__add_pages', nid: 0, pfn, nr_pages: PPS, altmap: null };
      present[k] = present[k] ? 0 : 1;
    }
    steps.push({ op, inject: [], source: { file: 'planted', line: i + 1 }, text: `${op.kind} pfn=0x${op.pfn.toString(16)} nr_pages=0x${op.nr_pages.toString(16)}`, expects: [] });
  }
  const boot = { ranges: [{ startPfn: 32 * PPS, endPfn: 40 * PPS, nid: 0 }], iomem: [], source: { file: 'planted', line: 1 } };
  return { file: 'planted', kernel: '5.3', boot, bootExpects: [], steps };
}
