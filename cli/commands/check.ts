/**
 * `memhp check TRACE`: replay a real kernel trace (a trace.txt, a console.log, or a directory
 * holding trace.txt) through the model and list every place where the model and the kernel differ.
 * One run: cli/commands/check_one.ts; several runs or a corpus of run directories: one summary
 * table (cli/check_many.ts). Each is loaded only when used.
 */
import { defineCommand } from 'citty';
import { inputArgs, traceArgs } from '../args.js';
import type { Io } from '../io.js';
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
    jobs: { type: 'string', description: 'with several runs: check them on N threads, this one and N − 1 workers (default: the cores, at most one per run; 1: no worker)', valueHint: 'N' },
  },
});

/** Execute `memhp check`; returns the exit code (0 no mismatch, 1 mismatches, 2 unreadable input or nothing compared). Several runs, or a corpus: cli/check_many.ts. */
export function runCheck(io: Io, args: { trace: string; _?: string[]; kernel?: string; iomem?: string; paging?: string; json?: boolean; verbose?: boolean; jobs?: string }): number | Promise<number> {
  const given = args._ && args._.length ? args._ : [args.trace];
  const { runs, corpus } = runsOf(given);
  if (runs.length > 1 || corpus) return import('../check_many.js').then((m) => m.runCheckMany(io, runs, args));
  jobsArg(args.jobs, 1);
  return import('./check_one.js').then((m) => m.checkOne(io, runs[0] ?? args.trace, args));
}
