/**
 * The section detail panel: flags, usage, memmap backing per sub-section, the step's call path and
 * WARNs, the blame list. Blame is history as seen from the current step (as `crash` or drgn see a
 * dump): it lists the writers up to and including the step, last first; writes after the step are
 * the future, folded away under "N later writes" and marked as such when opened.
 */
import { MEMMAP_CELLS } from '../../kernel/section_fields.js';
import type { BlameRow, SectionDetail } from '../../present/api.js';
import { byId, esc, hex } from './dom.js';

/** The most blame entries drawn (the latest writers). */
const BLAME_SHOWN = 200;

/** What each memmap character means (kernel/section_fields.ts MEMMAP_CELLS). */
const MEMMAP: Readonly<Record<string, string>> = Object.fromEntries(MEMMAP_CELLS);

/**
 * Render the panel for section details `ds` (one per run: several kernels side by side in compare
 * mode), with run 0's blame list; `bit` the cell clicked (its bit's blame), else null.
 */
export function renderDetail(ds: readonly SectionDetail[], kernels: readonly string[], blame: readonly BlameRow[] | null, bit: number | null, onJump: (seq: number) => void): void {
  const el = byId('detail');
  const d = ds[0];
  if (!d) return;
  const cols = (f: (x: SectionDetail) => string): string => ds.map((x) => `<td>${f(x)}</td>`).join('');
  const rows: Array<[string, (x: SectionDetail) => string]> = [
    ['state', (x) => esc(x.state)],
    ['flags', (x) => `<span class="flags">${esc(x.flags)}</span>`],
    ['section_mem_map', (x) => `<code>${esc(x.word)}</code> (${esc(x.map)})`],
    ['usage', (x) => esc(x.usage)],
    ['nid', (x) => String(x.nid)],
    ['subsection_map', (x) => `<code>${x.subsectionMap.map(esc).join(' ')}</code>`],
    ['boot map', (x) => (x.bootMap ? `<code>${x.bootMap.map(esc).join(' ')}</code>` : 'none (not present at boot)')],
  ];
  let html = `<h3>section ${d.nr}${bit === null ? '' : ` · bit ${bit}`}</h3><p class="dim">${hex(d.start)}-${hex(d.end)}, after step ${d.step}${d.touched ? ', which touched it' : ''}</p>`;
  const head = ds.length > 1 ? `<tr><td></td>${ds.map((_, i) => `<td><strong>${esc(kernels[i] ?? '')}</strong></td>`).join('')}</tr>` : '';
  html += `<table>${head}${rows.map(([k, f]) => `<tr><td>${k}</td>${cols(f)}</tr>`).join('')}</table>`;
  for (const [i, x] of ds.entries()) {
    html += `<h4>memmap backing per sub-section${ds.length > 1 ? ` (${esc(kernels[i] ?? '')})` : ''}</h4>${memmapStrip(x.memmap)}`;
  }
  for (const [i, x] of ds.entries()) {
    html += `<h4>step ${x.step}${ds.length > 1 ? ` (${esc(kernels[i] ?? '')})` : ''}</h4><div class="path mono">${esc(x.path || '(no call path)')}</div>`;
    for (const w of x.warnings) html += `<div class="warn">WARNING ${esc(w)}</div>`;
    for (const h of x.hazards) html += `<div class="hazard">HAZARD ${esc(h)}</div>`;
    for (const m of x.mismatches) {
      html += `<div class="mismatch">MISMATCH line ${m.line} ${esc(m.field)}: model ${esc(m.model)}, kernel ${esc(m.kernel)}</div>`;
      if (m.raw) html += `<div class="mono">model: ${esc(m.raw.model)}<br>kernel: ${esc(m.raw.kernel)}</div>`;
    }
  }
  if (blame) {
    // Last writer first: the writes up to this step are the history; the later ones the future.
    const past = blame.filter((b) => b.seq <= d.step);
    const future = blame.filter((b) => b.seq > d.step);
    html += `<h4>blame${bit === null ? '' : ` (bit ${bit})`}${ds.length > 1 ? ` (${esc(kernels[0] ?? '')})` : ''} up to step ${d.step}: last writer first</h4>`;
    const shown = past.slice(0, BLAME_SHOWN);
    const li = (b: BlameRow, cls: string): string =>
      `<li data-seq="${b.seq}"${cls ? ` class="${cls}"` : ''}>step ${b.seq}${cls === 'later' ? ' <em>(future)</em>' : ''} <span class="dim">${esc(b.source)}</span> ${esc(b.field)}${b.bit === null ? '' : `[${b.bit}]`}: ${esc(b.before)} → ${esc(b.after)}<br><span class="dim">${esc(b.text)}</span></li>`;
    html += past.length
      ? `<ol class="blame">${shown.map((b) => li(b, b.seq === d.step ? 'current' : '')).join('')}</ol>${past.length > shown.length ? `<p class="dim">… and ${past.length - shown.length} earlier writes</p>` : ''}`
      : `<p class="dim">no step up to ${d.step} changed it</p>`;
    if (future.length) {
      // Earliest future write first: what happens next.
      const next = future.slice(-BLAME_SHOWN).reverse();
      html += `<details class="future"><summary>${future.length} later write${future.length === 1 ? '' : 's'} (after step ${d.step}: the future)</summary><ol class="blame-future">${next.map((b) => li(b, 'later')).join('')}</ol>${future.length > next.length ? `<p class="dim">… and ${future.length - next.length} more</p>` : ''}</details>`;
    }
  }
  el.innerHTML = html;
  for (const li of el.querySelectorAll<HTMLElement>('.blame li, .blame-future li')) li.addEventListener('click', () => onJump(Number(li.dataset.seq)));
}

/** One memmap character per sub-section, with what each means. */
function memmapStrip(memmap: string): string {
  let html = '<div class="memmap">';
  for (let i = 0; i < memmap.length; i++) {
    const c = memmap[i] ?? '.';
    html += `<span title="sub-section ${i}: ${esc(MEMMAP[c] ?? c)}">${esc(c)}</span>`;
  }
  const used = [...new Set(memmap)].map((c) => `${esc(c)} ${esc(MEMMAP[c] ?? '')}`).join(' · ');
  return `${html}</div><p class="dim">${used}</p>`;
}

/** Render an error (the section or step no longer answers). */
export function renderDetailError(message: string): void {
  byId('detail').innerHTML = `<p class="mismatch">${esc(message)}</p>`;
}
