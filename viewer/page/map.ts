/**
 * The address-space map: one row per non-absent section (number, start address, machine state by
 * colour), each with its strip of SUBSECTIONS_PER_SECTION cells (set bits coloured by origin: boot
 * RAM, hot-added, ZONE_DEVICE; a 0xFD-filled memmap striped), the cells the step changed outlined,
 * a tag with the section's state and online/offline (outlined when the step changed them), and
 * /proc/iomem resources as labelled bands over the cells. Diff mode shows only differing sections,
 * cell by cell; compare mode one strip and tag per kernel. Rows are virtualised: only those in view
 * are in the DOM. Nothing on a row is cut: the cells shrink to leave room for the rest.
 */
import type { DiffView, IomemBand, SectionView, StateView, ViewInfo } from '../../present/api.js';
import { byId, esc, hex, setHtml, stateClass } from './dom.js';

interface MapRow {
  readonly nr: number;
  readonly start: number;
  /** One view per run (undefined: absent in that run). */
  readonly views: ReadonlyArray<SectionView | undefined>;
  /** Diff mode: the section at the diff's first step. */
  readonly before?: SectionView;
  readonly note: string;
  readonly diverges: boolean;
  readonly mismatch: boolean;
}

/** The map's widgets. */
export class AddressMap {
  private readonly box = byId('map');
  private readonly pad = byId('map-pad');
  private rows: MapRow[] = [];
  private diff = false;
  private selected: number | null = null;
  private iomem: readonly IomemBand[];
  private readonly rowH: number;

  constructor(
    private readonly info: ViewInfo,
    private readonly onSelect: (nr: number, bit: number | null) => void,
  ) {
    this.iomem = info.iomem;
    const runs = info.kernels.length;
    this.rowH = 18 + 14 * runs;
    this.box.style.setProperty('--row', `${this.rowH}px`);
    this.box.addEventListener('scroll', () => this.render());
    this.box.addEventListener('click', (e) => {
      const t = e.target as HTMLElement;
      const row = t.closest<HTMLElement>('.mrow');
      if (row?.dataset.nr === undefined) return;
      const bit = t.dataset.i === undefined ? null : Number(t.dataset.i);
      this.onSelect(Number(row.dataset.nr), bit);
    });
    new ResizeObserver(() => {
      this.fitCells();
      this.render();
    }).observe(this.box);
    setHtml(byId('legend'), legend(info));
  }

  /** Show the state after a step (one StateView per run). */
  showState(views: readonly StateView[], mismatchSections: ReadonlySet<number>): void {
    const step = views[0]?.step ?? 0;
    const snap = [...this.info.iomemAt].reverse().find((s) => s.step <= step);
    this.iomem = snap?.bands ?? this.info.iomem;
    const byNr = new Map<number, Array<SectionView | undefined>>();
    views.forEach((v, run) => {
      for (const s of v.sections) {
        const list = byNr.get(s.nr) ?? new Array<SectionView | undefined>(views.length).fill(undefined);
        list[run] = s;
        byNr.set(s.nr, list);
      }
    });
    const diverging = new Set(views[0]?.diverging ?? []);
    const flagged = (nr: number): boolean => diverging.has(nr) || mismatchSections.has(nr);
    this.diff = false;
    this.rows = [...byNr.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([nr, list]) => ({ nr, start: list.find((x) => x)?.start ?? 0, views: list, note: '', diverges: diverging.has(nr), mismatch: mismatchSections.has(nr) }));
    byId('maphead').textContent = `after step ${step}: ${this.rows.length} section(s) shown${snap ? `; /proc/iomem of snapshot ${snap.label}` : ''}`;
    this.layout();
    if (this.selected === null) {
      const marked = this.rows.findIndex((r) => flagged(r.nr));
      this.reveal(marked >= 0 ? marked : this.rows.findIndex((r) => r.views.some((v) => v?.touched)));
    }
  }

  /** Show a diff: only the sections that differ, the differing cells highlighted. */
  showDiff(d: DiffView): void {
    this.diff = true;
    this.rows = d.sections.map((s) => ({ nr: s.nr, start: s.start, views: [s], before: s.before, note: s.summary, diverges: false, mismatch: false }));
    const globals = d.globals.map(([f, a, b]) => `${f}: ${a} → ${b}`).join('; ');
    byId('maphead').textContent = `diff step ${d.from} → step ${d.to}: ${d.sections.length} section(s) differ${globals ? `; ${globals}` : ''}`;
    this.layout();
  }

  /** Mark a section as selected and scroll it into view. */
  select(nr: number | null): void {
    this.selected = nr;
    this.reveal(nr === null ? -1 : this.rows.findIndex((r) => r.nr === nr));
    this.render();
  }

  // --- internal ---

  /** Scroll row `i` into view (no-op for -1 or a row already in view). */
  private reveal(i: number): void {
    if (i < 0) return;
    const top = i * this.rowH;
    if (top < this.box.scrollTop || top + this.rowH > this.box.scrollTop + this.box.clientHeight) this.box.scrollTop = Math.max(0, top - this.box.clientHeight / 3);
  }

  /** Cells as wide as the map's width allows (2 to 10 px), so a whole strip is always in view. */
  private fitCells(): void {
    const runs = this.info.kernels.length > 1 ? 44 : 0;
    // Number, start address, the state tag and the gaps and padding around them (style.css widths).
    const room = this.box.clientWidth - FIXED_PX - runs;
    const cell = Math.max(2, Math.min(10, Math.floor(room / this.info.geometry.subsections) - 1));
    this.box.style.setProperty('--cell', `${cell}px`);
  }

  private layout(): void {
    this.pad.style.height = `${this.rows.length * this.rowH}px`;
    this.pad.classList.toggle('diffmode', this.diff);
    if (this.selected !== null) this.select(this.selected);
    else this.render();
  }

  private render(): void {
    const first = Math.max(0, Math.floor(this.box.scrollTop / this.rowH) - 2);
    const last = Math.min(this.rows.length, first + Math.ceil(this.box.clientHeight / this.rowH) + 4);
    const g = this.info.geometry;
    let html = '';
    for (let i = first; i < last; i++) {
      const r = this.rows[i] as MapRow;
      const end = r.start + g.sectionBytes - 1;
      const main = r.views.find((v) => v);
      const cls = ['mrow', r.nr === this.selected ? 'selected' : '', r.diverges ? 'diverges' : '', r.mismatch ? 'mismatch' : ''].filter(Boolean).join(' ');
      const state = main?.state ?? 'absent.never';
      const title = `section ${r.nr} ${hex(r.start)}-${hex(end)}${this.diff ? `: ${r.note}` : ''}`;
      html += `<div class="${cls}" data-nr="${r.nr}" data-state="${esc(state)}" data-style="top:${i * this.rowH}px" title="${esc(title)}">`;
      html += `<span class="nr"><span class="sw ${stateClass(state)}"></span>${r.nr}</span>`;
      html += `<span class="range">${hex(r.start)}</span>`;
      html += '<span class="lane">';
      html += `<div class="bands">${bands(this.iomem, r.start, g.sectionBytes)}</div>`;
      r.views.forEach((v, run) => {
        const label = this.info.kernels.length > 1 ? `<span class="kern">${esc(this.info.kernels[run] ?? '')}</span>` : '';
        html += `<div class="cols" data-run="${run}">${label}${strip(v, this.diff ? r.before : undefined, g.subsections, this.diff)}${tag(v)}</div>`;
      });
      html += '</span></div>';
    }
    setHtml(this.pad, html);
    // A band too narrow for its name keeps the name in its tooltip only (never a cut label).
    for (const b of this.pad.querySelectorAll<HTMLElement>('.band')) if (b.scrollWidth > b.clientWidth + 1) b.textContent = '';
  }
}

/** Pixels of a map row that are not cells: number (4.5em), start address (8.5em), tag (170px), gaps, padding, scrollbar. */
const FIXED_PX = 58 + 6 + 86 + 6 + 170 + 6 + 16 + 16;

/** A section's state and whether it is online, outlined when the step (or the diff) changed them; '' for no section. */
function tag(v: SectionView | undefined): string {
  if (!v) return '<span class="tag"><span class="st dim">not present</span></span>';
  const changed = v.changedFields.includes('state') || v.changedFields.includes('flags');
  const absent = v.state.startsWith('absent');
  const on = absent ? '<span class="on none"></span>' : `<span class="on ${v.online ? 'yes' : 'no'}">${v.online ? 'online' : 'offline'}</span>`;
  return `<span class="tag${changed ? ' changed' : ''}" title="${esc(`${v.state} · ${v.flags}`)}">${on}<span class="st">${esc(v.state)}</span></span>`;
}

/** A section's strip of cells. */
function strip(v: SectionView | undefined, before: SectionView | undefined, n: number, diff: boolean): string {
  const changed = new Set(v?.changed ?? []);
  let html = `<div class="strip"${v ? ` title="memmap ${esc(v.memmap)}"` : ''}>`;
  for (let i = 0; i < n; i++) {
    const c = v?.cells[i] ?? '.';
    let cls = c === '.' ? 'cell' : `cell set o-${c}`;
    if (v?.memmap[i] === 'F') cls += ' m-F';
    if (changed.has(i)) {
      cls += ' changed';
      if (diff) {
        const was = (before?.cells[i] ?? '.') !== '.';
        cls += c !== '.' && !was ? ' d-set' : c === '.' && was ? ' d-clear' : ' d-memmap';
      }
    }
    html += `<div class="${cls}" data-i="${i}"></div>`;
  }
  return `${html}</div>`;
}

/** The iomem resources over a section, as positioned labelled bands. */
function bands(iomem: readonly IomemBand[], start: number, size: number): string {
  let html = '';
  for (const r of iomem) {
    if (r.depth > 1 || r.end < start || r.start >= start + size) continue;
    const lo = Math.max(r.start, start) - start;
    const hi = Math.min(r.end + 1, start + size) - start;
    const kind = /System RAM/i.test(r.name) ? 'ram' : /Persistent Memory/i.test(r.name) ? 'pmem' : /namespace|dax|pmem\d/i.test(r.name) ? 'ns' : /reserved/i.test(r.name) ? 'res' : 'other';
    html += `<span class="band band-${kind}" data-style="left:${(100 * lo) / size}%;width:${(100 * (hi - lo)) / size}%;top:${r.depth ? 4 : 0}px" title="${esc(`${r.name} ${hex(r.start)}-${hex(r.end)}`)}">${esc(r.name)}</span>`;
  }
  return html;
}

function legend(info: ViewInfo): string {
  const st = [
    ['early', 'early (boot)'],
    ['partial', 'partial'],
    ['full-hotplug', 'full-hotplug'],
    ['absent', 'absent'],
  ]
    .map(([k, t]) => `<span><span class="sw st-${k}"></span>${t}</span>`)
    .join('');
  const cells = `<span><span class="sw" data-style="background:#0969da"></span>boot RAM bit</span><span><span class="sw" data-style="background:#1a7f37"></span>hot-added bit</span><span><span class="sw" data-style="background:#8250df"></span>ZONE_DEVICE bit</span><span><span class="sw fd"></span>memmap 0xFD-filled (freed PMD part)</span><span><span class="sw" data-style="background:#eaeef2;box-shadow:inset 0 -4px 0 #fa4549"></span>cell changed by the step</span><span><span class="sw" data-style="outline:2px solid #fa4549;outline-offset:-1px"></span>tag changed</span><span><span class="on yes">online</span><span class="on no">offline</span></span>`;
  const diff = `<span class="dim">diff:</span><span><span class="sw" data-style="background:#2da44e"></span>bit set</span><span><span class="sw" data-style="background:#fa4549"></span>bit cleared</span><span><span class="sw" data-style="background:#d4a72c"></span>memmap only</span>`;
  return `<span class="dim">state:</span>${st}<span class="dim">cells (${info.geometry.subsections} × ${info.geometry.subsectionBytes / 1048576} MiB):</span>${cells}${diff}`;
}
