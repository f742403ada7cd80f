/**
 * The viewer in Chromium: diff mode on generated scenarios, a 10^5-step history that stays fluid,
 * and the URL hash that restores a view; what the page draws is compared with the model's own states.
 * The slow tier: npm test, not test:fast.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listSections } from '../../model/model.js';
import { blame } from '../../query/blame.js';
import { diffStates } from '../../query/diff.js';
import { scenarioArb } from '../helpers/arbitraries.js';
import { drawn, screenshot } from '../helpers/browser.js';
import { clickSection, readMap, readStepRows } from './page.js';
import { bitsOf, differing, model, scenarioFile, section, SEED, workloadFile } from './oracle.js';
import { browser, useChromium, withViewer } from './session.js';

useChromium();

describe('memhp view in Chromium', () => {
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
        // Blame at step 50000 is the history up to it (later writes are the folded future).
        const [nr, writes] = [...got.keys()]
          .filter((_, i) => i % 40 === 0)
          .map((n) => [n, blame(l.log, { section: n }).filter((e) => e.seq <= 50_000)] as const)
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
  }, 180_000); // a 10^5-step log recorded twice (here and by the server) and walked by blame: minutes on a loaded machine

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
      const again = await browser().newPage();
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
});
