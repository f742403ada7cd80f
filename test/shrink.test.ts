/**
 * shrink (query/shrink.ts, `memhp shrink`): planted failures inside 200-step scenarios shrink to a
 * sub-sequence that still fails and is 1-minimal (removing any one remaining operation loses the
 * failure), here exactly the planted operations; random scenarios shrink 1-minimally for any
 * predicate that holds on them; the CLI writes a scenario file that reproduces, atomically, never
 * over its input.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Operation } from '../kernel/operation.js';
import type { Scenario } from '../inputs/types.js';
import { createProfile } from '../kernel/index.js';
import { parsePredicate } from '../query/predicates.js';
import type { Predicate } from '../query/predicates.js';
import { ddmin, runHolds, shrinkScenario } from '../query/shrink.js';
import { scenarioArb, SEC, SUB } from './helpers/arbitraries.js';
import { buildScenario, opText } from './helpers/scenario_build.js';
import { spawnCli } from './helpers/cli.js';

const profile = createProfile({ kernel: '5.3' });
/** Boot RAM: sections 32-39 whole and sub-sections 0-31 of section 40 (the F10 report's layout). */
const BOOT = [{ startPfn: 32 * SEC, endPfn: 40 * SEC + 32 * SUB, nid: 0 }];

function pred(text: string): Predicate {
  const r = parsePredicate(text);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

/** Background: whole-section adds and removes of sections 200-231 that never warn, fail or break an invariant. */
function background(n: number, seed: number): Operation[] {
  const present = new Set<number>();
  const ops: Operation[] = [];
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const sec = 200 + (x >>> 16) % 32;
    const pfn = sec * SEC;
    if (present.has(sec)) ops.push({ kind: '__remove_pages', pfn, nr_pages: SEC, altmap: null });
    else ops.push({ kind: '__add_pages', nid: 0, pfn, nr_pages: SEC, altmap: null });
    if (present.has(sec)) present.delete(sec);
    else present.add(sec);
  }
  return ops;
}

/** The F10 story on section 40: add sub-sections 33-39 beside the boot RAM, remove them (tearing down boot memmap), add them again. */
const F10: readonly Operation[] = [
  { kind: '__add_pages', nid: 0, pfn: 40 * SEC + 33 * SUB, nr_pages: 7 * SUB, altmap: null },
  { kind: '__remove_pages', pfn: 40 * SEC + 33 * SUB, nr_pages: 7 * SUB, altmap: null },
  { kind: '__add_pages', nid: 0, pfn: 40 * SEC + 33 * SUB, nr_pages: 7 * SUB, altmap: null },
];

/** 200 operations: the background with `planted` inserted, in order, at the given positions. */
function plantedScenario(planted: readonly Operation[], positions: readonly number[], seed: number): { scenario: Scenario; at: number[] } {
  const ops = background(200 - planted.length, seed);
  const sorted = [...positions].sort((a, b) => a - b);
  sorted.forEach((p, i) => ops.splice(Math.min(p + i, ops.length), 0, planted[i]!));
  // Where each planted operation ended up (by identity: equal operations may repeat).
  const at = planted.map((op) => ops.indexOf(op));
  return { scenario: buildScenario(BOOT, ops.map((op) => ({ op }))), at };
}

/** Assert: the kept steps still make `p` true, and dropping any one of them makes it false. */
function expectOneMinimal(s: Scenario, kept: readonly number[], p: Predicate): void {
  const sub = (idx: readonly number[]): Scenario => ({ ...s, steps: idx.map((i) => s.steps[i]!) });
  expect(runHolds(sub(kept), profile, p)).toBe(true);
  for (let j = 0; j < kept.length; j++) expect(runHolds(sub(kept.filter((_, k) => k !== j)), profile, p), `without kept[${j}]`).toBe(false);
}

describe('shrink: planted failures in 200-step scenarios', () => {
  it('the background alone makes none of the planted predicates true (its full removals do carry v5.3\'s F14 race hazard)', () => {
    const s = buildScenario(BOOT, background(200, 7).map((op) => ({ op })));
    expect(runHolds(s, profile, pred('hazard:F14'))).toBe(true);
    for (const name of ['warn', 'error', 'leak', 'hazard:F10', 'expect', 'invariant:active-subsection-memmap', 'invariant:section-map-vmemmap']) expect(runHolds(s, profile, pred(name)), name).toBe(false);
  });

  const cases: ReadonlyArray<readonly [string, readonly Operation[]]> = [
    ['invariant:active-subsection-memmap', F10],
    ['hazard:F10', F10.slice(0, 2)],
    ['error', [{ kind: '__add_pages', nid: 0, pfn: 300 * SEC + 1, nr_pages: SUB, altmap: null }]],
    ['invariant:section-map-vmemmap', [{ kind: '__add_pages', nid: 0, pfn: 50 * SEC + 8 * SUB, nr_pages: 8 * SUB, altmap: null }]],
  ];
  for (const [until, planted] of cases) {
    it(`--until ${until}: exactly the ${planted.length} planted operation(s), wherever they are (fast-check)`, () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: 199 }), { minLength: planted.length, maxLength: planted.length }), fc.nat(), (positions, seed) => {
          const { scenario, at } = plantedScenario(planted, positions, seed);
          expect(scenario.steps.length).toBe(200);
          const p = pred(until);
          const r = shrinkScenario(scenario, profile, p);
          expect(r).not.toBeNull();
          expect(r!.kept).toEqual(at);
          expectOneMinimal(scenario, r!.kept, p);
        }),
        { numRuns: 15 },
      );
    });
  }
});

describe('shrink: random scenarios (fast-check)', () => {
  it('whatever predicate holds on the input, the result holds and is 1-minimal', () => {
    let shrunk = 0;
    fc.assert(
      fc.property(scenarioArb({ minSteps: 20, maxSteps: 60 }), fc.constantFrom('warn', 'error', 'hazard', 'invariant:section-map-vmemmap', 'invariant:active-subsection-memmap'), (s, until) => {
        const p = pred(until);
        const r = shrinkScenario(s, profile, p);
        if (!r) {
          expect(runHolds(s, profile, p)).toBe(false);
          return;
        }
        shrunk++;
        expect(r.kept).toEqual([...r.kept].sort((a, b) => a - b));
        expectOneMinimal(s, r.kept, p);
      }),
      { numRuns: 40 },
    );
    expect(shrunk).toBeGreaterThan(10);
  });

  it('ddmin returns a 1-minimal subset in order, testing each candidate once', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 49 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 50 }), (needed, n) => {
        const need = needed.filter((x) => x < n);
        const items = Array.from({ length: n }, (_, i) => i);
        const keys = new Set<string>();
        const r = ddmin(items, (sub) => {
          const key = sub.join(',');
          expect(keys.has(key)).toBe(false);
          keys.add(key);
          return need.every((x) => sub.includes(x));
        });
        expect(r.result).toEqual([...need].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });
});

describe('memhp shrink (the built CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memhp-shrink-'));
  const input = join(dir, 'long.scn');
  const { scenario, at } = plantedScenario(F10, [20, 90, 170], 99);
  const lines = ['# 200 operations with the F10 story planted', 'kernel 5.3', 'ram 0x100000000-0x143ffffff', ''];
  const lineOf: number[] = [];
  for (const [i, st] of scenario.steps.entries()) {
    lines.push(opText(st.op));
    lineOf.push(lines.length);
    if (i === at[0]) lines.push('expect ret=0');
    if (i === 5) lines.push('expect ret=0');
  }
  writeFileSync(input, `${lines.join('\n')}\n`);
  const original = readFileSync(input);

  it('writes a scenario file that reproduces the failure, with the three planted operations and comments naming their lines', () => {
    const out = join(dir, 'min.scn');
    const r = spawnCli(['shrink', input, '--until', 'invariant:active-subsection-memmap', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const ops = text.split('\n').filter((l) => /^__(add|remove)_pages/.test(l));
    expect(ops).toHaveLength(3);
    for (const [j, i] of at.entries()) expect(ops[j]).toBe(`${opText(scenario.steps[i]!.op)}  # ${input}:${lineOf[i]} (step ${i + 1})`);
    // The planted add's own expect line is kept, the dropped step's is not.
    expect(text.split('\n').filter((l) => l.startsWith('expect'))).toEqual(['expect ret=0']);
    expect(text).toContain('\nram 0x100000000-0x143ffffff\n');
    const b = spawnCli(['bisect', out, '--until', 'invariant:active-subsection-memmap']);
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/^\[step 3 .*min\.scn:\d+\] __add_pages/m);
    expect(readFileSync(input)).toEqual(original);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('never writes over its input; exit 1 and no file when the predicate never holds; --json', () => {
    const same = spawnCli(['shrink', input, '--until', 'hazard', '-o', join(dir, '.', 'long.scn')]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/^memhp: error\[E_PROTECTED\]: refusing to write over .*long\.scn: the run read it\n/);
    expect(readFileSync(input)).toEqual(original);
    const none = join(dir, 'none.scn');
    const no = spawnCli(['shrink', input, '--until', 'leak', '-o', none]);
    expect(no.code).toBe(1);
    expect(existsSync(none)).toBe(false);
    const j = spawnCli(['shrink', input, '--until', 'hazard:F10', '-o', join(dir, 'j.scn'), '--json']);
    expect(j.code).toBe(0);
    const report = JSON.parse(j.stdout) as { kept: Array<{ step: number }>; operations: number };
    expect(report.operations).toBe(200);
    expect(report.kept.map((k) => k.step)).toEqual(at.slice(0, 2).map((i) => i + 1));
  });
});
