/** The section detail panel: flags, usage, memmap backing per sub-section, the step's call path and WARNs, the blame list. */
import type { BlameRow, SectionDetail } from '../api.js';
import { byId, esc, hex } from './dom.js';

/** What each memmap character means (machines/types.ts MemmapCell). */
const MEMMAP: Readonly<Record<string, string>> = {
  '.': 'not mapped',
  B: 'boot memmap, PMD-mapped',
  b: 'boot memmap, 4K-mapped',
  v: 'hot-added, 4K-mapped',
  V: 'hot-added, PMD-mapped',
  A: 'hot-added, PMD from the altmap',
  F: 'freed part of a PMD, 0xFD-filled',
  M: 'memmap array from memblock',
  K: 'memmap array allocated at hot-add',
};

/** Render the panel for `d` with its blame list; `bit` the cell clicked (its bit's blame), else null. */
export function renderDetail(d: SectionDetail, blame: readonly BlameRow[] | null, bit: number | null, onJump: (seq: number) => void): void {
  const el = byId('detail');
  const rows: Array<[string, string]> = [
    ['range', `${hex(d.start)}-${hex(d.end)}`],
    ['state', esc(d.state)],
    ['flags', `<span class="flags">${esc(d.flags)}</span>`],
    ['section_mem_map', `<code>${esc(d.word)}</code> (${esc(d.map)})`],
    ['usage', esc(d.usage)],
    ['nid', String(d.nid)],
    ['subsection_map', `<code>${d.subsectionMap.map(esc).join(' ')}</code>`],
    ['boot map', d.bootMap ? `<code>${d.bootMap.map(esc).join(' ')}</code>` : 'none (not present at boot)'],
  ];
  let html = `<h3>section ${d.nr}${bit === null ? '' : ` · bit ${bit}`}</h3><p class="dim">after step ${d.step}${d.touched ? ', which touched it' : ''}</p>`;
  html += `<table>${rows.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join('')}</table>`;
  html += '<h4>memmap backing per sub-section</h4><div class="memmap">';
  for (let i = 0; i < d.memmap.length; i++) {
    const c = d.memmap[i] ?? '.';
    html += `<span title="sub-section ${i}: ${esc(MEMMAP[c] ?? c)}">${esc(c)}</span>`;
  }
  html += '</div>';
  const used = [...new Set(d.memmap)].map((c) => `${esc(c)} ${esc(MEMMAP[c] ?? '')}`).join(' · ');
  html += `<p class="dim">${used}</p>`;
  html += `<h4>step ${d.step}</h4><div class="path mono">${esc(d.path || '(no call path)')}</div>`;
  for (const w of d.warnings) html += `<div class="warn">WARNING ${esc(w)}</div>`;
  for (const h of d.hazards) html += `<div class="hazard">HAZARD ${esc(h)}</div>`;
  for (const m of d.mismatches) html += `<div class="mismatch">MISMATCH line ${m.line} ${esc(m.field)}: model ${esc(m.model)}, kernel ${esc(m.kernel)}</div>`;
  if (blame) {
    html += `<h4>blame${bit === null ? '' : ` (bit ${bit})`}: last writer first</h4>`;
    html += blame.length
      ? `<ol class="blame">${blame.map((b) => `<li data-seq="${b.seq}">step ${b.seq} <span class="dim">${esc(b.source)}</span> ${esc(b.field)}${b.bit === null ? '' : `[${b.bit}]`}: ${esc(b.before)} → ${esc(b.after)}<br><span class="dim">${esc(b.text)}</span></li>`).join('')}</ol>`
      : '<p class="dim">no step changed it</p>';
  }
  el.innerHTML = html;
  for (const li of el.querySelectorAll<HTMLElement>('.blame li')) li.addEventListener('click', () => onJump(Number(li.dataset.seq)));
}

/** Render an error (the section or step no longer answers). */
export function renderDetailError(message: string): void {
  byId('detail').innerHTML = `<p class="mismatch">${esc(message)}</p>`;
}
