/**
 * The timeline: a slider with a marker track (WARN, error, hazard, mismatch, divergence), filters by
 * operation kind and outcome, and a virtualised step list: only the rows in view are in the DOM, and
 * their text is fetched from the server a page at a time, so 10^5 steps stay fluid. A row has two
 * lines: step number, source line, the call's function, return and markers; then the call's
 * arguments. The source's own words (a scenario line, a trace's user-action label) are its tooltip
 * and the step header's.
 */
import { STEP_DIVERGES, STEP_ERROR, STEP_EXPECT_FAILED, STEP_HAZARD, STEP_MISMATCH, STEP_WARN } from '../../present/api.js';
import type { StepRow, ViewInfo } from '../../present/api.js';
import { getJson } from './client.js';
import { byId, esc, setHtml } from './dom.js';

/** Pixel height of one step row, two lines (matches --step in style.css). */
const ROW_H = 34;
/** Steps fetched per request. */
const PAGE = 200;

/** The outcome filters and which summary bits they keep ('ok': none of the bad ones). */
const OUTCOMES: Readonly<Record<string, number>> = {
  warn: STEP_WARN,
  error: STEP_ERROR,
  hazard: STEP_HAZARD,
  mismatch: STEP_MISMATCH,
  expect: STEP_EXPECT_FAILED,
  diverge: STEP_DIVERGES,
};
const BAD = STEP_WARN | STEP_ERROR | STEP_HAZARD | STEP_MISMATCH | STEP_EXPECT_FAILED;

/** Marker badges of a summary word, most severe first: bit, name, badge (short, so three fit a row), colour, meaning (the badge's tooltip). */
export const MARKERS: ReadonlyArray<readonly [number, string, string, string, string]> = [
  [STEP_HAZARD, 'hazard', 'HAZ', '#8250df', 'walks into a known kernel hazard'],
  [STEP_ERROR, 'error', 'ERR', '#cf222e', 'returned a negative errno'],
  [STEP_MISMATCH, 'mismatch', 'MISM', '#e16f24', 'the trace disagrees with the model after this step'],
  [STEP_EXPECT_FAILED, 'expect', 'EXP', '#a40e26', 'an expect line failed'],
  [STEP_WARN, 'warn', 'WARN', '#bf8700', 'printed a WARN'],
  [STEP_DIVERGES, 'diverge', 'DIFF', '#0969da', 'the kernels differ at this step'],
];

/** The marker badges of a summary word as HTML. */
export function markerBadges(summary: number): string {
  return MARKERS.filter(([b]) => summary & b)
    .map(([, name, label, , meaning]) => `<span class="mk mk-${name}" title="${meaning}">${label}</span>`)
    .join('');
}

/** The timeline's widgets. */
export class Timeline {
  private readonly list = byId('steps');
  private readonly pad = byId('steps-pad');
  private readonly slider = byId<HTMLInputElement>('slider');
  private readonly canvas = byId<HTMLCanvasElement>('markers');
  private readonly pages = new Map<number, StepRow[] | 'loading'>();
  private filtered: Int32Array = new Int32Array(0);
  private current = 0;
  private kind = '';
  private outcome = '';
  /** The step shown when a slider drag started (the jump's origin), or null. */
  private dragFrom: number | null = null;

  constructor(
    private readonly info: ViewInfo,
    /** The user picked a step; `from`: the step a jump (click, slider drag) left, null for a plain move. */
    private readonly onPick: (seq: number, from: number | null) => void,
  ) {
    this.slider.max = String(info.steps - 1);
    // The step number column holds the largest step number whole.
    this.list.style.setProperty('--seqw', `${String(info.steps - 1).length + 1}ch`);
    this.slider.addEventListener('input', () => {
      this.dragFrom ??= this.current;
      this.onPick(Number(this.slider.value), null);
    });
    this.slider.addEventListener('change', () => {
      const from = this.dragFrom ?? this.current;
      this.dragFrom = null;
      this.onPick(Number(this.slider.value), from);
    });
    this.list.addEventListener('scroll', () => this.renderRows());
    this.list.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.srow');
      if (row?.dataset.seq !== undefined) this.onPick(Number(row.dataset.seq), this.current);
    });
    new ResizeObserver(() => {
      this.drawMarkers();
      this.renderRows();
    }).observe(this.list);
    const kindSel = byId<HTMLSelectElement>('kind');
    for (const k of info.kinds) kindSel.append(new Option(k, k));
    this.applyFilter();
  }

  /** Filter the list by operation kind ('' = all) and outcome ('' = any). */
  setFilter(kind: string, outcome: string): void {
    if (kind === this.kind && outcome === this.outcome) return;
    this.kind = this.info.kinds.includes(kind) ? kind : '';
    this.outcome = outcome in OUTCOMES || outcome === 'ok' ? outcome : '';
    byId<HTMLSelectElement>('kind').value = this.kind;
    byId<HTMLSelectElement>('outcome').value = this.outcome;
    this.applyFilter();
  }

  /** The filters in effect. */
  get filter(): { kind: string; outcome: string } {
    return { kind: this.kind, outcome: this.outcome };
  }

  /** Show `seq` as the current step (slider, highlighted row scrolled into view). */
  setCurrent(seq: number): void {
    this.current = seq;
    this.slider.value = String(seq);
    const i = this.indexOf(seq);
    if (i >= 0) {
      const top = i * ROW_H;
      if (top < this.list.scrollTop || top + ROW_H > this.list.scrollTop + this.list.clientHeight) this.list.scrollTop = Math.max(0, top - this.list.clientHeight / 2);
    }
    this.renderRows();
  }

  // --- internal ---

  private applyFilter(): void {
    const kindIndex = this.kind ? this.info.kinds.indexOf(this.kind) : -1;
    const bit = OUTCOMES[this.outcome] ?? 0;
    const keep: number[] = [];
    this.info.summary.forEach((w, seq) => {
      if (kindIndex >= 0 && (w & 0xff) !== kindIndex) return;
      if (this.outcome === 'ok' && (w & BAD) !== 0) return;
      if (bit && (w & bit) === 0) return;
      keep.push(seq);
    });
    this.filtered = Int32Array.from(keep);
    this.pad.style.height = `${this.filtered.length * ROW_H}px`;
    byId('count').textContent = `${this.filtered.length} of ${this.info.steps} steps`;
    this.drawMarkers();
    this.setCurrent(this.current);
  }

  /** Position of `seq` in the filtered list, or -1. */
  private indexOf(seq: number): number {
    let lo = 0;
    let hi = this.filtered.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.filtered[mid] ?? 0;
      if (v === seq) return mid;
      if (v < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private renderRows(): void {
    const first = Math.max(0, Math.floor(this.list.scrollTop / ROW_H) - 2);
    const last = Math.min(this.filtered.length, first + Math.ceil(this.list.clientHeight / ROW_H) + 4);
    let html = '';
    for (let i = first; i < last; i++) {
      const seq = this.filtered[i] ?? 0;
      const row = this.row(seq);
      const cls = seq === this.current ? 'srow current' : 'srow';
      const top = `data-style="top:${i * ROW_H}px"`;
      if (!row) {
        html += `<div class="${cls}" data-seq="${seq}" ${top}><span>${seq}</span><span class="dim">…</span></div>`;
        continue;
      }
      const marks = markerBadges(row.summary);
      const bad = row.ret.startsWith('-') ? ' bad' : '';
      const space = row.call.indexOf(' ');
      const fn = space < 0 ? row.call : row.call.slice(0, space);
      const args = space < 0 ? '' : row.call.slice(space + 1);
      html +=
        `<div class="${cls}" data-seq="${seq}" ${top} title="${esc(`${row.source}: ${row.text}`)}"><span class="seq">${seq}</span><span class="dim src">${esc(shortSource(row.source, this.info.file))}</span>` +
        `<span class="op">${esc(fn)}</span><span class="ret${bad}">${esc(row.ret)}</span><span>${marks}</span><span class="args">${esc(args)}</span></div>`;
    }
    setHtml(this.pad, html);
  }

  /** The row of `seq` if its page is loaded; starts loading it otherwise. */
  private row(seq: number): StepRow | undefined {
    const p = Math.floor(seq / PAGE);
    const page = this.pages.get(p);
    if (page === undefined) {
      this.pages.set(p, 'loading');
      const from = p * PAGE;
      getJson<StepRow[]>(`/api/steps?from=${from}&to=${Math.min(this.info.steps, from + PAGE)}`).then(
        (rows) => {
          this.pages.set(p, rows);
          this.renderRows();
        },
        () => this.pages.delete(p),
      );
      return undefined;
    }
    return page === 'loading' ? undefined : page[seq - p * PAGE];
  }

  private drawMarkers(): void {
    const w = Math.max(1, this.canvas.clientWidth);
    this.canvas.width = w;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, w, 14);
    const n = Math.max(1, this.info.steps - 1);
    const kindIndex = this.kind ? this.info.kinds.indexOf(this.kind) : -1;
    this.info.summary.forEach((word, seq) => {
      if (kindIndex >= 0 && (word & 0xff) !== kindIndex) return;
      const m = MARKERS.find(([b]) => word & b);
      if (!m) return;
      ctx.fillStyle = m[3];
      ctx.fillRect(Math.min(w - 2, Math.round((seq / n) * (w - 2))), 2, 2, 10);
    });
  }
}

/** A step's source as its row shows it: `:LINE` when it is the input file itself (named in the header), else `BASENAME:LINE`. */
export function shortSource(source: string, file: string): string {
  const colon = source.lastIndexOf(':');
  const f = source.slice(0, colon);
  const base = (p: string): string => p.split('/').pop() ?? p;
  return f === file || base(f) === base(file) || file.endsWith(`/${f}`) ? source.slice(colon) : `${base(f)}${source.slice(colon)}`;
}
