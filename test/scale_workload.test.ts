/**
 * The scale workload (bench/generate_scale.ts) on a small x86_64 geometry — MAX_PHYSMEM_BITS 37:
 * 1024 sections in 8 mem_section roots of 128 — and a short recording of it (bench/scale.ts):
 * every root named and allocated, the same seed gives the same operations, and the recorded log
 * replays to its live state. The bench measures the real sizes (2^19 and 2^25 sections).
 */
import { describe, expect, it } from 'vitest';
import { createProfile } from '../kernel/profile.js';
import { deriveGeometry, X86_64 } from '../kernel/geometry.js';
import type { Profile } from '../kernel/types.js';
import { generateScaleWorkload, rootsNamed } from '../bench/generate_scale.js';
import { recordLogged } from '../bench/workloads.js';
import { scaleRun } from '../bench/scale.js';
import { step } from '../model/model.js';
import { SMALL_ROOTS, tableOf } from '../model/states.js';

const small: Profile = { ...createProfile({ kernel: '5.3' }), geometry: deriveGeometry({ ...X86_64, MAX_PHYSMEM_BITS: 37 }) };
const g = small.geometry;

describe('scale workload', () => {
  it('names every root of the geometry, and keeps boot RAM in root 0', () => {
    expect(g.NR_SECTION_ROOTS).toBe(8);
    const wl = generateScaleWorkload(g, { seed: 7, steps: 200 });
    expect(wl.ops).toHaveLength(200);
    expect(rootsNamed(g, wl)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const r of wl.boot.ranges) expect(Math.floor((r.endPfn - 1) / g.PAGES_PER_SECTION)).toBeLessThan(g.SECTIONS_PER_ROOT);
    for (const op of wl.ops) if (op.kind === '__add_pages' || op.kind === '__remove_pages') expect(op.pfn + op.nr_pages).toBeLessThanOrEqual(g.MAX_PFN);
  });

  it('is deterministic in its seed', () => {
    const a = generateScaleWorkload(g, { seed: 7, steps: 300 });
    const b = generateScaleWorkload(g, { seed: 7, steps: 300 });
    const c = generateScaleWorkload(g, { seed: 8, steps: 300 });
    expect(b.scenario).toEqual(a.scenario);
    expect(c.ops).not.toEqual(a.ops);
  });

  it('mixes sub-section and whole-section ranges, adds and removes', () => {
    const wl = generateScaleWorkload(g, { seed: 7, steps: 2000 });
    const whole = wl.ops.filter((op) => op.kind === '__add_pages' && op.nr_pages % g.PAGES_PER_SECTION === 0).length;
    const sub = wl.ops.filter((op) => op.kind === '__add_pages' && op.nr_pages < g.PAGES_PER_SECTION).length;
    const removes = wl.ops.filter((op) => op.kind === '__remove_pages').length;
    expect(whole).toBeGreaterThan(0);
    expect(sub).toBeGreaterThan(whole);
    expect(removes).toBeGreaterThan(0);
  });

  it('records: every root allocated, outcomes of both kinds, the log replays to its live state', () => {
    const wl = generateScaleWorkload(g, { seed: 7, steps: 600 });
    const log = recordLogged(small, wl, 64);
    expect(log.length).toBe(601);
    expect(Object.keys(log.live.roots).map(Number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const rets = new Set(log.steps.slice(1).map((s) => (s.op?.kind === '__add_pages' ? s.outcome.ret : 'remove')));
    expect(rets).toContain(0);
    expect(rets).toContain(-17);
    expect(log.replay()).toEqual(log.live);
    expect(log.stateAt(300)).toEqual(log.replay(300));
  });

  it('past SMALL_ROOTS roots states keep a root table: the log replays to them, and a step from a replayed (plain) state gives the same state', () => {
    const wide: Profile = { ...small, geometry: deriveGeometry({ ...X86_64, MAX_PHYSMEM_BITS: 41 }) };
    expect(wide.geometry.NR_SECTION_ROOTS).toBeGreaterThan(SMALL_ROOTS);
    const wl = generateScaleWorkload(wide.geometry, { seed: 3, steps: 700 });
    const log = recordLogged(wide, wl, 64);
    expect(tableOf(log.live)).toBeDefined();
    expect(Object.keys(log.live.roots)).toHaveLength(wide.geometry.NR_SECTION_ROOTS);
    const replayed = log.replay();
    expect(tableOf(replayed)).toBeUndefined();
    expect(replayed).toEqual(log.live);
    expect(log.stateAt(633)).toEqual(log.replay(633));
    const n = 650;
    const from = log.replay(n - 1);
    const op = log.step(n).op;
    if (!op) throw new Error('step without an operation');
    const again = step(wide, from, op);
    expect(again.state).toEqual(log.stateAt(n));
    expect(again.patches).toEqual(log.step(n).patches);
  });

  it('the bench part measures a short run', () => {
    const r = scaleRun(small, 300, 7, () => undefined);
    expect(r.steps).toBe(300);
    expect(r.sections).toBe(1024);
    expect(r.roots).toBe(8);
    expect(r.checkpoints).toBe(5);
  });
});
