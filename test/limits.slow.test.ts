/**
 * memhp's own limits at full size (the slow tier: npm test, not test:fast): past MAX_BOOT_RANGES,
 * MAX_STEPS, 2^17 sections in one call and MAX_INPUT_BYTES the reader answers with a `file:line`
 * error naming the limit (exit 2), in linear time, instead of running out of memory or time.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_BOOT_RANGES, MAX_STEPS, parseScenario } from '../inputs/index.js';
import { MAX_INPUT_BYTES, readTextFile } from '../cli/io.js';
import { geometryForRelease } from '../kernel/geometry.js';
import { cli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'memhp-limits-'));
const scn = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('scenario limits: refused at the line that passes them, exit 2', () => {
  it(`more than ${MAX_BOOT_RANGES} boot RAM ranges`, async () => {
    const rams = Array.from({ length: MAX_BOOT_RANGES + 1 }, (_, i) => `ram ${0x100000000 + i * 0x200000} 2M`);
    const f = scn('rams.scn', `${rams.join('\n')}\n`);
    const r = await cli(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:${MAX_BOOT_RANGES + 1}: error[E_LIMIT]: more than ${MAX_BOOT_RANGES} boot RAM ranges`);
  });

  it(`more than ${MAX_STEPS} operations`, () => {
    const g = geometryForRelease('x86_64', '6.1')!;
    const text = `ram 4G 4G\n${'pfn_valid pfn=0x100000\n'.repeat(MAX_STEPS + 1)}`;
    const r = parseScenario(text, 'many.scn', { geometry: g });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([expect.objectContaining({ code: 'E_LIMIT', file: 'many.scn', line: MAX_STEPS + 2, message: expect.stringContaining(`more than ${MAX_STEPS} operations`) })]);
  });
});

describe('operations over many sections', () => {
  it('removing 2^17 sections in one call is linear: one F14 hazard naming them all, written once (it was quadratic: ~5 minutes)', async () => {
    const f = scn('wide.scn', 'kernel 6.1\nram 4G 4G\nadd 0x200000000 0x100000000000\nremove 0x200000000 0x100000000000\n');
    const r = await cli(['run', '--paging', '4', f]);
    expect(r.code).toBe(0);
    const f14 = r.stdout.split('\n').filter((l) => l.includes('HAZARD RACE F14'));
    expect(f14).toHaveLength(1);
    expect(/usage of section\(s\) ([\d,]+) freed/.exec(f14[0]!)?.[1]?.split(',')).toHaveLength(2 ** 17);
  }, 60_000);
});

describe('text inputs', () => {
  it(`a file that never ends (/dev/zero) is refused after ${MAX_INPUT_BYTES} bytes`, () => {
    const r = readTextFile('/dev/zero');
    expect(r).toEqual({ ok: false, code: 'E_LIMIT', reason: 'too-large', message: `cannot read /dev/zero: more than ${MAX_INPUT_BYTES} bytes (memhp reads text inputs of at most 256 MiB)` });
  });
});
