/**
 * `memhp fork`: the forked log's steps 0..N equal the original's (records and states), the rest
 * equals a fresh recording of the changed scenario (fast-check over random scenarios and edits),
 * and on the command line the original file's bytes are unchanged, the header says what the fork
 * came from, and bad arguments are one-line errors with exit 2.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Scenario, ScenarioStep } from '../inputs/types.js';
import { createProfile } from '../kernel/index.js';
import { forkLog } from '../query/index.js';
import { readLogFile, recordScenario } from '../log/index.js';
import type { ForkEdit } from '../query/index.js';
import type { HotplugLog } from '../log/index.js';
import { stepRecord } from '../log/serialize.js';
import { scenarioArb } from './helpers/arbitraries.js';
import { scenarioStep } from './helpers/scenario_build.js';
import { edited } from './helpers/fork_edit.js';
import { cli, spawnCli } from './helpers/cli.js';

const profile = createProfile({ kernel: '5.3' });
const dir = mkdtempSync(join(tmpdir(), 'memhp-fork-'));
const EXAMPLE = 'examples/partial-cycle.scn';


function expectSameSteps(a: HotplugLog, b: HotplugLog, from: number, to: number): void {
  for (let i = from; i <= to; i++) {
    expect(a.stateAt(i), `state after step ${i}`).toStrictEqual(b.stateAt(i));
    expect(JSON.stringify(stepRecord(a.step(i))), `record of step ${i}`).toBe(JSON.stringify(stepRecord(b.step(i))));
  }
}

describe('forkLog (fast-check)', () => {
  it('steps 0..N are the original\'s; the whole fork equals a recording of the changed scenario (200 runs)', () => {
    const arb = scenarioArb({ minSteps: 1 }).chain((s) =>
      fc.record({
        s: fc.constant(s),
        at: fc.integer({ min: 0, max: s.steps.length }),
        kind: fc.constantFrom('drop', 'insert', 'replace'),
        k: fc.nat(),
        other: scenarioArb({ minSteps: 1, maxSteps: 1 }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ s, at, kind, k, other }) => {
        const last = s.steps.length;
        if (kind !== 'insert' && at === last) return; // nothing after N to drop or replace
        const step = at + 1 + (k % (last - at || 1));
        const o = other.steps[0] as ScenarioStep;
        const newOp = scenarioStep(o.op, 999, o.inject);
        const edit: ForkEdit = kind === 'drop' ? { kind, step } : kind === 'insert' ? { kind, op: newOp } : { kind, step, op: newOp };
        const original = recordScenario(s, profile, { checkpointEvery: 4 });
        const before = original.steps.map((x) => JSON.stringify(stepRecord(x)));
        const r = forkLog(original, s.steps, at, edit);
        if (!r.ok) throw new Error(r.message);
        expectSameSteps(r.log, original, 0, at);
        const expected: Scenario = { ...s, steps: edited(s.steps, at, edit) };
        const fresh = recordScenario(expected, profile);
        expect(r.log.length).toBe(fresh.length);
        expectSameSteps(r.log, fresh, 0, fresh.length - 1);
        // The original log is only read.
        expect(original.steps.map((x) => JSON.stringify(stepRecord(x)))).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a K at or before N, past the end, and an N past the end', () => {
    const s: Scenario = { file: 'x.scn', kernel: null, boot: { ranges: [], iomem: [], source: { file: 'x.scn', line: 1 } }, bootExpects: [], steps: [1, 2, 3].map((i) => scenarioStep({ kind: 'pfn_valid', pfn: i }, i + 1)) };
    const log = recordScenario(s, profile);
    expect(forkLog(log, s.steps, 2, { kind: 'drop', step: 2 })).toEqual({ ok: false, code: 'E_USAGE', message: '--drop 2: needs a step from 3 to 3 (steps up to --at 2 are shared)' });
    expect(forkLog(log, s.steps, 1, { kind: 'replace', step: 4, op: s.steps[0] as ScenarioStep })).toMatchObject({ ok: false });
    expect(forkLog(log, s.steps, 3, { kind: 'drop', step: 4 })).toEqual({ ok: false, code: 'E_USAGE', message: '--drop 4: needs a step after 3, and step 3 is the last (steps up to --at 3 are shared)' });
    expect(forkLog(log, s.steps, 4, { kind: 'insert', op: s.steps[0] as ScenarioStep })).toMatchObject({ ok: false });
  });
});

describe('memhp fork', () => {
  async function recorded(name: string): Promise<{ path: string; bytes: Buffer }> {
    const path = join(dir, name);
    expect((await cli(['record', EXAMPLE, '-o', path])).code).toBe(0);
    return { path, bytes: readFileSync(path) };
  }

  it('--drop K: steps 0..N shared, the original\'s bytes unchanged, the header names the origin', async () => {
    const { path, bytes } = await recorded('orig-drop.memhp');
    const out = join(dir, 'drop.memhp');
    const r = await cli(['fork', path, '--at', '2', '--drop', '4', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`forked ${path} after step 2 into ${out}: steps 0..2 shared, 5 after (0 run again, 5 taken over from the original) with step 4 dropped\n`);
    expect(r.code).toBe(0);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    const a = readLogFile(path);
    const b = readLogFile(out);
    if (!a.ok || !b.ok) throw new Error('unreadable');
    expect(b.value.damage).toBeNull();
    expectSameSteps(b.value.log, a.value.log, 0, 2);
    expect(b.value.log.length).toBe(a.value.log.length - 1);
    expect(b.value.header.forkedFrom).toEqual({ file: 'orig-drop.memhp', hash: a.value.header.hash, at: 2, change: { kind: 'drop', step: 4 } });
    expect(b.value.header.input).toEqual(a.value.header.input);
  });

  it("--insert 'OP' runs OP as step N+1; --replace K 'OP' in K's place; --json says what was done", async () => {
    const { path, bytes } = await recorded('orig-ins.memhp');
    const ins = join(dir, 'ins.memhp');
    const r = await cli(['fork', path, '--at', '3', '--insert', 'pfn_valid pfn=0x480000', '-o', ins, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ output: ins, steps: 10, shared: 4, rerun: 1, reused: 5, forkedFrom: { at: 3, change: { kind: 'insert', op: 'pfn_valid pfn=0x480000' } } });
    const f = readLogFile(ins);
    expect(f.ok && [f.value.log.step(4).text, f.value.log.step(4).source]).toEqual(['pfn_valid pfn=0x480000', { file: '--insert', line: 1 }]);
    const rep = join(dir, 'rep.memhp');
    const r2 = await cli(['fork', path, '--at', '0', '--replace', '1', '__add_pages pfn=0x480000 nr_pages=0x200', '-o', rep]);
    expect(r2.stderr).toBe('');
    const g = readLogFile(rep);
    expect(g.ok && g.value.log.step(1).text).toBe('__add_pages pfn=0x480000 nr_pages=0x200');
    expect(g.ok && g.value.log.step(1).expects).toEqual([]);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('exit 1 when an expect line of a re-run step fails in the fork (the fork is written)', async () => {
    const { path } = await recorded('orig-exp.memhp');
    const out = join(dir, 'exp.memhp');
    // Dropping the first add makes the expectations of the later steps fail.
    const r = await cli(['fork', path, '--at', '0', '--drop', '1', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/expectation\(s\) failed/);
    expect(readLogFile(out).ok).toBe(true);
  });

  it('never writes over LOG; bad arguments are one line, exit 2, no stack', async () => {
    const { path, bytes } = await recorded('orig-bad.memhp');
    const cases: Array<[string[], RegExp]> = [
      [['fork', path, '--at', '2', '--drop', '3', '-o', path], /refusing to write over .*: the run read it/],
      [['fork', path, '--at', '2', '--drop', '3', '-o', join(dir, '..', dir.split('/').pop() as string, 'orig-bad.memhp')], /refusing to write over .*: the run read it/],
      [['fork', path, '--at', '2', '-o', join(dir, 'x.memhp')], /exactly one of --drop K, --insert 'OP', --replace K 'OP' \(got none\)/],
      [['fork', path, '--at', '2', '--drop', '3', '--insert', 'pfn_valid pfn=1', '-o', join(dir, 'x.memhp')], /got --drop and --insert/],
      [['fork', path, '--drop', '3', '-o', join(dir, 'x.memhp')], /missing --at N/],
      [['fork', path, '--at', '2', '--drop', '3'], /missing -o FILE/],
      [['fork', path, '--at', '5', '--drop', '3', '-o', join(dir, 'x.memhp')], /--drop 3: needs a step from 6 to 8/],
      [['fork', path, '--at', '99', '--drop', '3', '-o', join(dir, 'x.memhp')], /--at 99 is past the last step/],
      [['fork', path, '--at', '2', '--insert', 'frobnicate 1', '-o', join(dir, 'x.memhp')], /^--insert:1: error\[E_UNKNOWN_OP\]: unknown operation frobnicate/],
      [['fork', path, '--at', '2', '--replace', '3', '-o', join(dir, 'x.memhp')], /--replace K needs the operation after it/],
      [['fork', path, 'pfn_valid pfn=1', '--at', '2', '--drop', '3', '-o', join(dir, 'x.memhp')], /only --replace K takes an operation/],
    ];
    for (const [args, msg] of cases) {
      const r = spawnCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('--help documents the step numbering', async () => {
    const r = await cli(['fork', '--help']);
    expect(r.code).toBe(0);
    for (const s of ['--at', '--drop', '--insert', '--replace', 'shares steps 0..N', 'K > N', 'N+1']) expect(r.stdout).toContain(s);
  });
});
