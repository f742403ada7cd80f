/** Text rendering of steps, states and diffs for the terminal. */
import { bitRanges, bitmapStrip, bitmapToLongs } from '../kernel/bitmap.js';
import { formatRet } from '../kernel/errno.js';
import { ranges } from '../kernel/format.js';
import { deathOf } from '../model/oops.js';
import { fmtHex16 } from '../kernel/format.js';
import { sectionNrToPfn } from '../kernel/pfn.js';
import { listSections } from '../model/model.js';
import { sectionWord } from '../kernel/section_word.js';
import type { AddressLayout } from '../kernel/section_word.js';
import type { Hazard, KernelState, MemSection, Profile, SectionStateValue, Warning } from '../kernel/types.js';
import { flagNames } from '../query/diff.js';
import type { LogStep, SectionDiff, StateDiff } from '../log/types.js';
import type { Colors } from './colors.js';
import { append, widest } from './widest.js';

/** "file:line" of a step. */
export function where(s: LogStep): string {
  return `${s.source.file}:${s.source.line}`;
}

/** The tag every line about a step starts with: `[step N file:line]` (turn it into `--at N`). */
export function stepTag(s: Pick<LogStep, 'seq' | 'source'>): string {
  return `[step ${s.seq} ${s.source.file}:${s.source.line}]`;
}

/** One warning as the kernel log would show it. */
export function warningLine(w: Warning): string {
  if (w.text) return `${w.kind} ${w.func} (${w.file}): ${w.text}`;
  return `${w.kind} without text in ${w.func} (${w.file})`;
}

/** One hazard line. */
export function hazardLine(h: Hazard): string {
  return `${h.kind.toUpperCase()}${h.bug ? ` ${h.bug}` : ''}: ${h.text}${h.fixedBy ? ` [fixed by ${h.fixedBy}]` : ''}`;
}

/** Colour for a machine state. */
export function stateColor(c: Colors, s: SectionStateValue): (t: string) => string {
  if (s.startsWith('early')) return c.cyan;
  if (s === 'partial') return c.yellow;
  if (s === 'full-hotplug') return c.green;
  return c.dim;
}

/**
 * The rows of `memhp run`: one per step, starting with its `[step N file:line]` tag, then its call
 * path, warnings, hazards and failed expectations, each on a line with the same tag.
 */
export function runRows(steps: readonly LogStep[], c: Colors, verbose: boolean): string[] {
  const lines: string[] = [];
  const tags = steps.map(stepTag);
  const tagW = widest(tags, 14);
  const opW = Math.min(48, widest(steps.map((s) => s.text), 9));
  lines.push(c.bold(`${'[step file:line]'.padEnd(tagW)}  ${'operation'.padEnd(opW)}  ${'ret'.padEnd(7)}  warn  sections`));
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as LogStep;
    const tag = tags[i] as string;
    const died = deathOf(s.outcome);
    const ret = s.op === null ? '' : s.outcome.value !== null ? String(s.outcome.value) : (died ?? formatRet(s.outcome.ret));
    const retC = (s.outcome.ret !== null && s.outcome.ret !== 0) || died ? c.red(ret.padEnd(7)) : ret.padEnd(7);
    const warns = s.outcome.warnings.length ? c.yellow(String(s.outcome.warnings.length).padEnd(4)) : '-   ';
    const op = s.text.length > opW ? `${s.text.slice(0, opW - 1)}…` : s.text.padEnd(opW);
    lines.push(`${tag.padEnd(tagW)}  ${op}  ${retC}  ${warns}  ${touched(s, c)}`);
    const interesting = verbose || s.outcome.warnings.length > 0 || (s.outcome.ret ?? 0) !== 0 || s.outcome.hazards.length > 0 || died !== null;
    if (interesting && s.outcome.path) lines.push(`${tag}   ${c.dim('path:')} ${s.outcome.path}`);
    for (const w of s.outcome.warnings) lines.push(`${tag}   ${c.yellow('WARNING')} ${warningLine(w)}`);
    for (const h of s.outcome.hazards) lines.push(`${tag}   ${c.red('HAZARD')} ${hazardLine(h)}`);
    if (verbose) {
      for (const r of s.outcome.resources) lines.push(`${tag}   ${c.dim('resource:')} ${r.kind} section ${r.section} pfn 0x${r.pfn.toString(16)} +${r.nrPages}: ${r.how}`);
      for (const n of s.outcome.notes) lines.push(`${tag}   ${c.dim('note:')} ${n}`);
    }
    for (const e of s.expects) {
      if (!e.ok) lines.push(`${tag}   ${e.source.file}:${e.source.line}: ${c.red('error[E_EXPECT]')}: ${e.text}: ${e.detail}`);
    }
  }
  return lines;
}

/** The `memhp state` view of every non-absent section (or just `only`). */
export function stateLines(p: Profile, state: KernelState, c: Colors, only?: number, layout?: AddressLayout): string[] {
  const g = p.geometry;
  const secs = listSections(state).filter((s) => (only === undefined ? !s.machine.startsWith('absent') || s.usage !== 'none' : s.nr === only));
  const lines: string[] = [];
  for (const ms of secs) {
    const start = sectionNrToPfn(g, ms.nr) * g.PAGE_SIZE;
    const end = start + g.SECTION_BYTES - 1;
    lines.push(
      `section ${c.bold(String(ms.nr))}  0x${start.toString(16)}-0x${end.toString(16)}  ${stateColor(c, ms.machine)(ms.machine)}  flags ${flagNames(ms.flags)}  usage ${ms.usage}`,
    );
    lines.push(`  subsection_map ${bitmapToLongs(ms.subsectionMap).join(' ')}  ${bitmapStrip(ms.subsectionMap, g.SUBSECTIONS_PER_SECTION)}`);
    lines.push(`  memmap         ${' '.repeat(bitmapToLongs(ms.subsectionMap).join(' ').length)}  ${ms.memmap}`);
    if (only !== undefined) append(lines, sectionDetail(p, ms, layout));
  }
  if (!secs.length) lines.push(only === undefined ? '(no section is present)' : `section ${only}: never touched (all zero)`);
  return lines;
}

/** The lines of a state diff; with the two steps given, its first line names them by their tags. */
export function diffLines(d: StateDiff, c: Colors, steps?: readonly [LogStep, LogStep]): string[] {
  const lines = [c.bold(steps ? `diff ${stepTag(steps[0])} → ${stepTag(steps[1])}` : `diff step ${d.from} → step ${d.to}`)];
  if (!d.sections.length && !d.globals.length) lines.push('(no difference)');
  for (const s of d.sections) {
    lines.push(`section ${s.nr}: ${sectionDiffSummary(s, c) || 'fields changed'}`);
    for (const [f, a, b] of s.fields) lines.push(`  ${f}: ${a} → ${b}`);
  }
  for (const [f, a, b] of d.globals) lines.push(`${f}: ${a} → ${b}`);
  return lines;
}

/** One section diff in a line: state change, flags and bits set and cleared ('' when only fields differ). */
export function sectionDiffSummary(s: SectionDiff, c: Colors): string {
  const parts: string[] = [];
  if (s.state[0] !== s.state[1]) parts.push(`${s.state[0]} → ${s.state[1]}`);
  if (s.flagsSet.length) parts.push(`flags +${s.flagsSet.join('|')}`);
  if (s.flagsCleared.length) parts.push(`flags -${s.flagsCleared.join('|')}`);
  if (s.bitsSet.length) parts.push(c.green(`bits +${ranges(s.bitsSet)}`));
  if (s.bitsCleared.length) parts.push(c.red(`bits -${ranges(s.bitsCleared)}`));
  return parts.join('; ');
}

// --- internal ---

function touched(s: LogStep, c: Colors): string {
  const list = s.outcome.sections;
  const shown = list.slice(0, 4).map((e) => `${e.nr} ${stateColor(c, e.after)(e.after)}`);
  if (list.length > 4) shown.push(`+${list.length - 4} more`);
  return shown.join(', ') || '-';
}

function sectionDetail(p: Profile, ms: MemSection, layout?: AddressLayout): string[] {
  return [
    `  section_mem_map ${fmtHex16(sectionWord(p.geometry, ms, layout))} (map ${ms.map}, nid ${ms.nid})`,
    `  boot map      ${ms.bootMap ? bitmapToLongs(ms.bootMap).join(' ') : 'none (not present at boot)'}`,
  ];
}
