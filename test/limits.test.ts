/**
 * memhp's own limits on a scenario and a text input: past each one the reader answers with a
 * `file:line` error naming the limit (exit 2) instead of running out of memory or time.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_BOOT_SECTIONS, MAX_LINE_LENGTH, MAX_RUN_SECTIONS, parseScenario } from '../inputs/index.js';
import { MAX_DEVICE_RANGES } from '../inputs/limits.js';
import { statSync } from 'node:fs';
import { geometryForRelease } from '../kernel/geometry.js';
import { ROOT, cli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'memhp-limits-'));
const scn = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('scenario limits: refused at the line that passes them, exit 2', () => {
  it(`a line longer than ${MAX_LINE_LENGTH} characters`, async () => {
    const f = scn('long.scn', `ram 4G 4G\n# ${'x'.repeat(MAX_LINE_LENGTH)}\npfn_valid pfn=0x100000\n`);
    const r = await cli(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:2: error[E_LIMIT]: line of ${MAX_LINE_LENGTH + 2} characters: memhp reads lines of at most ${MAX_LINE_LENGTH}`);
  });

  it(`a line of ${MAX_LINE_LENGTH} characters is still read`, async () => {
    const f = scn('edge.scn', `ram 4G 4G\n#${'x'.repeat(MAX_LINE_LENGTH - 1)}\npfn_valid pfn=0x100000\n`);
    expect((await cli(['run', f])).code).toBe(0);
  });

  it(`boot RAM of more than ${MAX_BOOT_SECTIONS} sections (the whole 5-level address space)`, async () => {
    const f = scn('huge.scn', 'kernel 6.1\nram 0x100000000-0xfffffffffffff\n');
    const r = await cli(['run', '--paging', '5', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:2: error[E_LIMIT]: boot RAM spans 33554400 sections: memhp models at most ${MAX_BOOT_SECTIONS} present sections at boot`);
  });

  it('boot RAM of the whole 4-level address space still fits', () => {
    const g = geometryForRelease('x86_64', '6.1', 4)!;
    const r = parseScenario('ram 0x100000000-0x3fffffffffff\n', 'whole.scn', { geometry: g });
    expect(r.ok).toBe(true);
  });
});

describe('operations over many sections', () => {
  it(`operations spanning more than ${MAX_RUN_SECTIONS} sections in all are refused at the operation that passes the limit`, async () => {
    // Each add or remove spans 2^19 - 7680 sections (all of 4-level x86_64 above 64 GiB).
    const ops = Array.from({ length: 6 }, (_, i) => (i % 2 ? 'remove' : 'add') + ' 0x1000000000 0x3ff000000000');
    const f = scn('span.scn', `kernel 6.1\nram 4G 4G\n${ops.join('\n')}\n`);
    const r = await cli(['run', '--paging', '4', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:7: error[E_LIMIT]: the operations up to here span ${5 * (2 ** 19 - 512)} sections: memhp runs operations spanning at most ${MAX_RUN_SECTIONS} sections in all`);
  });
});

describe('ZONE_DEVICE ranges', () => {
  /** `n` distinct ZONE_DEVICE moves 2 MiB apart, then `n` removes and re-adds of the last one. */
  const moves = (n: number): string =>
    `kernel 6.1\nram 4G 4G\n${Array.from({ length: n }, (_, i) => `move_pfn_range_to_zone pfn=0x${(0x480000 + i * 0x400).toString(16)} nr_pages=0x200 zone=device`).join('\n')}\n` +
    `remove_pfn_range_from_zone pfn=0x${(0x480000 + (n - 1) * 0x400).toString(16)} nr_pages=0x200 zone=device\n`.repeat(1) +
    `move_pfn_range_to_zone pfn=0x${(0x480000 + (n - 1) * 0x400).toString(16)} nr_pages=0x200 zone=device\n`;

  it('a log stores each step\'s change to the ranges, not the whole list: 4n distinct ranges make a log about 4 times that of n (it was 16: quadratic)', async () => {
    const size = async (n: number): Promise<number> => {
      const f = scn(`dev${n}.scn`, moves(n));
      const out = join(dir, `dev${n}.memhp`);
      expect((await cli(['record', f, '-o', out])).code).toBe(0);
      // The log replays to the live run's last state.
      const state = async (input: string): Promise<unknown> => ({ ...(JSON.parse((await cli(['state', input, '--json'])).stdout) as object), source: null });
      expect(await state(out)).toEqual(await state(f));
      return statSync(out).size;
    };
    const ratio = (await size(800)) / (await size(200));
    expect(ratio).toBeGreaterThan(3);
    expect(ratio).toBeLessThan(6);
  });

  it('a log written before per-range patches (the whole list replaced) still reads: every step as a fresh run of its scenario', async () => {
    const log = join(ROOT, 'test/fixtures/format2-whole-device-ranges.memhp');
    const state = async (input: string, n: number): Promise<unknown> => {
      const r = await cli(['state', input, '--at', String(n), '--json']);
      expect(r.stderr).toBe('');
      return { ...(JSON.parse(r.stdout) as object), source: null };
    };
    for (let n = 0; n <= 5; n++) expect(await state(log, n)).toEqual(await state(join(ROOT, 'test/fixtures/format2-whole-device-ranges.scn'), n));
  });

  it(`more than ${MAX_DEVICE_RANGES} distinct ranges are refused at the move that names one more`, async () => {
    const f = scn('dev-many.scn', moves(MAX_DEVICE_RANGES + 1));
    const r = await cli(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:${MAX_DEVICE_RANGES + 3}: error[E_LIMIT]: more than ${MAX_DEVICE_RANGES} distinct ZONE_DEVICE ranges`);
  });
});

describe('text inputs', () => {
  it('a UTF-8 byte-order mark before the first line is not part of it', async () => {
    const f = scn('bom.scn', '\ufeffkernel 6.1\nram 4G 4G\npfn_valid pfn=0x100000\nexpect value=true\n');
    const r = await cli(['run', f]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
