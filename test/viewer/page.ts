/**
 * Reading the viewer page back in browser tests: the map's rows and cells (scrolled through, since
 * the map is virtualised), the step list's rows, the detail panel. Scripts run in the page as
 * strings (the tests' tsconfig has no DOM types).
 */
import type { Page } from 'playwright-core';

/** One map row as drawn: its machine state and, per run, each cell's bit ('set') and highlight ('changed'). */
export interface DrawnRow {
  readonly state: string;
  /** Per run: the indices of cells drawn as set. */
  readonly set: number[][];
  /** Per run: each cell's origin as drawn ('B' boot RAM, 'H' hot-added, 'D' ZONE_DEVICE, '.' clear). */
  readonly origins: string[];
  /** Per run: the indices of cells drawn as changed (highlighted). */
  readonly changed: number[][];
  /** Compare mode: the row is marked as differing between the kernels. */
  readonly diverges: boolean;
  /** Check mode: the row is marked as mismatching the trace at this step. */
  readonly mismatch: boolean;
}

const READ_MAP = `(async () => {
  const box = document.getElementById('map');
  const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const out = {};
  box.scrollTop = 0;
  await frame();
  for (;;) {
    for (const row of box.querySelectorAll('.mrow')) {
      const strips = [...row.querySelectorAll('.strip')];
      const idx = (strip, cls) => [...strip.querySelectorAll('.cell')].flatMap((c, i) => (c.classList.contains(cls) ? [i] : []));
      const origin = (strip) => [...strip.querySelectorAll('.cell')].map((c) => (c.classList.contains('o-B') ? 'B' : c.classList.contains('o-H') ? 'H' : c.classList.contains('o-D') ? 'D' : '.')).join('');
      out[row.dataset.nr] = { state: row.dataset.state, set: strips.map((s) => idx(s, 'set')), origins: strips.map(origin), changed: strips.map((s) => idx(s, 'changed')), diverges: row.classList.contains('diverges'), mismatch: row.classList.contains('mismatch') };
    }
    if (box.scrollTop + box.clientHeight >= box.scrollHeight - 1) break;
    box.scrollTop += Math.max(20, box.clientHeight / 2);
    await frame();
  }
  return out;
})()`;

/** Every row of the map, by section number (scrolls the map through). */
export async function readMap(page: Page): Promise<Map<number, DrawnRow>> {
  const raw = (await page.evaluate(READ_MAP)) as Record<string, DrawnRow>;
  return new Map(Object.entries(raw).map(([nr, row]) => [Number(nr), row]));
}

/** Scroll the map until the row of section `nr` is drawn, then click it (on its number). */
export async function clickSection(page: Page, nr: number): Promise<void> {
  await page.evaluate(`(async () => {
    const box = document.getElementById('map');
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    box.scrollTop = 0;
    await frame();
    while (!box.querySelector('.mrow[data-nr="${nr}"]') && box.scrollTop + box.clientHeight < box.scrollHeight - 1) {
      box.scrollTop += Math.max(20, box.clientHeight / 2);
      await frame();
    }
  })()`);
  await page.locator(`.mrow[data-nr="${nr}"] .nr`).click();
}

/** One drawn row of the step list: its step, the call as drawn (function and arguments), its tooltip (source and the source's own words). */
export interface DrawnStep {
  readonly seq: number;
  readonly call: string;
  readonly title: string;
}

/** The step list's drawn rows. */
export async function readStepRows(page: Page): Promise<DrawnStep[]> {
  return (await page.evaluate(
    `[...document.querySelectorAll('#steps .srow')].map((r) => ({ seq: Number(r.dataset.seq), call: [r.querySelector('.op')?.textContent ?? '', r.querySelector('.args')?.textContent ?? ''].filter(Boolean).join(' '), title: r.getAttribute('title') ?? '' }))`,
  )) as DrawnStep[];
}

/**
 * Every text on the page that is drawn cut: a visible text node whose box reaches past the left or
 * right edge of the window or of an ancestor that clips or scrolls horizontally (overflow-x not
 * visible, so text-overflow: ellipsis too). Vertical scrolling is not cutting. Each as "#id.class: text".
 */
export async function cutTexts(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const r = range.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const el = n.parentElement;
      if (getComputedStyle(el).visibility === 'hidden') continue;
      let cut = r.left < -0.5 || r.right > window.innerWidth + 0.5;
      for (let a = el; a && a !== document.documentElement && !cut; a = a.parentElement) {
        if (getComputedStyle(a).overflowX === 'visible') continue;
        const b = a.getBoundingClientRect();
        const left = b.left + a.clientLeft;
        if (r.left < left - 0.5 || r.right > left + a.clientWidth + 0.5) cut = true;
      }
      if (cut) out.push((el.id ? '#' + el.id : '') + '.' + el.className + ': ' + n.textContent.trim().slice(0, 80));
    }
    return out;
  })()`)) as string[];
}
