/**
 * The bench's report file: what `npm run bench` printed (its header lines, the table of ratios
 * against baselines measured in the same run, the targets' verdicts), with the date, the machine
 * and the command, as a Markdown page (docs/benchmarks.md unless `--report FILE`).
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/** What one bench run measured, in the words it printed. */
export interface BenchReport {
  /** The lines printed before the table (profile, node, workload). */
  readonly notes: readonly string[];
  /** The table as printed. */
  readonly table: string;
  /** One line per target: PASS or FAIL with its value. */
  readonly verdicts: readonly string[];
  /** The bench's own arguments (after `npm run bench --`); --report and its file are left out. */
  readonly args: readonly string[];
  /** Wall-clock seconds the whole run took. */
  readonly seconds: number;
}

/** The report file of a run from the repository's dist/bench/: its docs/benchmarks.md. */
export const DEFAULT_REPORT = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));

/** Write the report as Markdown to `path`. */
export function writeReport(path: string, r: BenchReport): void {
  writeFileSync(path, reportText(r, new Date()));
}

/** The report's Markdown text, dated `now`. */
export function reportText(r: BenchReport, now: Date): string {
  const args = r.args.filter((a, i) => !a.startsWith('--report') && r.args[i - 1] !== '--report');
  const command = args.length === 0 ? 'npm run bench' : `npm run bench -- ${args.join(' ')}`;
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return [
    '# Benchmarks',
    '',
    'This page is written by `npm run bench` (bench/run.ts); do not edit it by hand, run the bench',
    'again. Every ratio compares memhp with a baseline or peer measured in the same run on the same',
    'machine, so ratios carry over between machines better than the absolute times do. What each',
    'row measures: the comment at the top of bench/run.ts and of bench/logfile.ts, bench/viewer.ts,',
    'bench/query.ts.',
    '',
    `- date: ${now.toISOString().slice(0, 10)}`,
    `- machine: ${availableParallelism()} CPUs (${model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${process.platform}/${process.arch}, load average ${loadavg()[0]?.toFixed(1)} at the end (other work on the machine moves the absolute figures)`,
    `- command: \`${command}\` (${r.seconds.toFixed(0)} s in all)${args.every((a) => a === '--strict') ? '' : '; not the full run: `npm run bench` without options is'}`,
    '',
    '```',
    ...r.notes,
    '',
    r.table,
    '',
    ...r.verdicts,
    '```',
    '',
  ].join('\n');
}
