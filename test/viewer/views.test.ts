/**
 * The viewer's answers as data (present/views.ts): which sections a step's state shows, each
 * cell's origin (boot RAM, hot-added, ZONE_DEVICE), the cells a step changed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { viewSource } from '../../cli/commands/view.js';
import { readTextFile } from '../../cli/io.js';
import type { Io } from '../../cli/io.js';
import { diffView, stateView, stepRows } from '../../present/views.js';
import { ROOT } from '../helpers/cli.js';

const quiet: Io = { out: () => undefined, err: () => undefined, color: pc.createColors(false), readFile: readTextFile };
const SEED = join(ROOT, 'examples/seed-pmem-shared-section.scn');

describe('viewer answers', () => {
  it('seed step 1: section 96 shows its PMEM half hot-added and its RAM half boot, the step changed only the PMEM half', () => {
    const v = stateView(viewSource(quiet, { file: SEED }), 0, 1);
    const s96 = v.sections.find((s) => s.nr === 96);
    expect(s96?.cells).toBe(`${'H'.repeat(32)}${'B'.repeat(32)}`);
    expect(s96?.changed).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(s96?.touched).toBe(true);
    // Untouched boot sections are on the map, all boot, unchanged.
    const s0 = v.sections.find((s) => s.nr === 0);
    expect(s0).toMatchObject({ cells: 'B'.repeat(64), changed: [], touched: false, state: 'early.boot' });
    // A removed section leaves the map, except at the step that removed it.
    const removed = stateView(viewSource(quiet, { file: SEED }), 0, 4).sections.find((s) => s.nr === 64);
    expect(removed).toMatchObject({ state: 'absent.deactivated', cells: '.'.repeat(64), touched: true });
    expect(removed?.changed).toHaveLength(64);
    expect(stateView(viewSource(quiet, { file: SEED }), 0, 5).sections.some((s) => s.nr === 64)).toBe(false);
  });

  it('step 0 is the start, not a change: no cell and no field is marked changed', () => {
    const v = stateView(viewSource(quiet, { file: SEED }), 0, 0);
    expect(v.sections.length).toBeGreaterThan(0);
    for (const s of v.sections) expect({ nr: s.nr, changed: s.changed, fields: s.changedFields }).toEqual({ nr: s.nr, changed: [], fields: [] });
  });

  it('an offline step: the section reads offline and its flags as changed, with no cell changed', () => {
    const src = viewSource(quiet, { file: join(ROOT, 'examples/direct-calls.scn') });
    const steps = stepRows(src, 0, 100);
    const off = steps.findIndex((r) => r.kind === 'offline_mem_sections');
    expect(off).toBeGreaterThan(0);
    expect(steps[off]?.call).toBe('offline_mem_sections start_pfn=0x640000 end_pfn=0x648000');
    const before = stateView(src, 0, off - 1).sections.find((x) => x.nr === 200);
    const after = stateView(src, 0, off).sections.find((x) => x.nr === 200);
    expect(before?.online).toBe(true);
    expect(after).toMatchObject({ online: false, changed: [], changedFields: ['flags'] });
  });

  it('check mode: a mismatching section is in the state even where the model has it absent, with the raw words', () => {
    const src = viewSource(quiet, { file: join(ROOT, 'test/fixtures/traces/6.1.0-56-amd64/devdax_kmem'), kernel: '5.3' });
    const m = src.check?.mismatches.find((x) => x.section === 32);
    expect(m).toMatchObject({ field: 'map', model: 'other', kernel: 'zero' });
    expect(m?.raw?.model).toMatch(/^section_mem_map 0x[0-9a-f]{16} \(encoded_null\)/);
    expect(m?.raw?.kernel).toMatch(/^section_mem_map 0x0{16}, usage 0x/);
    const s = stateView(src, 0, m?.step ?? 0).sections.find((x) => x.nr === 32);
    expect(s?.state.startsWith('absent')).toBe(true);
  });

  it('a ZONE_DEVICE range shows as device cells; the diff of a step with itself is empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'memhp-views-'));
    try {
      const file = join(dir, 'dev.scn');
      writeFileSync(file, ['kernel 6.1', 'ram 0x0-0x7fffffff', '__add_pages pfn=0x100000 nr_pages=0x8000', 'move_pfn_range_to_zone pfn=0x100000 nr_pages=0x2000 zone=device', ''].join('\n'));
      const src = viewSource(quiet, { file });
      const s = stateView(src, 0, 2).sections.find((x) => x.nr === 32);
      expect(s?.cells).toBe(`${'D'.repeat(16)}${'H'.repeat(48)}`);
      expect(stateView(src, 0, 1).sections.find((x) => x.nr === 32)?.cells).toBe('H'.repeat(64));
      expect(diffView(src, 0, 2, 2).sections).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
