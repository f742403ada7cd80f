/**
 * The viewer's screenshots at 1280 × 800 for docs/viewer.md: the seed demo, a recorded trace in
 * check mode at its first mismatch, and compare mode at the first divergence. Each is taken only once
 * the view is drawn with nothing cut. They go to the gitignored screenshots/ folder; with
 * MEMHP_DOC_SCREENSHOTS=1 to docs/screenshots/, the files docs/viewer.md shows:
 *
 *   MEMHP_DOC_SCREENSHOTS=1 npx vitest run --project slow test/viewer/browser_screenshots.slow.test.ts
 *
 * The slow tier: npm test, not test:fast.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { drawn, SCREENSHOTS } from '../helpers/browser.js';
import { ROOT } from '../helpers/cli.js';
import { cutTexts } from './page.js';
import { useChromium, withViewer } from './session.js';

/** Where the screenshots go: docs/screenshots/ when asked for, else the gitignored screenshots/. */
const DIR = process.env.MEMHP_DOC_SCREENSHOTS === '1' ? join(ROOT, 'docs/screenshots') : SCREENSHOTS;
// Paths relative to the repository (memhp view runs there), so the page shows them as a user would type them.
const DEVDAX = 'test/fixtures/traces/6.1.0-56-amd64/devdax_kmem';
const SEED = 'examples/seed-pmem-shared-section.scn';

useChromium();

/** Check nothing is cut, then save the page as `name` under DIR. */
async function shoot(page: Page, name: string): Promise<void> {
  // Let the map's scroll and the detail panel settle into one frame.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  expect(await cutTexts(page)).toEqual([]);
  mkdirSync(DIR, { recursive: true });
  await page.screenshot({ path: join(DIR, name) });
}

describe('viewer screenshots at 1280 px', () => {
  it('the seed demo at step 4: the removal empties sections 64-95 and leaves half of section 96 0xFD-filled', async () => {
    await withViewer([SEED], '#step=4&section=96', async (page) => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await drawn(page, 4);
      await page.waitForSelector('#detail h3:text-is("section 96")');
      await shoot(page, 'seed-demo.png');
    });
  });

  it('a trace in check mode under another kernel, at its first mismatch', async () => {
    await withViewer([DEVDAX, '--kernel', '5.3'], '', async (page) => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await drawn(page, 0);
      await page.locator('#mismatch').click();
      await page.waitForSelector('#map .mrow.selected.mismatch');
      await page.waitForSelector('body[data-ready="1"]:not([data-step="0"])');
      await page.waitForSelector('#detail h3');
      await shoot(page, 'check-mode.png');
    });
  });

  it('compare mode, 5.2 against 5.3, at the first divergence', async () => {
    await withViewer([SEED, '--kernels', '5.2,5.3'], '', async (page) => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await drawn(page, 0);
      await page.locator('#divergence').click();
      await page.waitForSelector('#map .mrow.selected.diverges');
      await page.waitForSelector('#detail h3');
      await shoot(page, 'compare-mode.png');
    });
  });
});
