/**
 * The viewer in Debian's headless Chromium (playwright-core), the seed demo: the keyboard moves
 * through the steps, the page keeps its Content-Security-Policy, a clicked section shows its flags,
 * call path and blame. `memhp view` runs as the real binary, and what the page draws is compared with
 * the model's own states (cli/load.ts → log/). Screenshots for a reviewer go to screenshots/ at the
 * repository root (gitignored). The slow tier: npm test, not test:fast.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { listSections } from '../../model/model.js';
import { blame } from '../../query/blame.js';
import { flagNames } from '../../query/diff.js';
import { drawn, screenshot, startViewer } from '../helpers/browser.js';
import { clickSection, readMap } from './page.js';
import { bitsOf, differing, model, origins, section, SEED } from './oracle.js';
import { browser, useChromium, watchCsp, withViewer } from './session.js';

useChromium();

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
    const page = await browser().newPage();
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
});
