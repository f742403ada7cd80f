/**
 * Bench part `check`: `memhp check` of a corpus of the real recorded runs of test/fixtures (traces,
 * capture, formats, verify runs: 44 runs today, traces of 0.5–140 KiB, 3 MiB in all), each listed
 * again in turn until there are --check-runs of them (default CHECK_CORPUS_RUNS), checked as a user
 * runs it: whole `node bin/memhp.js check RUN… --jobs 1` and `--jobs 2` processes (the bundle;
 * --jobs 2 is the process's own thread and one worker, dist/bundle/check_worker.js, taking runs
 * from one shared queue; --jobs 1 starts no worker). The target compares those two processes; the
 * same two with V8's default tiering (MEMHP_CHECK_DEFAULT_TIERING=1) show what cli/check_many.ts's
 * interrupt budget gives. Rounds interleave the ways, a short settle before each; medians of --runs
 * rounds after one untimed. What the machine gives two threads at the time (other work shares its
 * cores) is measured too: two `--jobs 1` processes at once on half the runs each (nothing shared but
 * the machine: the ceiling of --jobs 2 on this work), the same CPU-bound loop on two threads vs one; and the speed-up two idle
 * cores would give, from the CPU time of a `memhp check --jobs 1` process on the corpus and on half
 * of it (Linux: /proc/self/stat), which also splits a process's CPU into its start and a warm run.
 * Each thread pays its own start (Node's worker bootstrap, loading the bundle's modules, V8 compiling
 * memhp's code, its caches filling: ~0.4 s of CPU against ~6 ms a warm fixture run), so a corpus
 * needs many hundreds of runs before two threads approach twice one.
 * Target: the corpus checked by `memhp check --jobs 2` ≥ 1.7× faster than by `--jobs 1`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { runsOf } from '../cli/check_corpus.js';
import { traceSize } from '../cli/check_pool.js';
import { CHECK_INTERRUPT_BUDGET } from '../cli/check_many.js';
import { fmtBytes, fmtMs, fmtRatio, median, settle } from './measure.js';
import type { Verdict } from './measure.js';

/** The speed-up two workers must reach over one. */
export const CHECK_CORPUS_TARGET = 1.7;

/** The fixture directories the corpus is made of (each a corpus of run directories). */
const FIXTURE_CORPORA = ['test/fixtures/traces', 'test/fixtures/capture', 'test/fixtures/formats', 'test/fixtures/verify/runs'];

/** The corpus size when --check-runs is not given: the 44 fixture runs about 23 times over (~70 MiB of traces). */
export const CHECK_CORPUS_RUNS = 1000;

/** A timed way to check the corpus: a whole `node bin/memhp.js check --jobs N` process. */
interface Way {
  readonly label: string;
  readonly jobs: number;
  /** The process with V8's default tiering (MEMHP_CHECK_DEFAULT_TIERING=1, cli/check_many.ts CHECK_INTERRUPT_BUDGET): the comparison before the tuning. */
  readonly defaultTiering?: boolean;
}

const WAYS: readonly Way[] = [
  { label: 'memhp check --jobs 1', jobs: 1 },
  { label: 'memhp check --jobs 2', jobs: 2 },
  { label: 'memhp check --jobs 1, V8 default tiering', jobs: 1, defaultTiering: true },
  { label: 'memhp check --jobs 2, V8 default tiering', jobs: 2, defaultTiering: true },
];

/** Bench `check` of a corpus of `corpusRuns` fixture runs with 1 and 2 jobs (`runs` rounds, every way in each); table rows and the verdict. */
export async function benchCheckCorpus(opts: { runs: number; corpusRuns: number; progress: (what: string) => void }): Promise<{ rows: string[][]; verdicts: Verdict[] }> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const found = runsOf(FIXTURE_CORPORA.map((d) => `${root}${d}`)).runs;
  const corpus = Array.from({ length: opts.corpusRuns }, (_, i) => found[i % found.length] as string);
  if (!existsSync(`${root}dist/bundle/check_worker.js`)) throw new Error('check corpus: dist/bundle/check_worker.js is missing (npm run build)');
  const times: number[][] = WAYS.map(() => []);
  const spin: number[][] = [[], []];
  const cpu: number[][] = [[], []];
  const load: number[] = [];
  const pair: number[] = [];
  let reference: string | null = null;
  for (let round = 0; round <= opts.runs; round++) {
    const when = round === 0 ? ' (warm-up)' : `, round ${round}/${opts.runs}`;
    for (const [w, way] of WAYS.entries()) {
      opts.progress(`check: ${corpus.length} runs, ${way.label}${when}`);
      settle();
      const c0 = childCpuMs();
      const t0 = performance.now();
      const text = checkWay(root, corpus, way);
      const ms = performance.now() - t0;
      if (round > 0 && w === 0) (cpu[0] as number[]).push(childCpuMs() - c0);
      // Every way gives the same outcomes, in the same order.
      reference ??= text;
      if (text !== reference) throw new Error(`check corpus: ${way.label} gave other outcomes than ${WAYS[0]?.label}`);
      if (round > 0) (times[w] as number[]).push(ms);
    }
    // Two `--jobs 1` processes at once, half the runs each: no thread, queue or message shared, so
    // what two cores give this work at the time (a parse- and gc-heavy load shares the caches and
    // memory, where the CPU-bound loop below does not), the ceiling of --jobs 2.
    opts.progress(`check: two memhp check --jobs 1 processes at once, ${corpus.length >> 1} runs each${when}`);
    settle();
    const p0 = performance.now();
    const halves = await Promise.all([corpus.slice(0, corpus.length >> 1), corpus.slice(corpus.length >> 1)].map((h) => checkWayAsync(root, h, WAYS[0] as Way)));
    if (round > 0) pair.push(performance.now() - p0);
    if (halves.join('\n') !== reference) throw new Error('check corpus: two processes on half the runs each gave other outcomes than one on all');
    // CPU time of a `memhp check --jobs 1` process on the whole corpus (the timed one above) and on
    // half of it: on two idle cores, --jobs 2 takes about as long as --jobs 1 on half the runs (each
    // thread checks half), so their ratio predicts the speed-up however loaded the machine is now
    // (CPU time barely depends on the load; wall time does).
    opts.progress(`check: CPU time of memhp check --jobs 1 on ${corpus.length >> 1} runs${when}`);
    settle();
    const c0 = childCpuMs();
    checkWay(root, corpus.slice(0, corpus.length >> 1), WAYS[0] as Way);
    if (round > 0) (cpu[1] as number[]).push(childCpuMs() - c0);
    opts.progress(`check: what the machine gives 2 threads (a CPU-bound loop on 1 and 2)${when}`);
    for (const [w, n] of [1, 2].entries()) {
      const t = await spinThreads(n);
      if (round > 0) (spin[w] as number[]).push(t);
    }
    load.push(loadavg()[0] ?? 0);
  }
  const [procOne = NaN, procTwo = NaN, plainOne = NaN, plainTwo = NaN] = times.map((t) => median(t));
  const machine = median(spin[0] as number[]) / (median(spin[1] as number[]) / 2);
  const [cpuAll = NaN, cpuHalf = NaN] = cpu.map((t) => median(t));
  const half = corpus.length >> 1;
  // CPU = start + runs × a run: from the corpus and its half.
  const perRun = (cpuAll - cpuHalf) / (corpus.length - half);
  const fixed = cpuHalf - half * perRun;
  const ratio = procOne / procTwo;
  const pairRatio = procOne / median(pair);
  const loadText = `load average ${median(load).toFixed(2)}`;
  const per = (t: number): string => `${fmtMs(t)} (${fmtMs(t / corpus.length)}/run)`;
  const distinct = new Set(corpus).size;
  const bytes = corpus.reduce((a, r) => a + traceSize(r), 0);
  const rows = [
    [`check corpus, memhp check --jobs 2 (process)`, per(procTwo), `--jobs 1: ${per(procOne)}`, fmtRatio(ratio), `≥${CHECK_CORPUS_TARGET}×`],
    [`  ${corpus.length} runs: the ${distinct} fixture runs (traces, capture, formats, verify) in turn, ${fmtBytes(bytes)} of traces; whole node bin/memhp.js processes, ${availableParallelism()} cores, ${loadText}`, '', '', '', ''],
    [`  --jobs 2: this thread and 1 worker on one queue, largest trace first; V8 interrupt budget ${CHECK_INTERRUPT_BUDGET}`, '', '', '', ''],
    [`  the same with V8's default tiering (before)`, per(plainTwo), `--jobs 1: ${per(plainOne)}`, fmtRatio(plainOne / plainTwo), ''],
    [`  a run once warm, and what a thread costs before (CPU of --jobs 1 on ${corpus.length} and ${half} runs)`, `${fmtMs(perRun)} CPU a run`, `start: ${fmtMs(fixed)} CPU`, '', ''],
    [`  the machine on this work: two --jobs 1 processes at once, ${corpus.length >> 1} runs each (the ceiling of --jobs 2)`, fmtMs(median(pair)), `--jobs 1: ${fmtMs(procOne)}`, fmtRatio(pairRatio), ''],
    [`  the machine: a CPU-bound loop, 2 threads`, `${fmtRatio(machine)} the work of 1 in its time`, 'ideal 2×', '', ''],
    [`  on 2 idle cores (CPU time of --jobs 1, predicted)`, `${corpus.length >> 1} runs: ${fmtMs(cpuHalf)} CPU`, `${corpus.length} runs: ${fmtMs(cpuAll)} CPU`, fmtRatio(cpuAll / cpuHalf), ''],
  ];
  const command = `node dist/bench/run.js --only check --check-runs ${corpus.length} --runs ${opts.runs} --no-report`;
  const value = `${fmtRatio(ratio)}: memhp check of ${corpus.length} runs --jobs 1 ${fmtMs(procOne)} → --jobs 2 ${fmtMs(procTwo)}, ${loadText}; two --jobs 1 processes at once on half the runs each ${fmtRatio(pairRatio)} (${fmtMs(median(pair))}), a CPU-bound loop on 2 threads ${fmtRatio(machine)}; with V8's default tiering ${fmtRatio(plainOne / plainTwo)} (${fmtMs(plainOne)} → ${fmtMs(plainTwo)}); predicted on 2 idle cores from the CPU time of --jobs 1 on all and half the runs ${fmtRatio(cpuAll / cpuHalf)}`;
  return { rows, verdicts: [{ name: `memhp check of a corpus with --jobs 2 (this thread and 1 worker) ≥${CHECK_CORPUS_TARGET}× faster than --jobs 1 (whole processes)`, ok: ratio >= CHECK_CORPUS_TARGET, value, command }] };
}

// --- internal ---

/** Check `corpus` one way; the outcomes as text, to compare the ways. */
function checkWay(root: string, corpus: readonly string[], way: Way): string {
  const r = spawnSync(process.execPath, checkArgv(root, corpus, way), { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, env: wayEnv(way) });
  return outcomesText(corpus, r.stdout, r.status, r.stderr, way);
}

/** The outcomes a `memhp check --json` process printed, as text (throws when it checked fewer runs than given). */
function outcomesText(corpus: readonly string[], stdout: string, status: number | null, stderr: string, way: Way): string {
  const got = JSON.parse(stdout) as { runs: RunJson[] };
  if (got.runs.length !== corpus.length) throw new Error(`check corpus: memhp check --jobs ${way.jobs} checked ${got.runs.length} of ${corpus.length} runs (exit ${status}): ${stderr}`);
  return got.runs.map((e) => line(e.path, e.error?.code, e)).join('\n');
}

/** The arguments of a `memhp check --json` process checking `corpus` one way. */
function checkArgv(root: string, corpus: readonly string[], way: Way): string[] {
  return [`${root}bin/memhp.js`, 'check', '--jobs', String(way.jobs), '--json', ...corpus];
}

/** The environment of a process checking one way (V8's default tiering when the way says). */
function wayEnv(way: Way): NodeJS.ProcessEnv {
  return way.defaultTiering === true ? { ...process.env, MEMHP_CHECK_DEFAULT_TIERING: '1' } : process.env;
}

/** checkWay in a child process that runs while this one waits (two run at once). */
function checkWayAsync(root: string, corpus: readonly string[], way: Way): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, checkArgv(root, corpus, way), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: wayEnv(way) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) => {
      try {
        resolve(outcomesText(corpus, Buffer.concat(out).toString('utf8'), status, Buffer.concat(err).toString('utf8'), way));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

/** CPU milliseconds (user and system) of this process's children that have ended (Linux /proc/self/stat cutime + cstime; NaN elsewhere). */
function childCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // The fields after the command name (in parentheses, which may hold spaces): cutime and cstime are fields 16 and 17.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[13]) + Number(f[14])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** Linux's clock ticks a second (USER_HZ, 100 on every architecture Node runs on). */
const CLOCK_TICKS = 100;

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

/** One run's outcome as a line of text. */
function line(path: string, code: string | undefined, j: Omit<RunJson, 'path'>): string {
  return `${path} ${code ?? `${j.steps} ${j.fieldsCompared} ${j.mismatches?.length}`}`;
}
