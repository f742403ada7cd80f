/**
 * The viewer in Chromium: compare mode (the kernels side by side), a real trace in check mode, and
 * check mode under another kernel; what the page draws is compared with the model's own states. The
 * slow tier: npm test, not test:fast.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInput } from '../../cli/load.js';
import { loadTrace } from '../../cli/load_trace.js';
import { listSections } from '../../model/model.js';
import { flagNames } from '../../query/diff.js';
import { drawn, screenshot } from '../helpers/browser.js';
import { cli } from '../helpers/cli.js';
import { clickSection, readMap, readStepRows } from './page.js';
import { model, numbered, origins, quiet, section, SEED, TRACE } from './oracle.js';
import { useChromium, withViewer } from './session.js';

useChromium();

describe('memhp view in Chromium', () => {
  it('compare mode: the kernels side by side, the first divergence marked and reachable', async () => {
    const cmp = JSON.parse((await cli(['compare', SEED, '--kernels', '5.2,5.3', '--json'])).stdout) as {
      firstDivergence: { seq: number } | null;
      steps: Array<{ reasons: Array<{ sections?: number[] }> }>;
    };
    const first = cmp.firstDivergence?.seq;
    expect(first).toBeDefined();
    await withViewer([SEED, '--kernels', '5.2,5.3'], '', async (page) => {
      await drawn(page, 0);
      await page.locator('#divergence').click();
      await drawn(page, first ?? -1);
      const got = await readMap(page);
      expect([...got.values()].every((r) => r.set.length === 2)).toBe(true);
      const diverging = new Set((cmp.steps[first ?? 0]?.reasons ?? []).flatMap((r) => r.sections ?? []));
      const marked = [...got].filter(([, r]) => r.diverges).map(([nr]) => nr);
      expect(marked.length).toBeGreaterThan(0);
      expect(marked).toEqual([...got.keys()].filter((nr) => diverging.has(nr)));
      // The detail panel shows the section under each kernel, side by side.
      await clickSection(page, 96);
      await page.waitForSelector('#detail h3:text-is("section 96")');
      const flags = (await page.evaluate(`[...document.querySelectorAll('#detail .flags')].map((f) => f.textContent)`)) as string[];
      const want = ['5.2', '5.3'].map((kernel) => {
        const l = loadInput(quiet, SEED, { kernel });
        return flagNames(section(l, first ?? 0, 96).flags);
      });
      expect(flags).toEqual(want);
    });
  });

  it('a real trace opens in check mode and its steps carry the user-action labels', async () => {
    const labels = [...readFileSync(join(TRACE, 'trace.txt'), 'utf8').matchAll(/tracing_mark_write: LAB_(?:STEP|CMD) (.+)$/gm)].map((m) => (m[1] ?? '').trim());
    const stepLabels = [...readFileSync(join(TRACE, 'trace.txt'), 'utf8').matchAll(/tracing_mark_write: LAB_STEP (.+)$/gm)].map((m) => (m[1] ?? '').trim());
    expect(stepLabels.length).toBeGreaterThan(0);
    await withViewer([TRACE], '', async (page) => {
      await drawn(page, 0);
      await page.waitForSelector('#steps .srow .op');
      // Each row's tooltip carries its user-action label (the row itself shows the call and its arguments).
      const rows = (await readStepRows(page)).filter((r) => r.seq > 0 && r.title !== '');
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(labels.some((t) => r.title.includes(t)), r.title).toBe(true);
      expect(rows.some((r) => stepLabels.some((t) => r.title.includes(t)))).toBe(true);
      expect(await page.locator('#mode').textContent()).toMatch(/^check: \d+ snapshots, \d+ fields compared, 0 mismatch\(es\)$/);
      const bands = async (): Promise<string[]> => (await page.evaluate(`[...document.querySelectorAll('.band')].map((b) => b.textContent)`)) as string[];
      expect(await bands()).toContain('System RAM');
      expect(await bands()).not.toContain('namespace0.0');
      // The namespaces appear in the trace's later /proc/iomem snapshots: drawn from the step after which each was taken.
      const loaded = loadTrace(quiet, TRACE, undefined);
      const nsLine = Number(/^(\d+):.*IOMEM [^|]+\|\s+[0-9a-f]+-[0-9a-f]+ : namespace0\.0$/m.exec(numbered(loaded.text))?.[1]);
      const nsStep = loaded.trace.scenario.steps.filter((st) => st.source.line < nsLine).length;
      for (let i = 0; i < nsStep; i++) await page.keyboard.press('ArrowRight');
      await drawn(page, nsStep);
      await clickSection(page, 8);
      expect(await bands()).toContain('namespace0.0');
      // ZONE_DEVICE sub-sections (the namespaces' memremap_pages) are drawn as device cells, exactly where the model has them.
      const tl = model(TRACE);
      const n = tl.profile.geometry.SUBSECTIONS_PER_SECTION;
      const dev = tl.log.steps.findIndex((_, i) => listSections(tl.log.stateAt(i)).some((ms) => origins(ms, tl.log.stateAt(i).deviceRanges, n).includes('D')));
      expect(dev).toBeGreaterThan(0);
      await page.evaluate(`location.hash = '#step=${dev}'`);
      await drawn(page, dev);
      const drawnMap = await readMap(page);
      const state = tl.log.stateAt(dev);
      for (const [nr, row] of drawnMap) expect(row.origins[0], `section ${nr}`).toBe(origins(section(tl, dev, nr), state.deviceRanges, n));
      expect([...drawnMap.values()].some((r) => r.origins[0]?.includes('D'))).toBe(true);
      await page.keyboard.press('End');
      await page.waitForSelector('body[data-ready="1"]:not([data-step="0"])');
      await screenshot(page, 'real-trace.png');
    });
  });

  it('check mode under another kernel: the trace\'s snapshot mismatches are counted, filtered and marked on the map', async () => {
    const chk = JSON.parse((await cli(['check', TRACE, '--kernel', '5.3', '--json'])).stdout) as { mismatches: Array<{ step: number; section: number | null }> };
    expect(chk.mismatches.length).toBeGreaterThan(0);
    const steps = [...new Set(chk.mismatches.map((m) => m.step))].sort((a, b) => a - b);
    const at = steps[0] ?? 0;
    await withViewer([TRACE, '--kernel', '5.3'], `#step=${at}&outcome=mismatch`, async (page) => {
      await drawn(page, at);
      expect(await page.locator('#mode').textContent()).toContain(`${chk.mismatches.length} mismatch(es)`);
      expect((await readStepRows(page)).map((r) => r.seq)).toEqual(steps);
      const marked = [...(await readMap(page))].filter(([, r]) => r.mismatch).map(([nr]) => nr);
      const want = [...new Set(chk.mismatches.filter((m) => m.step === at && m.section !== null).map((m) => m.section as number))].sort((a, b) => a - b);
      expect(want.length).toBeGreaterThan(0);
      expect(marked).toEqual(want);
    });
  });
});
