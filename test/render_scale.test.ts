/**
 * Output of any length: `memhp run` and `memhp compare` render 150,000 steps (V8 refuses a call
 * with ~125k arguments, so a width taken as `Math.max(...steps)` crashed past that), and no source
 * file spreads a list into a call's arguments.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pc from 'picocolors';
import { compareRuns, type ProfileRun } from '../query/compare.js';
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

  it('no source file spreads a list into a call (push(...x), Math.max(...x), fn.apply)', () => {
    const offenders: string[] = [];
    const SPREAD = /\b(?:push|unshift|fromCharCode|fromCodePoint|apply)\(\s*\.\.\.|\bMath\.(?:max|min)\([^(){}]*?\.\.\.|\.(?:push|unshift)\([^(){}]*,\s*\.\.\./;
    for (const dir of ['kernel', 'inputs', 'model', 'log', 'query', 'present', 'cli', 'viewer', 'bench', 'fuzz']) {
      const walk = (d: string): void => {
        for (const name of readdirSync(d)) {
          const p = join(d, name);
          if (statSync(p).isDirectory()) walk(p);
          else if (p.endsWith('.ts')) readFileSync(p, 'utf8').split('\n').forEach((l, i) => {
            if (SPREAD.test(l)) offenders.push(`${p.slice(ROOT.length)}:${i + 1}: ${l.trim()}`);
          });
        }
      };
      walk(join(ROOT, dir));
    }
    expect(offenders).toEqual([]);
  });
});
