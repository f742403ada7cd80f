/**
 * `memhp check TRACE` of one run (cli/commands/check.ts dispatches here; verify checks its run
 * directory with it): the notes, every mismatch at its trace line and the summary line, or the
 * run's --json document (cli/check_run.ts checkJson).
 */
import { basename } from 'node:path';
import { describeProfile } from '../../kernel/profile.js';
import { errorTag } from '../errors.js';
import type { Io } from '../io.js';
import { printable } from '../../present/printable.js';
import { checkJson, checkRun, checkStatus, type CheckArgs } from '../check_run.js';

/** `memhp check TRACE` of one run: its mismatches and summary line, or its --json document. */
export function checkOne(io: Io, trace: string, args: { verbose?: boolean; json?: boolean } & CheckArgs): number {
  const run = checkRun(io, trace, args);
  const { file, readFrom, bootNotes, lostEvents, unknownLines, unknown, malformed, notes } = run.loaded;
  const res = run.result;
  const where = (line: number): string => `${basename(file)}:${line}`;
  if (args.json) {
    io.out(`${JSON.stringify(checkJson(run, args.verbose === true))}\n`);
  } else {
    const c = io.color;
    io.out(`${c.bold('memhp check')} ${file} — ${describeProfile(run.profile)}\n`);
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
  return checkStatus(res.mismatches.length);
}

/** How many lines of no known kind --verbose lists (then the count of the rest). */
const MAX_LISTED_UNKNOWN = 50;
