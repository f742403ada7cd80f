/**
 * `memhp check RUN…` of several runs (or a corpus of run directories, cli/check_corpus.ts): every
 * run checked in this thread and, with --jobs N ≥ 2, N − 1 worker threads (cli/check_pool.ts), then one summary table (run,
 * kernel, steps, sections, fields compared, mismatches, verdict) and a total line, or with --json
 * one document. Each run's stderr lines follow in the order of the runs; an error in one run is
 * its row and does not stop the others. Exit status: the highest of the runs' (0 when all agree).
 */
import { setFlagsFromString } from 'node:v8';
import { EXIT_OK } from './errors.js';
import type { Io } from './io.js';
import type { CheckArgs } from './check_run.js';
import type { RunOutcome } from './check_outcome.js';
import { checkRuns, jobsArg } from './check_pool.js';
import { startProgress } from './progress.js';
import { widest } from '../present/widest.js';

/**
 * V8's interrupt budget while a corpus is checked (its default is 67,584 on Node 20): how much
 * bytecode a function runs between the checks that may send it to the optimizing compiler. Checking
 * a run is short (~5–50 ms) and touches much code once; with the default, TurboFan compiles (and
 * deoptimizes) a great deal that a run never repays, ~1 s of CPU per thread over the first corpus
 * pass of the fixture runs. Fifteen times the default lets only the truly hot functions be
 * optimized: a thread's start costs about half as much and a warm run less (measured: the 44
 * fixture runs three times over in one thread, 1.8–2.6 s of CPU → 1.2–1.3 s). It changes no
 * result. The single-run path (`memhp check RUN`) keeps V8's default.
 */
export const CHECK_INTERRUPT_BUDGET = 1_000_000;

/** The totals of a corpus. */
export interface CheckTotals {
  readonly runs: number;
  readonly agree: number;
  readonly mismatched: number;
  readonly errors: number;
  readonly steps: number;
  readonly fieldsCompared: number;
  readonly mismatches: number;
}

/** Check `runs` and print the summary; returns the exit status. `args.jobs`: the --jobs text. */
export async function runCheckMany(io: Io, runs: readonly string[], args: CheckArgs & { json?: boolean | undefined; jobs?: string | undefined }): Promise<number> {
  const jobs = jobsArg(args.jobs, runs.length);
  // Options that no run could be checked with: one error, not one row each (loaded only then: with workers this thread stays light).
  if (args.kernel !== undefined || args.paging !== undefined) (await import('./check_run.js')).checkOptions(args);
  // Before any check code is compiled, in this thread or a worker (V8's flags are the process's).
  if (process.env.MEMHP_CHECK_DEFAULT_TIERING === undefined) setFlagsFromString(`--interrupt-budget=${CHECK_INTERRUPT_BUDGET}`);
  const progress = startProgress(io, { label: `checking ${runs.length} runs`, total: runs.length, unit: 'runs' });
  let outcomes: RunOutcome[];
  try {
    outcomes = await checkRuns(runs, { kernel: args.kernel, iomem: args.iomem, paging: args.paging, verbose: args.verbose }, { jobs, color: io.color.isColorSupported, onDone: (n) => progress.update(n) });
  } finally {
    progress.stop();
  }
  // Each run's warnings and errors, in the order of the runs.
  for (const o of outcomes) if (o.stderr) io.err(o.stderr);
  const totals = totalsOf(outcomes);
  let status = EXIT_OK;
  for (const o of outcomes) status = Math.max(status, o.status);
  if (args.json) {
    const entries = outcomes.map((o) => (o.json ? { path: o.path, ...o.json } : { path: o.path, error: o.error }));
    io.out(`${JSON.stringify({ runs: entries, total: totals, status })}\n`);
  } else {
    io.out(summaryTable(io, outcomes, totals));
  }
  return status;
}

/** The totals of the outcomes. */
export function totalsOf(outcomes: readonly RunOutcome[]): CheckTotals {
  let agree = 0;
  let mismatched = 0;
  let errors = 0;
  let steps = 0;
  let fieldsCompared = 0;
  let mismatches = 0;
  for (const o of outcomes) {
    if (o.json === null) {
      errors++;
      continue;
    }
    if (o.json.mismatches.length) mismatched++;
    else agree++;
    steps += o.json.steps;
    fieldsCompared += o.json.fieldsCompared;
    mismatches += o.json.mismatches.length;
  }
  return { runs: outcomes.length, agree, mismatched, errors, steps, fieldsCompared, mismatches };
}

/** A run's verdict: `agree`, `N mismatches`, or `error[CODE]`. */
export function verdictOf(o: RunOutcome): string {
  if (o.json === null) return `error[${o.error?.code ?? 'E_IO'}]`;
  const n = o.json.mismatches.length;
  return n === 0 ? 'agree' : `${n} mismatch${n === 1 ? '' : 'es'}`;
}

// --- internal ---

/** The summary table and its total line. */
function summaryTable(io: Io, outcomes: readonly RunOutcome[], t: CheckTotals): string {
  const c = io.color;
  const heads = ['run', 'kernel', 'steps', 'sections', 'fields', 'mismatches', 'verdict'];
  const rows = outcomes.map((o) => {
    const j = o.json;
    return j === null ? [o.path, '-', '-', '-', '-', '-', verdictOf(o)] : [o.path, j.kernel, String(j.steps), String(j.sections), String(j.fieldsCompared), String(j.mismatches.length), verdictOf(o)];
  });
  const widths = heads.map((h, i) => widest(rows.map((r) => r[i] ?? ''), h.length));
  // Text columns to the left, counts to the right.
  const cell = (text: string, i: number): string => (i >= 2 && i <= 5 ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0));
  const lines = [c.bold(heads.map(cell).join('  ').trimEnd())];
  rows.forEach((r, k) => {
    const verdict = r[6] ?? '';
    const text = r.slice(0, 6).map(cell).join('  ');
    lines.push(`${text}  ${(outcomes[k]?.status ?? 0) === EXIT_OK ? verdict : c.red(verdict)}`);
  });
  const total = `${t.runs} runs: ${t.agree} agree, ${t.mismatched} with mismatches, ${t.errors} error${t.errors === 1 ? '' : 's'}; ${t.steps} steps, ${t.fieldsCompared} fields compared, ${t.mismatches} mismatches`;
  lines.push(t.mismatched || t.errors ? c.red(total) : total);
  return `${lines.join('\n')}\n`;
}
