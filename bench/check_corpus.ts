/**
 * Bench part `check`: `memhp check` of a corpus of the real recorded runs of test/fixtures (traces,
 * capture, formats, verify runs), listed again until there are --check-runs of them, checked through
 * the CLI's own code path (cli/check_pool.ts checkRuns) on one worker thread and on two, and in this
 * thread (`--jobs 1`, warm after the first round) for reference; then as a user runs it, whole
 * `node bin/memhp.js check RUN… --jobs 1` and `--jobs 2` processes (the bundle, its worker
 * dist/bundle/check_worker.js). Rounds interleave the ways, a gc and a short settle before each;
 * medians of --runs rounds after one untimed. What the machine gives two threads at the time (other
 * work shares its cores) is measured too: the same CPU-bound loop on two threads vs one.
 * Target: the corpus on 2 workers ≥ 1.7× faster than on 1.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { runsOf } from '../cli/check_corpus.js';
import { checkRuns } from '../cli/check_pool.js';
import type { RunOutcome } from '../cli/check_outcome.js';
import { fmtMs, fmtRatio, median, settle, sink } from './measure.js';

/** The speed-up two workers must reach over one. */
export const CHECK_CORPUS_TARGET = 1.7;

/** The fixture directories the corpus is made of (each a corpus of run directories). */
const FIXTURE_CORPORA = ['test/fixtures/traces', 'test/fixtures/capture', 'test/fixtures/formats', 'test/fixtures/verify/runs'];

/** A timed way to check the corpus. */
interface Way {
  readonly label: string;
  readonly jobs: number;
  readonly threads: boolean;
}

const WAYS: readonly Way[] = [
  { label: '1 worker thread', jobs: 1, threads: true },
  { label: '2 worker threads', jobs: 2, threads: true },
  { label: 'in this thread (--jobs 1)', jobs: 1, threads: false },
];

/** Bench `check` of a corpus of `runs` fixture runs on 1 and 2 workers; table rows and the verdict. */
export async function benchCheckCorpus(opts: { runs: number; corpusRuns: number; progress: (what: string) => void }): Promise<{ rows: string[][]; verdicts: Array<{ name: string; ok: boolean; value: string; command: string }> }> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const found = runsOf(FIXTURE_CORPORA.map((d) => `${root}${d}`)).runs;
  const corpus = Array.from({ length: opts.corpusRuns }, (_, i) => found[i % found.length] as string);
  const times: number[][] = WAYS.map(() => []);
  let reference: string | null = null;
  const load: number[] = [];
  for (let round = 0; round <= opts.runs; round++) {
    for (const [w, way] of WAYS.entries()) {
      opts.progress(`check: ${corpus.length} runs, ${way.label}${round === 0 ? ' (warm-up)' : `, round ${round}/${opts.runs}`}`);
      settle();
      const t0 = performance.now();
      const outcomes = await checkRuns(corpus, {}, { jobs: way.jobs, threads: way.threads, color: false });
      const ms = performance.now() - t0;
      // Every way gives the same outcomes, in the same order.
      const text = summary(outcomes);
      reference ??= text;
      if (text !== reference) throw new Error(`check corpus: ${way.label} gave other outcomes than ${WAYS[0]?.label}`);
      sink(outcomes);
      if (round > 0) (times[w] as number[]).push(ms);
    }
    load.push(loadavg()[0] ?? 0);
  }
  // Whole processes, as a user runs them.
  const procTimes: number[][] = [[], []];
  for (let round = 0; round <= opts.runs; round++) {
    for (const [w, jobs] of [1, 2].entries()) {
      opts.progress(`check: ${corpus.length} runs, node bin/memhp.js check --jobs ${jobs}${round === 0 ? ' (warm-up)' : `, round ${round}/${opts.runs}`}`);
      settle();
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [`${root}bin/memhp.js`, 'check', '--jobs', String(jobs), '--json', ...corpus], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
      const t = performance.now() - t0;
      const got = JSON.parse(r.stdout) as { runs: Array<{ path: string }> };
      if (got.runs.length !== corpus.length) throw new Error(`check corpus: memhp check --jobs ${jobs} checked ${got.runs.length} of ${corpus.length} runs (exit ${r.status}): ${r.stderr}`);
      if (round > 0) (procTimes[w] as number[]).push(t);
    }
    load.push(loadavg()[0] ?? 0);
  }
  const [procOne = NaN, procTwo = NaN] = procTimes.map((t) => median(t));
  const spin: number[][] = [[], []];
  for (let round = 0; round <= opts.runs; round++) {
    opts.progress(`check: the machine's parallelism (a CPU-bound loop on 1 and 2 threads)${round === 0 ? ' (warm-up)' : `, round ${round}/${opts.runs}`}`);
    for (const [w, n] of [1, 2].entries()) {
      const t = await spinThreads(n);
      if (round > 0) (spin[w] as number[]).push(t);
    }
  }
  const machine = median(spin[0] as number[]) / (median(spin[1] as number[]) / 2);
  const ms = times.map((t) => median(t));
  const [one = NaN, two = NaN, inThread = NaN] = ms;
  const ratio = one / two;
  const per = (t: number): string => `${fmtMs(t)} (${fmtMs(t / corpus.length)}/run)`;
  const distinct = new Set(corpus).size;
  const note = `${corpus.length} runs (${distinct} fixture runs listed again), ${availableParallelism()} cores, load average ${median(load).toFixed(2)}`;
  const rows = [
    [`check corpus, 2 workers`, per(two), `1 worker: ${per(one)}`, fmtRatio(ratio), `≥${CHECK_CORPUS_TARGET}×`],
    [`  ${note}`, '', '', '', ''],
    [`  in this thread (--jobs 1)`, per(inThread), `1 worker: ${per(one)}`, fmtRatio(one / inThread), ''],
    [`  memhp check --jobs 2 (process)`, per(procTwo), `--jobs 1: ${per(procOne)}`, fmtRatio(procOne / procTwo), ''],
    [`  the machine: a CPU-bound loop, 2 threads`, `${fmtRatio(machine)} the work of 1 in its time`, 'ideal 2×', '', ''],
  ];
  const command = `node dist/bench/run.js --only check --check-runs ${corpus.length} --runs ${opts.runs} --no-report`;
  return { rows, verdicts: [{ name: `check of a corpus on 2 workers ≥${CHECK_CORPUS_TARGET}× faster than on 1`, ok: ratio >= CHECK_CORPUS_TARGET, value: `${fmtRatio(ratio)}: ${fmtMs(one)} → ${fmtMs(two)}, load average ${median(load).toFixed(2)}, the machine gave 2 threads ${fmtRatio(machine)}`, command }] };
}

// --- internal ---

/** Milliseconds for `n` threads to run the same CPU-bound loop each, at once. */
function spinThreads(n: number): Promise<number> {
  const code = "const { parentPort } = require('node:worker_threads'); let x = 0; for (let i = 0; i < 2e8; i++) x = (x + i) % 1000003; parentPort.postMessage(x);";
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let done = 0;
    for (let i = 0; i < n; i++) {
      const w = new Worker(code, { eval: true });
      w.on('error', reject);
      w.on('message', () => {
        void w.terminate();
        if (++done === n) resolve(performance.now() - t0);
      });
    }
  });
}

/** The outcomes as text, to compare the ways. */
function summary(outcomes: readonly RunOutcome[]): string {
  return outcomes.map((o) => `${o.path} ${o.status} ${o.json === null ? o.error?.code : `${o.json.steps} ${o.json.fieldsCompared} ${o.json.mismatches.length}`}`).join('\n');
}
