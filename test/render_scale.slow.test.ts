/**
 * Output of any length (the slow tier: npm test, not test:fast): `memhp run` and `memhp compare`
 * render 150,000 steps (V8 refuses a call with ~125k arguments, so a width taken as
 * `Math.max(...steps)` crashed past that; test/no_spread.test.ts checks no source file spreads a
 * list into a call's arguments).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pc from 'picocolors';
import { compareRuns } from '../query/compare.js';
import { type ProfileRun } from '../query/compare_types.js';
import type { Io } from '../cli/io.js';
import { readTextFile } from '../cli/io.js';
import { loadInput } from '../cli/load.js';
import { runRows } from '../present/render.js';
import { compareLines } from '../present/render_compare.js';
import { recordScenario } from '../log/index.js';
import { resolveProfile } from '../kernel/index.js';
import { ROOT } from './helpers/cli.js';

const STEPS = 150_000;
const c = pc.createColors(false);
const io: Io = { out: () => {}, err: () => {}, color: c, readFile: readTextFile };

describe('rendering is linear in the steps and never spreads them into arguments', () => {
  it('memhp run: 150,000 rows, each with its tag, one header', () => {
    const loaded = loadInput(io, join(ROOT, 'examples/partial-cycle.scn'), {});
    const steps = Array.from({ length: STEPS }, (_, i) => loaded.log.steps[1 + (i % (loaded.log.steps.length - 1))]!);
    const rows = runRows(steps, c, false);
    expect(rows.filter((r) => r.startsWith('[step ')).length).toBeGreaterThanOrEqual(STEPS);
    expect(rows[0]).toMatch(/^\[step file:line\]\s+operation/);
  });

  it('memhp compare: a table of 150,000 steps under two kernels', () => {
    const loaded = loadInput(io, join(ROOT, 'examples/partial-cycle.scn'), { kernel: '5.3', checkpointEvery: '1' });
    const other = resolveProfile({ kernel: '6.1' });
    if (!other.ok) throw new Error(other.message);
    const runs: ProfileRun[] = [
      { profile: loaded.profile, log: loaded.log },
      { profile: other.profile, log: recordScenario(loaded.scenario, other.profile, { checkpointEvery: 1 }) },
    ];
    const cmp = compareRuns(runs);
    const big = { ...cmp, steps: Array.from({ length: STEPS }, (_, i) => cmp.steps[1 + (i % (cmp.steps.length - 1))]!) };
    const lines = compareLines('big.scn', big, c);
    expect(lines.filter((l) => l.startsWith('[step ')).length).toBeGreaterThanOrEqual(STEPS);
  });
});
