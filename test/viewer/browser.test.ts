/**
 * The viewer in Debian's headless Chromium (playwright-core): `memhp view` runs as the real binary,
 * and what the page draws is compared with the model's own states (cli/load.ts → log/).
 * Screenshots for a reviewer go to /screenshots/ at the repository root (gitignored).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pc from 'picocolors';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextFile } from '../../cli/io.js';
import type { Io } from '../../cli/io.js';
import { loadInput } from '../../cli/load.js';
import { loadTrace } from '../../cli/load_trace.js';
import type { Loaded } from '../../cli/load.js';
import type { Scenario } from '../../inputs/types.js';
import { bitmapTest } from '../../kernel/bitmap.js';
import { zeroSection } from '../../kernel/zero_section.js';
import { getSection, listSections } from '../../model/model.js';
import { createProfile } from '../../kernel/profile.js';
import { DEFAULT_WORKLOAD, generateWorkload } from '../../bench/generate.js';
import type { MemSection } from '../../kernel/types.js';
import { blame } from '../../query/blame.js';
import { diffStates, flagNames } from '../../query/diff.js';
import { opText, scenarioArb } from '../helpers/arbitraries.js';
import { drawn, launchChromium, screenshot, startViewer } from '../helpers/browser.js';
import { ROOT, cli } from '../helpers/cli.js';
import { clickSection, readMap, readStepRows } from './page.js';
import { TRACES } from '../helpers/traces.js';

const SEED = join(ROOT, 'examples/seed-pmem-shared-section.scn');
const TRACE = join(TRACES, '6.1.0-56-amd64/legacy_pmem_shared_section');

const quiet: Io = { out: () => undefined, err: () => undefined, color: pc.createColors(false), readFile: readTextFile };

/** The model's own recording of an input (the oracle). */
const model = (file: string): Loaded => loadInput(quiet, file, {});

const section = (l: Loaded, step: number, nr: number): MemSection => getSection(l.profile, l.log.stateAt(step), nr) ?? zeroSection(l.profile.geometry, nr);
const bitsOf = (ms: MemSection, n: number): number[] => Array.from({ length: n }, (_, i) => i).filter((i) => bitmapTest(ms.subsectionMap, i));
/** Sub-sections whose bit or memmap backing differ between two versions of a section. */
const differing = (a: MemSection, b: MemSection, n: number): number[] =>
  Array.from({ length: n }, (_, i) => i).filter((i) => bitmapTest(a.subsectionMap, i) !== bitmapTest(b.subsectionMap, i) || a.memmap[i] !== b.memmap[i]);

/** Each sub-section's origin as the model has it: boot map bit, inside a ZONE_DEVICE range, else hot-added ('.' when clear). */
const origins = (ms: MemSection, devices: ReadonlyArray<readonly [number, number]>, n: number): string =>
  Array.from({ length: n }, (_, i) => {
    if (!bitmapTest(ms.subsectionMap, i)) return '.';
    if (ms.bootMap && bitmapTest(ms.bootMap, i)) return 'B';
    const lo = ms.nr * 32768 + i * 512;
    return devices.some(([s, e]) => s < lo + 512 && e > lo) ? 'D' : 'H';
  }).join('');

let chrome: Awaited<ReturnType<typeof launchChromium>>;
beforeAll(async () => {
  chrome = await launchChromium();
});
afterAll(async () => {
  await chrome?.close();
});

/** The page's Content-Security-Policy violations so far: the page's own events, and Chromium's console reports. */
type CspLog = () => Promise<string[]>;

/** Record every CSP violation of `page` (a securitypolicyviolation listener installed before the page's own script runs). */
async function watchCsp(page: Page): Promise<CspLog> {
  const reports: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) reports.push(m.text());
  });
  await page.addInitScript(`window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.effectiveDirective + ' ' + e.blockedURI), true);`);
  return async () => [...((await page.evaluate('window.__csp')) as string[]), ...reports];
}

/** Open `memhp view ARGS` at `hash` in a fresh page; run `body`; check nothing broke the page's CSP; always stop the viewer. */
async function withViewer(args: readonly string[], hash: string, body: (page: Page, url: string) => Promise<void>): Promise<void> {
  const v = await startViewer(args);
  const page = await chrome.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const csp = await watchCsp(page);
  try {
    await page.goto(`${v.url}${hash}`);
    await body(page, v.url);
    expect(errors).toEqual([]);
    expect(await csp()).toEqual([]);
  } finally {
    await page.close();
    await v.stop();
  }
}

describe('memhp view in Chromium', () => {
  it('seed demo: the keyboard moves through the steps, and every section on the map shows exactly the model bits', async () => {
    const l = model(SEED);
    const n = l.profile.geometry.SUBSECTIONS_PER_SECTION;
    const last = l.log.length - 1;
    await withViewer([SEED], '', async (page) => {
      await drawn(page, 0);
      await page.keyboard.press('End');
      await drawn(page, last);
      await page.keyboard.press('Home');
      await drawn(page, 0);
      await page.keyboard.press('PageDown');
      await drawn(page, Math.min(10, last));
      await page.keyboard.press('ArrowLeft');
      await drawn(page, Math.min(10, last) - 1);
      // Home and End are jumps: Alt+← goes back to where the jump started.
      await page.keyboard.press('Home');
      await drawn(page, 0);
      await page.keyboard.press('Alt+ArrowLeft');
      await drawn(page, Math.min(10, last) - 1);
      await page.keyboard.press('Home');
      await drawn(page, 0);
      await page.keyboard.press('ArrowRight');
      await drawn(page, 1);

      const touched = l.log.step(1).outcome.sections.map((e) => e.nr);
      expect(touched).toContain(96);
      const drawnMap = await readMap(page);
      for (const nr of touched) {
        const ms = section(l, 1, nr);
        expect(drawnMap.get(nr)?.state, `section ${nr}`).toBe(ms.machine);
        expect(drawnMap.get(nr)?.set[0], `section ${nr}`).toEqual(bitsOf(ms, n));
        expect(drawnMap.get(nr)?.changed[0], `section ${nr}`).toEqual(differing(section(l, 0, nr), ms, n));
        expect(drawnMap.get(nr)?.origins[0], `section ${nr}`).toBe(origins(ms, l.log.stateAt(1).deviceRanges, n));
      }
      // Section 96 holds both: the PMEM half hot-added at this step, the RAM half from boot.
      expect(drawnMap.get(96)?.origins[0]).toBe(`${'H'.repeat(32)}${'B'.repeat(32)}`);
      // The whole map: the model's non-absent sections plus those the step touched, each with its bits.
      const shown = listSections(l.log.stateAt(1)).filter((ms) => !ms.machine.startsWith('absent') || ms.usage !== 'none' || touched.includes(ms.nr));
      expect([...drawnMap.keys()]).toEqual(shown.map((ms) => ms.nr));
      for (const ms of shown) expect(drawnMap.get(ms.nr)?.set[0], `section ${ms.nr}`).toEqual(bitsOf(ms, n));
    });
  });

  it('the page works under its Content-Security-Policy: no violation, every view drawn, and what the policy forbids is blocked', async () => {
    const v = await startViewer([SEED]);
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const csp = await watchCsp(page);
    try {
      const res = await page.goto(v.url);
      expect(res?.headers()['content-security-policy']).toMatch(/^default-src 'none'; script-src 'self';/);
      expect(res?.headers()['x-frame-options']).toBe('DENY');
      await drawn(page, 0);
      await page.keyboard.press('ArrowRight');
      await drawn(page, 1);
      await clickSection(page, 96);
      await page.waitForSelector('#detail h3:text-is("section 96")');
      // The header, the step list, the map with its legend and iomem bands, and the detail panel.
      expect(await page.locator('#file').textContent()).toBe(SEED);
      expect(await page.locator('#profile').textContent()).not.toBe('');
      expect(await page.locator('#legend .sw').count()).toBeGreaterThan(0);
      expect(await page.locator('.band').count()).toBeGreaterThan(0);
      expect(await page.locator('#detail .flags').count()).toBe(1);
      // Rows are placed through the CSSOM (data-style, as inline style attributes are refused): unplaced they would all sit at the top.
      const tops = async (sel: string): Promise<number[]> => (await page.evaluate(`[...document.querySelectorAll('${sel}')].map((r) => r.offsetTop)`)) as number[];
      for (const sel of ['#steps .srow', '#map .mrow']) {
        const t = await tops(sel);
        expect(t.length, sel).toBeGreaterThan(1);
        expect(new Set(t).size, sel).toBe(t.length);
      }
      // The stylesheet applied (the grid of three columns).
      expect(await page.evaluate(`getComputedStyle(document.querySelector('main')).display`)).toBe('grid');
      expect(errors).toEqual([]);
      expect(await csp()).toEqual([]);
      // The policy is enforced and the watch sees it: an injected inline script, <style>, style attribute and foreign image are refused.
      await page.evaluate(`(() => {
        const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.append(s);
        const st = document.createElement('style'); st.textContent = 'body { display: none }'; document.head.append(st);
        document.body.insertAdjacentHTML('beforeend', '<img src="http://203.0.113.1/x.png"><div id="styled" style="display:none">x</div>');
      })()`);
      await expect.poll(async () => (await csp()).filter((t) => !/Content Security Policy/.test(t)).map((t) => t.split(' ')[0]).sort(), { timeout: 5000 }).toEqual(['img-src', 'script-src-elem', 'style-src-attr', 'style-src-elem']);
      expect(await page.evaluate('window.__ran')).toBeUndefined();
      expect(await page.evaluate(`getComputedStyle(document.body).display`)).not.toBe('none');
      expect(await page.evaluate(`getComputedStyle(document.getElementById('styled')).display`)).not.toBe('none');
    } finally {
      await page.close();
      await v.stop();
    }
  });

  it('seed demo: clicking a section shows its flags and the step\'s call path', async () => {
    const l = model(SEED);
    await withViewer([SEED], '', async (page) => {
      await drawn(page, 0);
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
      await drawn(page, 3);
      await clickSection(page, 96);
      await page.waitForSelector('#detail h3:text-is("section 96")');
      const ms = section(l, 3, 96);
      expect(await page.locator('#detail .flags').textContent()).toBe(flagNames(ms.flags));
      const table = Object.fromEntries((await page.evaluate(`[...document.querySelectorAll('#detail tr')].map((r) => [...r.children].map((c) => c.textContent))`)) as Array<[string, string]>);
      expect(table['usage']).toBe(ms.usage);
      expect(table['state']).toBe(ms.machine);
      expect(await page.locator('#detail .memmap').first().textContent()).toBe(ms.memmap);
      const path = l.log.step(3).outcome.path;
      expect(path).toContain('-EEXIST');
      expect(await page.locator('#detail .path').textContent()).toBe(path);
      expect(await page.locator('.mrow[data-nr="96"]').getAttribute('class')).toContain('selected');
      expect(await page.evaluate('location.hash')).toBe('#step=3&section=96');
      await screenshot(page, 'seed-demo.png');
    });
  });

  it('seed demo: the blame list names the steps that changed the section, and those that changed a clicked bit', async () => {
    const l = model(SEED);
    const last = l.log.length - 1;
    const listed = async (page: Page): Promise<Array<{ seq: number; text: string }>> =>
      (await page.evaluate(`[...document.querySelectorAll('#detail .blame li')].map((li) => ({ seq: Number(li.dataset.seq), text: li.textContent }))`)) as Array<{ seq: number; text: string }>;
    await withViewer([SEED], `#step=${last}`, async (page) => {
      await drawn(page, last);
      await clickSection(page, 96);
      await page.waitForSelector('#detail .blame li');
      const all = blame(l.log, { section: 96 });
      expect(all.length).toBeGreaterThan(1);
      const got = await listed(page);
      expect(got.map((r) => r.seq)).toEqual(all.map((e) => e.seq));
      all.forEach((e, i) => expect(got[i]?.text).toContain(`${e.field}: ${e.before} → ${e.after}`));

      await page.locator('.mrow[data-nr="96"] .cell[data-i="0"]').click();
      await page.waitForSelector('#detail h3:text-is("section 96 · bit 0")');
      const bit = blame(l.log, { section: 96, bit: 0 });
      expect(bit.length).toBeGreaterThan(0);
      expect((await listed(page)).map((r) => r.seq)).toEqual(bit.map((e) => e.seq));

      // A blame entry is a jump: it moves there, and Alt+← comes back.
      const target = bit[bit.length - 1]?.seq ?? 0;
      await page.locator(`#detail .blame li[data-seq="${target}"]`).click();
      await drawn(page, target);
      await page.keyboard.press('Alt+ArrowLeft');
      await drawn(page, last);
    });
  });

  it('diff mode highlights exactly the cells that differ, on generated scenarios', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memhp-view-diff-'));
    let shot = false;
    try {
      await fc.assert(
        fc.asyncProperty(
          scenarioArb({ minSteps: 2, maxSteps: 12 }).filter((s) => s.boot.ranges.length > 0),
          fc.nat(),
          fc.nat(),
          async (s, x, y) => {
            const file = join(dir, 'gen.scn');
            writeFileSync(file, scenarioFile(s));
            const l = model(file);
            const steps = l.log.length;
            const [a, b] = [x % steps, y % steps];
            const n = l.profile.geometry.SUBSECTIONS_PER_SECTION;
            const expected = new Map(
              diffStates(l.profile.geometry, l.log.stateAt(a), l.log.stateAt(b), a, b).sections.map((d) => [d.nr, differing(section(l, a, d.nr), section(l, b, d.nr), n)]),
            );
            await withViewer([file], `#step=${b}&diff=${a}..${b}`, async (page) => {
              await drawn(page, b);
              const got = await readMap(page);
              expect(new Map([...got].map(([nr, row]) => [nr, row.changed[0] ?? []]))).toEqual(expected);
              if (!shot && expected.size > 0) {
                shot = true;
                await page.evaluate(`document.getElementById('map').scrollTop = 0`);
                await screenshot(page, 'diff.png');
              }
            });
          },
        ),
        { numRuns: 6, seed: 0x5eed },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a 10^5-step history over 2^10 sections stays fluid: bounded DOM, keys, slider, filters, and the model bits at a far step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memhp-view-big-'));
    try {
      const file = join(dir, 'big.scn');
      writeFileSync(file, workloadFile(100_000));
      const l = model(file);
      const last = l.log.length - 1;
      expect(last).toBe(100_000);
      await withViewer([file], '', async (page) => {
        await drawn(page, 0);
        expect(await page.locator('#count').textContent()).toBe(`${last + 1} of ${last + 1} steps`);
        await page.keyboard.press('End');
        await drawn(page, last);
        const shown = Number(/(\d+) section\(s\) shown/.exec((await page.locator('#maphead').textContent()) ?? '')?.[1]);
        expect(shown).toBeGreaterThan(500);
        // Only the rows in view are in the DOM.
        expect(await page.locator('#steps .srow').count()).toBeLessThan(100);
        expect(await page.locator('#map .mrow').count()).toBeLessThan(100);
        await page.keyboard.press('PageUp');
        await drawn(page, last - 10);
        await page.locator('#slider').fill('50000');
        await drawn(page, 50_000);
        const touched = l.log.step(50_000).outcome.sections.map((e) => e.nr);
        const got = await readMap(page);
        expect(got.size).toBe(listSections(l.log.stateAt(50_000)).filter((ms) => !ms.machine.startsWith('absent') || ms.usage !== 'none' || touched.includes(ms.nr)).length);
        for (const nr of touched) expect(got.get(nr)?.set[0], `section ${nr}`).toEqual(bitsOf(section(l, 50_000, nr), 64));
        // A long blame list: the latest 200 writers drawn, the rest counted.
        const [nr, writes] = [...got.keys()]
          .filter((_, i) => i % 40 === 0)
          .map((n) => [n, blame(l.log, { section: n })] as const)
          .reduce((a, b) => (b[1].length > a[1].length ? b : a));
        expect(writes.length).toBeGreaterThan(200);
        await clickSection(page, nr);
        await page.waitForSelector('#detail .blame li');
        expect(await page.locator('#detail .blame li').count()).toBe(200);
        expect(await page.locator('#detail .blame li').first().getAttribute('data-seq')).toBe(String(writes[0]?.seq));
        expect(await page.locator('#detail .blame + p').textContent()).toBe(`… and ${writes.length - 200} earlier writes`);
        await page.keyboard.press('Alt+ArrowLeft');
        await drawn(page, last - 10);
        await page.locator('#outcome').selectOption('hazard');
        const hazards = l.log.steps.filter((st) => st.outcome.hazards.length > 0).length;
        expect(await page.locator('#count').textContent()).toBe(`${hazards} of ${last + 1} steps`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the URL hash round-trips: opening a URL restores exactly that view, and a changed view opens again the same', async () => {
    const hash = '#step=4&section=96&diff=1..4&kind=__remove_pages&outcome=hazard';
    await withViewer([SEED], hash, async (page, url) => {
      await drawn(page, 4);
      expect(await page.evaluate('location.hash')).toBe(hash);
      await page.waitForSelector('#detail h3:text-is("section 96")');
      expect(await page.locator('#diff-on').isChecked()).toBe(true);
      expect(await page.locator('#diff-from').inputValue()).toBe('1');
      expect(await page.locator('#diff-to').inputValue()).toBe('4');
      expect(await page.locator('#kind').inputValue()).toBe('__remove_pages');
      expect(await page.locator('#outcome').inputValue()).toBe('hazard');
      expect(await page.locator('#maphead').textContent()).toMatch(/^diff step 1 → step 4/);
      expect((await readStepRows(page)).map((r) => r.seq)).toEqual([4]);

      await page.keyboard.press('ArrowRight');
      await drawn(page, 5);
      const moved = (await page.evaluate('location.hash')) as string;
      expect(moved).toBe('#step=5&section=96&diff=1..4&kind=__remove_pages&outcome=hazard');
      const again = await chrome.browser.newPage();
      try {
        await again.goto(`${url}${moved}`);
        await drawn(again, 5);
        expect(await again.evaluate('location.hash')).toBe(moved);
        expect(await again.locator('#maphead').textContent()).toBe(await page.locator('#maphead').textContent());
        expect(await again.locator('#detail h3').textContent()).toBe('section 96');
      } finally {
        await again.close();
      }
    });
  });

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
      const rows = (await readStepRows(page)).filter((r) => r.seq > 0 && r.text !== '');
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(labels.some((t) => r.text.includes(t)), r.text).toBe(true);
      expect(rows.some((r) => stepLabels.some((t) => r.text.includes(t)))).toBe(true);
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

/** bench/generate.ts's random __add_pages / __remove_pages workload over 1024 sections, as a scenario file. */
function workloadFile(steps: number): string {
  const hex = (n: number): string => `0x${n.toString(16)}`;
  const wl = generateWorkload(createProfile().geometry, { ...DEFAULT_WORKLOAD, steps });
  const ram = wl.boot.ranges.map((r) => `ram ${hex(r.startPfn * 4096)}-${hex(r.endPfn * 4096 - 1)} nid=${r.nid}`);
  return ['kernel 5.3', ...ram, ...wl.ops.map((op) => opText(op))].join('\n') + '\n';
}

/** Text with each line prefixed by its 1-based number and ':'. */
function numbered(text: string): string {
  return text
    .split('\n')
    .map((l, i) => `${i + 1}:${l}`)
    .join('\n');
}

/** A generated scenario as a scenario file: its boot RAM as `ram` lines, each operation as its kernel call. */
function scenarioFile(s: Scenario): string {
  const hex = (n: number): string => `0x${n.toString(16)}`;
  const ram = s.boot.ranges.map((r) => `ram ${hex(r.startPfn * 4096)}-${hex(r.endPfn * 4096 - 1)} nid=${r.nid}`);
  return ['kernel 5.3', ...ram, ...s.steps.map((st) => opText(st.op, st.inject))].join('\n') + '\n';
}
