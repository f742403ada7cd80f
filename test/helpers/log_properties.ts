/** The log property tests' helpers: a live run of a scenario, its sections, and diffs checked field by field against the states. */
import { isDeepStrictEqual } from 'node:util';
import { bootState, step } from '../../model/index.js';
import { createProfile } from '../../kernel/index.js';
import type { KernelState, MemSection, Outcome } from '../../kernel/index.js';
import { diffStates, isEmptyDiff } from '../../query/index.js';
import type { SectionDiff, StateDiff } from '../../log/index.js';
import type { Operation } from '../../kernel/operation.js';
import type { Scenario } from '../../inputs/types.js';
import { SEC, SUB, SUBS } from './arbitraries.js';
import { scenarioText } from './scenario_build.js';
import { expect } from 'vitest';

export const profile = createProfile({ kernel: '5.3', arch: 'x86_64' });
export const g = profile.geometry;
export const NUM_RUNS = Math.max(200, Number(process.env.MEMHP_LOG_PROP_RUNS ?? 200));

// ---- helpers -----------------------------------------------------------------------------------

export interface Live {
  /** The state after each step (index 0 = boot), straight from bootState/step. */
  readonly states: KernelState[];
  /** Deep copies taken at once, to check that no later step or replay mutates an earlier state. */
  readonly copies: KernelState[];
  readonly outcomes: Outcome[];
}

/** Run the scenario through the model, keeping every live state. */
export function runLive(s: Scenario): Live {
  const boot = bootState(profile, s.boot);
  const states = [boot.state];
  const outcomes = [boot.outcome];
  for (const st of s.steps) {
    const r = step(profile, states[states.length - 1]!, st.op, st.inject);
    states.push(r.state);
    outcomes.push(r.outcome);
  }
  return { states, copies: states.map((x) => structuredClone(x)), outcomes };
}

/** Every stored section of a state, by number (independent of model/model listSections). */
export function sectionsOf(s: KernelState): Map<number, MemSection> {
  const out = new Map<number, MemSection>();
  for (const root of Object.values(s.roots)) for (const ms of root.sections) if (ms) out.set(ms.nr, ms);
  return out;
}

/** The all-zero section a fresh root holds (spelled out, not taken from model/). */
export function zero(nr: number): MemSection {
  return { nr, flags: 0, map: 'zero', nid: 0, usage: 'none', subsectionMap: [0, 0], bootMap: null, memmap: '.'.repeat(SUBS), machine: 'absent.never' };
}

export const FLAGS: ReadonlyArray<readonly [string, number]> = [
  ['PRESENT', 1],
  ['HAS_MEM_MAP', 2],
  ['ONLINE', 4],
  ['EARLY', 8],
];

export function bitsOf(map: readonly number[]): Set<number> {
  const out = new Set<number>();
  map.forEach((w, i) => {
    for (let b = 0; b < 32; b++) if ((w >>> b) & 1) out.add(i * 32 + b);
  });
  return out;
}

/** A bitmap as the kernel's "0x%016lx" longs, lowest first, joined with ','. */
export function longs(map: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < map.length; i += 2) out.push(`0x${(map[i + 1] ?? 0).toString(16).padStart(8, '0')}${(map[i] ?? 0).toString(16).padStart(8, '0')}`);
  return out.join(',');
}

/** Assert a SectionDiff says exactly what differs between sections a and b. */
export function checkSectionDiff(d: SectionDiff, a: MemSection, b: MemSection): void {
  expect(d.nr).toBe(a.nr);
  expect(d.state).toEqual([a.machine, b.machine]);
  expect([...d.flagsSet].sort()).toEqual(FLAGS.filter(([, bit]) => !(a.flags & bit) && b.flags & bit).map(([n]) => n).sort());
  expect([...d.flagsCleared].sort()).toEqual(FLAGS.filter(([, bit]) => a.flags & bit && !(b.flags & bit)).map(([n]) => n).sort());
  const ba = bitsOf(a.subsectionMap);
  const bb = bitsOf(b.subsectionMap);
  expect([...d.bitsSet].sort((x, y) => x - y)).toEqual([...bb].filter((x) => !ba.has(x)).sort((x, y) => x - y));
  expect([...d.bitsCleared].sort((x, y) => x - y)).toEqual([...ba].filter((x) => !bb.has(x)).sort((x, y) => x - y));
  const render: Record<string, (s: MemSection) => string> = {
    map: (s) => s.map,
    usage: (s) => s.usage,
    nid: (s) => String(s.nid),
    memmap: (s) => s.memmap,
    bootMap: (s) => (s.bootMap ? longs(s.bootMap) : 'none'),
  };
  const want = Object.entries(render)
    .map(([name, f]) => [name, f(a), f(b)] as const)
    .filter(([, x, y]) => x !== y)
    .sort((x, y) => x[0].localeCompare(y[0]));
  const got = [...d.fields].map((f) => [f[0], f[1], f[2]] as const).sort((x, y) => x[0].localeCompare(y[0]));
  expect(got).toEqual(want);
  // A reported section really changed.
  expect(isDeepStrictEqual(a, b)).toBe(false);
}

/** Assert diffStates(a, b) is empty iff a and b are deep-equal, and every part of it is real and complete. */
export function checkDiff(a: KernelState, b: KernelState, from: number, to: number): StateDiff {
  const d = diffStates(g, a, b, from, to);
  expect(d.from).toBe(from);
  expect(d.to).toBe(to);
  expect(isEmptyDiff(d)).toBe(isDeepStrictEqual(a, b));
  const left = sectionsOf(a);
  const right = sectionsOf(b);
  const reported = new Map(d.sections.map((s) => [s.nr, s]));
  expect(reported.size).toBe(d.sections.length);
  for (const nr of new Set([...left.keys(), ...right.keys()])) {
    const x = left.get(nr) ?? zero(nr);
    const y = right.get(nr) ?? zero(nr);
    const sd = reported.get(nr);
    if (isDeepStrictEqual(x, y)) expect(sd, `section ${nr} is equal but reported`).toBeUndefined();
    else {
      expect(sd, `section ${nr} differs but is not reported`).toBeDefined();
      checkSectionDiff(sd!, x, y);
    }
  }
  for (const nr of reported.keys()) expect(left.has(nr) || right.has(nr), `section ${nr} reported but in neither state`).toBe(true);
  // Globals: each one reported differs, and each difference is reported.
  const names = d.globals.map((x) => x[0]);
  expect(names.includes('__highest_present_section_nr')).toBe(a.highestPresentSectionNr !== b.highestPresentSectionNr);
  expect(names.includes('once-fired call sites')).toBe(!isDeepStrictEqual(Object.keys(a.once).sort(), Object.keys(b.once).sort()));
  expect(names.includes('mem_section roots')).toBe(!isDeepStrictEqual(Object.keys(a.roots).sort(), Object.keys(b.roots).sort()));
  for (const [name, x, y] of d.globals) expect(x, name).not.toBe(y);
  return d;
}

/** The history of a scenario, for failure messages. */
export function describeScenario(s: Scenario): string {
  return scenarioText(s);
}

// ---- properties --------------------------------------------------------------------------------


export function changeOp(op: Operation, how: number): Operation {
  switch (op.kind) {
    case 'add_pages':
    case '__add_pages':
      if (how === 0) return { ...op, kind: op.kind === 'add_pages' ? '__add_pages' : 'add_pages' };
      if (how === 1) return { ...op, nid: op.nid + 1 };
      return how === 2 ? { ...op, pfn: op.pfn + SUB } : { ...op, nr_pages: op.nr_pages + SEC };
    case '__remove_pages':
    case 'sparse_remove_section':
    case 'sparse_add_section':
      return how % 2 === 0 ? { ...op, pfn: op.pfn + SUB } : { ...op, nr_pages: op.nr_pages === 0 ? SUB : op.nr_pages - 1 };
    case 'online_mem_sections':
      return { ...op, kind: 'offline_mem_sections' };
    case 'offline_mem_sections':
      return { ...op, end_pfn: op.end_pfn + SEC };
    case 'pfn_valid':
    case 'pfn_to_online_page':
      return { ...op, pfn: op.pfn + 1 };
    case 'move_pfn_range_to_zone':
    case 'remove_pfn_range_from_zone':
      return { ...op, pfn: op.pfn + SUB };
  }
}
