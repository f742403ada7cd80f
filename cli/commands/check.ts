/**
 * `memhp check TRACE`: replay a real kernel trace (a trace.txt, a console.log, or a directory
 * holding trace.txt) through the model and list every place where the model and the kernel differ.
 * `memhp check RUN…` of several runs or a corpus of run directories: one summary table (cli/check_many.ts).
 */
import { basename } from 'node:path';
import { defineCommand } from 'citty';
import { describeProfile } from '../../kernel/profile.js';
import { inputArgs, traceArgs } from '../args.js';
import { exitStatus } from '../../kernel/errors.js';
import { EXIT_OK, errorTag } from '../errors.js';
import type { Io } from '../io.js';
import { printable } from '../../present/printable.js';
import { checkJson, checkRun, type CheckArgs } from '../check_run.js';
import { MAX_CORPUS_DEPTH, runsOf } from '../check_corpus.js';
import { jobsArg } from '../check_pool.js';

/** The `check` command's definition (meta and arguments). */
export const checkCommandDef = defineCommand({
  meta: { name: 'check', description: 'Replay a real kernel trace through the model and list the differences' },
  args: {
    trace: { ...traceArgs.trace, description: `run directory (holding trace.txt), trace.txt or console.log; several, or a directory of run directories (searched ${MAX_CORPUS_DEPTH} levels down), give one summary table` },
    iomem: traceArgs.iomem,
    paging: inputArgs.paging,
    kernel: { ...inputArgs.kernel, description: 'kernel version whose rules to apply (default: the trace\'s banner, run.json, or the release directory name)' },
    json: inputArgs.json,
    verbose: { type: 'boolean', alias: 'v', description: 'also list the lines of no known kind and every remark about the trace' },
    jobs: { type: 'string', description: 'with several runs: check them on N worker threads (default: the cores, at most one per run; 1: in this thread)', valueHint: 'N' },
  },
});

/** Execute `memhp check`; returns the exit code (0 no mismatch, 1 mismatches, 2 unreadable input or nothing compared). Several runs, or a corpus: cli/check_many.ts. */
export function runCheck(io: Io, args: { trace: string; _?: string[]; kernel?: string; iomem?: string; paging?: string; json?: boolean; verbose?: boolean; jobs?: string }): number | Promise<number> {
  const given = args._ && args._.length ? args._ : [args.trace];
  const { runs, corpus } = runsOf(given);
  if (runs.length > 1 || corpus) return import('../check_many.js').then((m) => m.runCheckMany(io, runs, args));
  jobsArg(args.jobs, 1);
  return checkOne(io, runs[0] ?? args.trace, args);
}

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
  return res.mismatches.length ? exitStatus('E_MISMATCH') : EXIT_OK;
}

/** How many lines of no known kind --verbose lists (then the count of the rest). */
const MAX_LISTED_UNKNOWN = 50;
