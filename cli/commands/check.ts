/**
 * `memhp check TRACE`: replay a real kernel trace (a trace.txt, a console.log, or a directory
 * holding trace.txt) through the model and list every place where the model and the kernel differ.
 */
import { basename } from 'node:path';
import { defineCommand } from 'citty';
import { describeProfile, resolveProfile } from '../../kernel/profile.js';
import { checkTrace } from '../../query/check.js';
import { inputArgs, traceArgs } from '../args.js';
import { exitStatus } from '../../kernel/errors.js';
import { EXIT_OK, UserError, errorTag } from '../errors.js';
import type { Io } from '../io.js';
import { loadTrace } from '../load_trace.js';
import { parsePagingArg } from '../load.js';
import type { TraceScenario } from '../../inputs/trace/to_scenario_types.js';
import { printable } from '../../present/printable.js';
import { checkTraceBounds } from '../load.js';

/** The `check` command's definition (meta and arguments). */
export const checkCommandDef = defineCommand({
  meta: { name: 'check', description: 'Replay a real kernel trace through the model and list the differences' },
  args: {
    ...traceArgs,
    paging: inputArgs.paging,
    kernel: { ...inputArgs.kernel, description: 'kernel version whose rules to apply (default: the trace\'s banner, run.json, or the release directory name)' },
    json: inputArgs.json,
    verbose: { type: 'boolean', alias: 'v', description: 'also list the lines of no known kind and every remark about the trace' },
  },
});

/** Execute `memhp check`; returns the exit code (0 no mismatch, 1 mismatches, 2 unreadable input or nothing compared). */
export function runCheck(io: Io, args: { trace: string; kernel?: string; iomem?: string; paging?: string; json?: boolean; verbose?: boolean }): number {
  const { file, trace, kernel, paging, warns, lostEvents, lost, probes, unknownLines, unknown, notes, bootNotes, malformed, readFrom } = loadTrace(io, args.trace, args.kernel, args.iomem);
  const r = resolveProfile({ kernel, paging: parsePagingArg(args.paging) ?? paging });
  if (!r.ok) throw new UserError(r.code, r.message, [], 'see memhp profiles for the releases memhp models');
  checkTraceBounds(file, trace.scenario, r.profile);

  const res = checkTrace(trace, r.profile, warns);
  if (res.fieldsCompared === 0) {
    // A whole-trace condition: said at the trace's line 1.
    const message = `${nothingCompared(trace, warns.length, probes)}: nothing to compare`;
    throw UserError.atLines(`${file}: ${message}`, [{ code: 'E_PARSE', message, file, line: 1, hint: 'check needs secstate snapshots, return probes, WARN splats or an oops in the trace' }]);
  }
  const where = (line: number): string => `${basename(file)}:${line}`;
  if (args.json) {
    io.out(
      `${JSON.stringify({
        file,
        kernel,
        steps: res.log.length - 1,
        snapshots: res.snapshots,
        sections: res.sections,
        fieldsCompared: res.fieldsCompared,
        lostEvents,
        ...(lost === null ? {} : { lost: { lines: lost.lines, events: lost.events, line: lost.first.line } }),
        ...(readFrom === null ? {} : { readFrom }),
        unknownLines,
        malformedLines: malformed,
        boot: trace.bootFrom,
        bootNotes,
        ...(args.verbose ? { unknown: unknown.map((u) => ({ line: u.source.line, text: u.text })), notes } : {}),
        mismatches: res.mismatches.map((m) => ({ code: 'E_MISMATCH', step: m.step, file: m.source.file, line: m.source.line, section: m.section, field: m.field, model: m.model, kernel: m.kernel })),
      })}\n`,
    );
  } else {
    const c = io.color;
    io.out(`${c.bold('memhp check')} ${file} — ${describeProfile(r.profile)}\n`);
    if (readFrom !== null) io.out(`${c.yellow('note')}: ${readFrom}\n`);
    for (const n of bootNotes) io.out(`${c.yellow('note')}: ${where(n.line)}: ${n.message}\n`);
    if (lostEvents) io.out(`${c.yellow('note')}: the trace lost events ([LOST N EVENTS]): calls may be missing from the steps\n`);
    if (unknownLines) io.out(`${c.yellow('note')}: ${unknownLines} line(s) of no known kind were skipped${args.verbose ? ':' : ' (--verbose lists them)'}\n`);
    if (args.verbose) {
      for (const u of unknown.slice(0, MAX_LISTED_UNKNOWN)) io.out(`  ${where(u.source.line)}: ${printable(u.text)}\n`);
      if (unknown.length > MAX_LISTED_UNKNOWN) io.out(`  … and ${unknown.length - MAX_LISTED_UNKNOWN} more\n`);
    }
    if (malformed) io.out(`${c.yellow('note')}: ${malformed} malformed line(s) were skipped (listed on stderr)\n`);
    if (args.verbose) for (const n of notes) io.out(`${c.yellow('note')}: ${where(n.line)}: ${n.message}\n`);
    for (const m of res.mismatches) {
      const what = m.section === null ? m.field : `section ${m.section} ${m.field}`;
      io.out(`[step ${m.step} ${where(m.source.line)}] ${errorTag(io, 'E_MISMATCH')}: ${what}: model ${m.model}, kernel ${m.kernel}\n`);
    }
    const summary = `${res.log.length - 1} steps, ${res.snapshots} snapshots, ${res.sections} sections, ${res.fieldsCompared} fields compared, ${res.mismatches.length} mismatches`;
    io.out(`${res.mismatches.length ? c.red(summary) : summary}\n`);
  }
  return res.mismatches.length ? exitStatus('E_MISMATCH') : EXIT_OK;
}


/** How many lines of no known kind --verbose lists (then the count of the rest). */
const MAX_LISTED_UNKNOWN = 50;

/** The functions a step is made from (inputs/trace/to_scenario.ts mapCall). */
const STEP_FUNCTIONS = ['__add_pages', '__remove_pages', 'move_pfn_range_to_zone', 'remove_pfn_range_from_zone', 'online_pages', 'offline_pages'];

/** What a trace that gave nothing to compare holds instead, e.g. `3 steps, no section snapshots, no recorded returns`. */
function nothingCompared(trace: TraceScenario, warns: number, probes: readonly string[]): string {
  const steps = trace.scenario.steps.length;
  let stepText = `${steps} step${steps === 1 ? '' : 's'}`;
  // Probes that recorded calls, none of them a step function: say which were probed and which are missing.
  if (steps === 0 && probes.length > 0) stepText += ` (probes of ${listed(probes)}, none of the step functions ${STEP_FUNCTIONS.join(', ')})`;
  const parts = [stepText];
  if (trace.snapshots.length === 0) parts.push(probes.length > 0 ? 'no section snapshots (no secstateN snapshot probe lines)' : 'no section snapshots');
  if (!trace.rets.some((r) => r.ret !== null)) parts.push('no recorded returns');
  if (trace.subcalls.every((c) => c.length === 0)) parts.push('no nested calls');
  if (warns === 0) parts.push('no WARN');
  if (trace.crashes.length === 0) parts.push('no oops');
  return parts.join(', ');
}

/** At most 8 names, then how many more. */
function listed(names: readonly string[]): string {
  return names.length <= 8 ? names.join(', ') : `${names.slice(0, 8).join(', ')} and ${names.length - 8} more`;
}
