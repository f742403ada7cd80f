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
import type { Hazard, KernelState, MemSection, Profile, Warning } from '../kernel/types.js';
import { flagNames } from '../query/diff.js';
import type { LogStep, SectionDiff, StateDiff } from '../log/types.js';
import type { Colors } from './colors.js';
import { append, widest } from './widest.js';
import { sectionRuns, sectionRunsText } from './section_runs.js';
import { stateColor } from './state_color.js';
import { operationLine } from '../inputs/trace/scenario_text.js';

/** "file:line" of a step. */
export function where(s: LogStep): string {
  return `${s.source.file}:${s.source.line}`;
}

/**
 * The tag every line about a step starts with: `[step N file:line]` (turn it into `--at N`), the
 * file by its last name only (`trace.txt:144`, not the trace directory's whole path on every line:
 * the command's header names the input once, and `--json` keeps the whole path).
 */
export function stepTag(s: Pick<LogStep, 'seq' | 'source'>): string {
  return `[step ${s.seq} ${baseName(s.source.file)}:${s.source.line}]`;
}

/** A `file:line` text with the file by its last name only. */
export function shortSource(fileLine: string): string {
  return baseName(fileLine);
}

/** The last name of a path (after the last `/` or `\\`). */
export function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/**
 * A step read from a kernel trace, split: the lab's label (`d1: hot-add: (qemu) device_add …`,
 * the step's text in brackets) and the traced call (`__add_pages nid=0 pfn=… = 0`); null for a
 * scenario step.
 */
export function traceStepParts(s: Pick<LogStep, 'text' | 'op'>): { label: string; call: string } | null {
  if (s.op === null || !s.text.startsWith('[')) return null;
  const end = s.text.lastIndexOf('] ');
  if (end < 0) return null;
  return { label: s.text.slice(1, end), call: s.text.slice(end + 2) };
}

/** What the `operation` column shows for a step: a scenario's line as written; for a traced step the operation memhp ran with its arguments, in scenario form. */
export function operationText(s: Pick<LogStep, 'text' | 'op'>): string {
  return s.op !== null && traceStepParts(s) ? operationLine(s.op) : s.text;
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

export { stateColor } from './state_color.js';

/** Widest operation text in the `run` table (longer ones end in …). */
const OP_MAX = 72;
/** Widest touched-sections text in the `run` table. */
const SECTIONS_MAX = 60;

/** Extra lines for `runRows`: notes per step number (query/online_removal.ts), shown after the step's row. */
export interface RunRowsOptions {
  readonly notes?: ReadonlyMap<number, readonly string[]>;
}

/**
 * The rows of `memhp run`: one per step, starting with its `[step N file:line]` tag, then its call
 * path, warnings, hazards and failed expectations, each on a line with the same tag. A traced step
 * shows the operation with its arguments; its lab label heads the steps it covers (`── label`).
 */
export function runRows(steps: readonly LogStep[], c: Colors, verbose: boolean, opts: RunRowsOptions = {}): string[] {
  const lines: string[] = [];
  const tags = steps.map(stepTag);
  const ops = steps.map(operationText);
  const tagW = widest(tags, 16);
  const opW = Math.min(OP_MAX, widest(ops, 9));
  lines.push(c.bold(`${'[step file:line]'.padEnd(tagW)}  ${'operation'.padEnd(opW)}  ${'ret'.padEnd(7)}  warn  sections`));
  let label: string | null = null;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as LogStep;
    const tag = tags[i] as string;
    const parts = traceStepParts(s);
    if (parts && parts.label !== label) lines.push(c.dim(`── ${parts.label}`));
    label = parts ? parts.label : label;
    const died = deathOf(s.outcome);
    const ret = s.op === null ? '' : s.outcome.value !== null ? String(s.outcome.value) : (died ?? formatRet(s.outcome.ret));
    const retC = (s.outcome.ret !== null && s.outcome.ret !== 0) || died ? c.red(ret.padEnd(7)) : ret.padEnd(7);
    const warns = s.outcome.warnings.length ? c.yellow(String(s.outcome.warnings.length).padEnd(4)) : '-   ';
    const text = ops[i] as string;
    const op = text.length > opW ? `${text.slice(0, opW - 1)}…` : text.padEnd(opW);
    lines.push(`${tag.padEnd(tagW)}  ${op}  ${retC}  ${warns}  ${touched(s, c)}`);
    // An errno decided on the way and swallowed (v5.2's __add_pages and -EEXIST) shows its path too.
    const swallowed = (s.outcome.ret ?? 0) === 0 && /: -E[A-Z0-9]+\b/.test(s.outcome.path ?? '');
    const interesting = verbose || swallowed || s.outcome.warnings.length > 0 || (s.outcome.ret ?? 0) !== 0 || s.outcome.hazards.length > 0 || died !== null;
    if (verbose && parts) lines.push(`${tag}   ${c.dim('traced:')} ${parts.call}`);
    if (interesting && s.outcome.path) lines.push(`${tag}   ${c.dim('path:')} ${s.outcome.path}`);
    for (const w of s.outcome.warnings) lines.push(`${tag}   ${c.yellow('WARNING')} ${warningLine(w)}`);
    for (const h of s.outcome.hazards) lines.push(`${tag}   ${c.red('HAZARD')} ${hazardLine(h)}`);
    for (const n of opts.notes?.get(s.seq) ?? []) lines.push(`${tag}   ${c.yellow('note:')} ${n}`);
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

/**
 * The `memhp state --all` view: every non-absent section, three lines each (or, with `only`, just
 * those sections, each with its raw section_mem_map word and boot map).
 */
export function stateLines(p: Profile, state: KernelState, c: Colors, only?: readonly number[], layout?: AddressLayout): string[] {
  const want = only === undefined ? null : new Set(only);
  const secs = listSections(state).filter((s) => (want === null ? isShown(s) : want.has(s.nr)));
  const lines: string[] = [];
  for (const ms of secs) {
    append(lines, sectionLines(p, ms, [ms.nr], c));
    if (want !== null) append(lines, sectionDetail(p, ms, layout));
  }
  if (want !== null) {
    const seen = new Set(secs.map((s) => s.nr));
    const never = (only ?? []).filter((nr) => !seen.has(nr));
    if (never.length) lines.push(`section ${ranges(never)}: never touched (all zero)`);
  } else if (!secs.length) lines.push('(no section is present)');
  return lines;
}

/**
 * The `memhp state` summary (crash's `kmem -n` grouped): consecutive sections alike in every field
 * (state, flags, usage, subsection_map, memmap, nid) as one entry `sections A-B (N)`, then a count
 * per state. `stateLines` lists them one by one.
 */
export function stateSummaryLines(p: Profile, state: KernelState, c: Colors): string[] {
  const secs = listSections(state).filter(isShown);
  const groups: Array<{ nrs: number[]; ms: MemSection; sig: string }> = [];
  for (const ms of secs) {
    const sig = JSON.stringify([ms.machine, ms.flags, ms.usage, ms.subsectionMap, ms.memmap, ms.nid, ms.map]);
    const last = groups[groups.length - 1];
    if (last && last.sig === sig && (last.nrs[last.nrs.length - 1] ?? -2) + 1 === ms.nr) last.nrs.push(ms.nr);
    else groups.push({ nrs: [ms.nr], ms, sig });
  }
  const lines: string[] = [];
  for (const g of groups) append(lines, sectionLines(p, g.ms, g.nrs, c));
  if (!secs.length) {
    lines.push('(no section is present)');
    return lines;
  }
  const byState = new Map<string, number>();
  for (const ms of secs) byState.set(ms.machine, (byState.get(ms.machine) ?? 0) + 1);
  const counts = [...byState].map(([st, n]) => `${n} ${st}`).join(', ');
  lines.push(`${secs.length} section(s) in ${groups.length} group(s): ${counts}`);
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
  return sectionRunsText(sectionRuns(s.outcome.sections.map((e) => ({ nr: e.nr, state: e.after }))), c, SECTIONS_MAX, true).shown;
}

/** Shown by `state`: a section that is not absent, or whose usage outlived it. */
function isShown(ms: MemSection): boolean {
  return !ms.machine.startsWith('absent') || ms.usage !== 'none';
}

/** The three lines of one section, or of the run `nrs` of sections alike (`sections 0-31 (32)`). */
function sectionLines(p: Profile, ms: MemSection, nrs: readonly number[], c: Colors): string[] {
  const g = p.geometry;
  const first = nrs[0] ?? ms.nr;
  const last = nrs[nrs.length - 1] ?? ms.nr;
  const start = sectionNrToPfn(g, first) * g.PAGE_SIZE;
  const end = sectionNrToPfn(g, last) * g.PAGE_SIZE + g.SECTION_BYTES - 1;
  const name = nrs.length > 1 ? `sections ${c.bold(`${first}-${last}`)} (${nrs.length})` : `section ${c.bold(String(first))}`;
  const longs = bitmapToLongs(ms.subsectionMap).join(' ');
  return [
    `${name}  0x${start.toString(16)}-0x${end.toString(16)}  ${stateColor(c, ms.machine)(ms.machine)}  flags ${flagNames(ms.flags)}  usage ${ms.usage}`,
    `  subsection_map ${longs}  ${bitmapStrip(ms.subsectionMap, g.SUBSECTIONS_PER_SECTION)}`,
    `  memmap         ${' '.repeat(longs.length)}  ${ms.memmap}`,
  ];
}

function sectionDetail(p: Profile, ms: MemSection, layout?: AddressLayout): string[] {
  return [
    `  section_mem_map ${fmtHex16(sectionWord(p.geometry, ms, layout))} (map ${ms.map}, nid ${ms.nid})`,
    `  boot map      ${ms.bootMap ? bitmapToLongs(ms.bootMap).join(' ') : 'none (not present at boot)'}`,
  ];
}
