/** Text rendering of `memhp compare`: the step × profile table, the divergences, the final diffs. */
import type { SectionDiff } from '../log/types.js';
import { cellRet, compactMemmap, hazardId, sectionLabel } from '../query/compare.js';
import type { CompareCell, CompareStep, Comparison, FinalDiff } from '../query/compare_types.js';
import type { Colors } from './colors.js';
import { hazardLine, sectionDiffSummary, shortSource, warningLine } from './render.js';
import { sectionRuns, sectionRunsText } from './section_runs.js';
import { append, widest } from './widest.js';

/** Widest operation and sections text shown in the table (longer ones end in …). */
const OP_MAX = 40;
const SECTIONS_MAX = 40;
/** Notes shown per profile in a step's differences. */
const NOTES_MAX = 2;
const GEOMETRY_NOTE = 'the profiles have different section sizes: sections are not compared (return codes, values, warnings and hazards are)';

/** Every line `memhp compare FILE` prints. */
export function compareLines(file: string, cmp: Comparison, c: Colors): string[] {
  const lines: string[] = [];
  lines.push(`${c.bold('memhp compare')} ${file} — ${cmp.kernels.length} profiles`);
  const kw = widest(cmp.kernels);
  cmp.kernels.forEach((k, i) => lines.push(`  ${k.padEnd(kw)}  ${cmp.profiles[i] ?? ''}`));
  lines.push('');
  if (!cmp.sectionsCompared) lines.push(c.yellow(`note: ${GEOMETRY_NOTE}`));
  if (cmp.notCompared) lines.push(c.yellow(`note: not compared: ${cmp.notCompared.fields.join(', ')} — ${cmp.notCompared.why}`));
  if (!cmp.sectionsCompared || cmp.notCompared) lines.push('');
  append(lines, tableLines(cmp, c));
  lines.push('');
  lines.push(divergenceLine(cmp, c));
  for (const t of cmp.totals) {
    const held = `${t.expectsHeld}/${t.expects} expectations held`;
    lines.push(`  ${t.kernel.padEnd(kw)}  ${t.warnings} warning(s), ${t.hazards} hazard(s), ${t.expectsHeld === t.expects ? held : c.red(held)}`);
  }
  lines.push('');
  lines.push(c.bold(`final state against ${cmp.kernels[0] ?? ''} (sections only)`));
  if (!cmp.sectionsCompared) lines.push(`  ${GEOMETRY_NOTE}`);
  for (const d of cmp.finalDiffs) append(lines, finalDiffLines(d, c));
  const differing = cmp.steps.filter((s) => s.differs);
  lines.push('');
  lines.push(c.bold('differences by step'));
  if (!differing.length) lines.push('  (none)');
  for (const s of differing) append(lines, stepDifferenceLines(cmp, s, c));
  return lines;
}

/** The summary line: where the profiles first differ, and the first reason. */
export function divergenceLine(cmp: Comparison, c: Colors): string {
  const d = cmp.firstDivergence;
  if (!d) return `no divergence: ${cmp.kernels.join(', ')} agree on every step${cmp.sectionsCompared ? '' : ' (sections not compared)'}`;
  const [first, ...rest] = d.reasons;
  const more = rest.length ? ` (+${rest.length} more, see below)` : '';
  return `${tagOf(d)} ${c.bold(c.yellow('first divergence'))}: ${first?.text ?? ''}${more}`;
}

// --- internal ---

interface Piece {
  readonly plain: string;
  readonly shown: string;
}

const piece = (plain: string, colour?: (t: string) => string): Piece => ({ plain, shown: colour ? colour(plain) : plain });

function padPiece(p: Piece, width: number): string {
  return p.shown + ' '.repeat(Math.max(0, width - p.plain.length));
}

/** `[step N file:line]` of a compared step. */
function tagOf(s: { readonly seq: number; readonly source: string }): string {
  return `[step ${s.seq} ${shortSource(s.source)}]`;
}

function tableLines(cmp: Comparison, c: Colors): string[] {
  const steps = cmp.steps;
  const tagW = widest(steps.map(tagOf), '[step file:line]'.length);
  const opW = Math.min(OP_MAX, widest(steps.map((s) => s.text), 9));
  // Per profile: the pieces of each cell, then the width of each sub-column.
  const cols = cmp.kernels.map((_, k) => steps.map((s) => cellPieces(s.cells[k] as CompareCell, s.seq === 0, c)));
  const widths = cols.map((rows) => [0, 1, 2, 3].map((i) => widest(rows.map((r) => (r[i] as Piece).plain))));
  const colW = widths.map((w) => w.reduce((a, b) => a + b, 0) + 6);
  const head = `${'[step file:line]'.padEnd(tagW)}    ${'operation'.padEnd(opW)}`;
  const lines = [c.bold(`${head}${cmp.kernels.map((k, i) => ` │ ${k.padEnd(colW[i] ?? 0)}`).join('')}`.trimEnd())];
  const firstSeq = cmp.firstDivergence?.seq;
  steps.forEach((s, row) => {
    const mark = s.differs ? c.yellow('≠') : ' ';
    const op = s.text.length > opW ? `${s.text.slice(0, opW - 1)}…` : s.text.padEnd(opW);
    const cells = cols.map((rows, k) => {
      const r = rows[row] as Piece[];
      const w = widths[k] as number[];
      return r.map((p, i) => padPiece(p, w[i] ?? 0)).join('  ');
    });
    const tail = s.seq === firstSeq ? `  ${c.bold(c.yellow('◀ first divergence'))}` : '';
    lines.push(`${tagOf(s).padEnd(tagW)}  ${mark} ${op}${cells.map((t) => ` │ ${t}`).join('')}${tail}`.trimEnd());
  });
  return lines;
}

/** ret, warn marker, hazard ids, touched sections. */
function cellPieces(cell: CompareCell, isBoot: boolean, c: Colors): Piece[] {
  const ret = cellRet(cell, isBoot);
  const bad = cell.ret !== null && cell.ret !== 0;
  const warn = cell.warnings.length ? piece(`${cell.warnings.length} WARN`, c.yellow) : piece('-');
  const ids = [...new Set(cell.hazards.map(hazardId))].sort().join(',');
  const hazards = ids ? piece(ids, c.red) : piece('-');
  return [piece(ret, bad ? c.red : undefined), warn, hazards, sectionsPiece(cell, c)];
}

/** Touched sections, consecutive ones in the same state merged: `64-95 full-hotplug, 96 early.grown`. */
function sectionsPiece(cell: CompareCell, c: Colors): Piece {
  const touched = cell.sections.filter((s) => s.touched);
  if (!touched.length) return piece('-');
  return sectionRunsText(sectionRuns(touched), c, SECTIONS_MAX);
}

function finalDiffLines(d: FinalDiff, c: Colors): string[] {
  const lines = [`  ${c.bold(d.kernel)}:`];
  if (!d.sections.length) {
    lines.push('    (no difference)');
    return lines;
  }
  for (const g of groupSectionDiffs(d.sections)) {
    const s = g.diff;
    lines.push(`    ${sectionLabel(g.nrs)}: ${sectionDiffSummary(s, c) || 'fields differ'}`);
    for (const [f, a, b] of s.fields) lines.push(`      ${f}: ${f === 'memmap' ? compactMemmap(a) : a} → ${f === 'memmap' ? compactMemmap(b) : b}`);
  }
  return lines;
}

/** Consecutive sections whose diffs are alike, merged. */
function groupSectionDiffs(diffs: readonly SectionDiff[]): Array<{ nrs: number[]; diff: SectionDiff }> {
  const out: Array<{ nrs: number[]; diff: SectionDiff; sig: string }> = [];
  for (const d of diffs) {
    const sig = JSON.stringify({ ...d, nr: 0 });
    const last = out[out.length - 1];
    if (last && last.sig === sig && (last.nrs[last.nrs.length - 1] ?? -2) + 1 === d.nr) last.nrs.push(d.nr);
    else out.push({ nrs: [d.nr], diff: d, sig });
  }
  return out;
}

function stepDifferenceLines(cmp: Comparison, s: CompareStep, c: Colors): string[] {
  const tag = tagOf(s);
  const lines = [`${c.bold(tag)} ${s.text}`];
  for (const r of s.reasons) lines.push(`${tag}   ${r.text}`);
  const kw = widest(cmp.kernels);
  if (new Set(s.cells.map((cell) => cell.path)).size > 1) {
    for (const cell of s.cells) lines.push(`${tag}   ${cell.kernel.padEnd(kw)}  ${c.dim('path:')} ${cell.path}`);
  }
  if (new Set(s.cells.map((cell) => JSON.stringify(cell.notes))).size > 1) {
    for (const cell of s.cells) {
      for (const n of cell.notes.slice(0, NOTES_MAX)) lines.push(`${tag}   ${cell.kernel.padEnd(kw)}  ${c.dim('note:')} ${n}`);
      if (cell.notes.length > NOTES_MAX) lines.push(`${tag}   ${cell.kernel.padEnd(kw)}  ${c.dim(`(+${cell.notes.length - NOTES_MAX} more notes: memhp run --kernel ${cell.kernel} -v)`)}`);
    }
  }
  if (s.reasons.some((r) => r.kind === 'warnings')) {
    for (const cell of s.cells) {
      if (!cell.warnings.length) lines.push(`${tag}   ${cell.kernel.padEnd(kw)}  ${c.dim('(no warning)')}`);
      for (const w of cell.warnings) lines.push(`${tag}   ${cell.kernel.padEnd(kw)}  ${c.yellow('WARNING')} ${warningLine(w)}`);
    }
  }
  if (s.reasons.some((r) => r.kind === 'hazards')) {
    for (const cell of s.cells) {
      if (!cell.hazards.length) lines.push(`${tag}   ${cell.kernel.padEnd(kw)}  ${c.dim('(no hazard)')}`);
      for (const h of cell.hazards) lines.push(`${tag}   ${cell.kernel.padEnd(kw)}  ${c.red('HAZARD')} ${hazardLine(h)}`);
    }
  }
  return lines;
}
