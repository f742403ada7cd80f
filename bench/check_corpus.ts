/**
 * Bench part `check`: `memhp check` of a corpus of the real recorded runs of test/fixtures (traces,
 * capture, formats, verify runs), listed again until there are --check-runs of them, checked through
 * the CLI's own code path (cli/check_pool.ts checkRuns; the worker is dist/bundle/check_worker.js, the
 * one bin/memhp.js starts, when built) on one worker thread and on two, and in this
 * thread (`--jobs 1`, warm after the first round) for reference; then as a user runs it, whole
 * `node bin/memhp.js check RUN… --jobs 1` and `--jobs 2` processes (the bundle, its worker
 * dist/bundle/check_worker.js). Rounds interleave the ways, a gc and a short settle before each;
 * medians of --runs rounds after one untimed. What the machine gives two threads at the time (other
 * work shares its cores) is measured too: the same CPU-bound loop on two threads vs one; and the
 * speed-up two idle cores would give, from the CPU time of one worker on the corpus and on half of it.
 * Target: the corpus on 2 workers ≥ 1.7× faster than on 1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** A timed way to check the corpus: through checkRuns in this process, or a whole `memhp check` process. */
interface Way {
  readonly label: string;
  readonly jobs: number;
  /** in-process: checkRuns on worker threads (true) or in this thread; process: node bin/memhp.js. */
  readonly how: 'threads' | 'in-thread' | 'process';
}

const WAYS: readonly Way[] = [
  { label: '1 worker thread', jobs: 1, how: 'threads' },
  { label: '2 worker threads', jobs: 2, how: 'threads' },
  { label: 'in this thread (--jobs 1)', jobs: 1, how: 'in-thread' },
  { label: 'memhp check --jobs 1 (process)', jobs: 1, how: 'process' },
  { label: 'memhp check --jobs 2 (process)', jobs: 2, how: 'process' },
];

/** Bench `check` of a corpus of `corpusRuns` fixture runs on 1 and 2 workers (`runs` rounds, every way in each); table rows and the verdict. */
export async function benchCheckCorpus(opts: { runs: number; corpusRuns: number; progress: (what: string) => void }): Promise<{ rows: string[][]; verdicts: Array<{ name: string; ok: boolean; value: string; command: string }> }> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const found = runsOf(FIXTURE_CORPORA.map((d) => `${root}${d}`)).runs;
  const corpus = Array.from({ length: opts.corpusRuns }, (_, i) => found[i % found.length] as string);
  // The worker bin/memhp.js starts (the bundle's: fewer files to load than dist/cli/'s), when built.
  const bundled = new URL('../bundle/check_worker.js', import.meta.url);
  const workerUrl = existsSync(fileURLToPath(bundled)) ? bundled : undefined;
  const times: number[][] = WAYS.map(() => []);
  const spin: number[][] = [[], []];
  const cpu: number[][] = [[], []];
  const load: number[] = [];
  let reference: string | null = null;
  for (let round = 0; round <= opts.runs; round++) {
    const when = round === 0 ? ' (warm-up)' : `, round ${round}/${opts.runs}`;
    for (const [w, way] of WAYS.entries()) {
      opts.progress(`check: ${corpus.length} runs, ${way.label}${when}`);
      settle();
      const t0 = performance.now();
      const text = await checkWay(root, corpus, way, workerUrl);
      const ms = performance.now() - t0;
      // Every way gives the same outcomes, in the same order.
      reference ??= text;
      if (text !== reference) throw new Error(`check corpus: ${way.label} gave other outcomes than ${WAYS[0]?.label}`);
      if (round > 0) (times[w] as number[]).push(ms);
    }
    // CPU time of one worker on the whole corpus and on half of it: on two idle cores, two workers
    // take about as long as one on half the runs, so their ratio predicts the speed-up however
    // loaded the machine is now (CPU time barely depends on the load; wall time does).
    for (const [h, runs] of [corpus, corpus.slice(0, corpus.length >> 1)].entries()) {
      opts.progress(`check: CPU time of 1 worker on ${runs.length} runs${when}`);
      settle();
      const c0 = process.cpuUsage();
      sink(await checkRuns(runs, {}, { jobs: 1, workersOnly: true, color: false, ...(workerUrl ? { workerUrl } : {}) }));
      const c = process.cpuUsage(c0);
      if (round > 0) (cpu[h] as number[]).push((c.user + c.system) / 1000);
    }
    opts.progress(`check: what the machine gives 2 threads (a CPU-bound loop on 1 and 2)${when}`);
    for (const [w, n] of [1, 2].entries()) {
      const t = await spinThreads(n);
      if (round > 0) (spin[w] as number[]).push(t);
    }
    load.push(loadavg()[0] ?? 0);
  }
  const [one = NaN, two = NaN, inThread = NaN, procOne = NaN, procTwo = NaN] = times.map((t) => median(t));
  const machine = median(spin[0] as number[]) / (median(spin[1] as number[]) / 2);
  const [cpuAll = NaN, cpuHalf = NaN] = cpu.map((t) => median(t));
  const ratio = one / two;
  const loadText = `load average ${median(load).toFixed(2)}`;
  const per = (t: number): string => `${fmtMs(t)} (${fmtMs(t / corpus.length)}/run)`;
  const rows = [
    [`check corpus, 2 workers`, per(two), `1 worker: ${per(one)}`, fmtRatio(ratio), `≥${CHECK_CORPUS_TARGET}×`],
    [`  ${corpus.length} runs (${new Set(corpus).size} fixture runs in turn), ${workerUrl ? "dist/bundle/'s worker" : "dist/cli/'s worker"}, ${availableParallelism()} cores, ${loadText}`, '', '', '', ''],
    [`  in this thread (--jobs 1)`, per(inThread), `1 worker: ${per(one)}`, fmtRatio(one / inThread), ''],
    [`  memhp check --jobs 2 (process)`, per(procTwo), `--jobs 1: ${per(procOne)}`, fmtRatio(procOne / procTwo), ''],
    [`  the machine: a CPU-bound loop, 2 threads`, `${fmtRatio(machine)} the work of 1 in its time`, 'ideal 2×', '', ''],
    [`  on 2 idle cores (CPU time, predicted)`, `1 worker, ${corpus.length >> 1} runs: ${fmtMs(cpuHalf)} CPU`, `${corpus.length} runs: ${fmtMs(cpuAll)} CPU`, fmtRatio(cpuAll / cpuHalf), ''],
  ];
  const command = `node dist/bench/run.js --only check --check-runs ${corpus.length} --runs ${opts.runs} --no-report`;
  const value = `${fmtRatio(ratio)}: ${fmtMs(one)} → ${fmtMs(two)}, ${loadText}, the machine gave 2 threads ${fmtRatio(machine)}; predicted on 2 idle cores from CPU time ${fmtRatio(cpuAll / cpuHalf)}`;
  return { rows, verdicts: [{ name: `check of a corpus on 2 workers ≥${CHECK_CORPUS_TARGET}× faster than on 1`, ok: ratio >= CHECK_CORPUS_TARGET, value, command }] };
}

// --- internal ---

/** Check `corpus` one way; the outcomes as text, to compare the ways. */
async function checkWay(root: string, corpus: readonly string[], way: Way, workerUrl: URL | undefined): Promise<string> {
  if (way.how !== 'process') {
    const outcomes = await checkRuns(corpus, {}, { jobs: way.jobs, workersOnly: way.how === 'threads', color: false, ...(workerUrl ? { workerUrl } : {}) });
    sink(outcomes);
    return summary(outcomes);
  }
  const r = spawnSync(process.execPath, [`${root}bin/memhp.js`, 'check', '--jobs', String(way.jobs), '--json', ...corpus], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  const got = JSON.parse(r.stdout) as { runs: RunJson[] };
  if (got.runs.length !== corpus.length) throw new Error(`check corpus: memhp check --jobs ${way.jobs} checked ${got.runs.length} of ${corpus.length} runs (exit ${r.status}): ${r.stderr}`);
  return got.runs.map((e) => line(e.path, e.error?.code, e)).join('\n');
}

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

/** A run's entry in `memhp check --json` of several runs. */
interface RunJson {
  readonly path: string;
  readonly steps?: number;
  readonly fieldsCompared?: number;
  readonly mismatches?: readonly unknown[];
  readonly error?: { readonly code: string };
}

/** The outcomes as text, to compare the ways. */
function summary(outcomes: readonly RunOutcome[]): string {
  return outcomes.map((o) => line(o.path, o.error?.code, o.json ?? {})).join('\n');
}

/** One run's outcome as a line of text. */
function line(path: string, code: string | undefined, j: Omit<RunJson, 'path'>): string {
  return `${path} ${code ?? `${j.steps} ${j.fieldsCompared} ${j.mismatches?.length}`}`;
}
