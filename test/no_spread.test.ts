/**
 * No source file spreads a list into a call's arguments (V8 refuses a call with ~125k arguments, so
 * a width taken as `Math.max(...steps)` crashed past that; test/render_scale.slow.test.ts renders
 * 150,000 steps).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';


describe('rendering is linear in the steps and never spreads them into arguments', () => {
  it('no source file spreads a list into a call (push(...x), Math.max(...x), fn.apply)', () => {
    const offenders: string[] = [];
    const SPREAD = /\b(?:push|unshift|fromCharCode|fromCodePoint|apply)\(\s*\.\.\.|\bMath\.(?:max|min)\([^(){}]*?\.\.\.|\.(?:push|unshift)\([^(){}]*,\s*\.\.\./;
    for (const dir of ['kernel', 'inputs', 'model', 'log', 'query', 'present', 'cli', 'viewer', 'verify', 'bench', 'fuzz']) {
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
