/**
 * `npm run bench` (= `npm run build && node dist/bench/run.js`): memhp against a bare baseline
 * measured in the same run, plus absolute figures for the record. Not part of `npm test`.
 *
 *   record — a generated 100k-step random __add_pages / __remove_pages sequence through the model
 *            with its log (recordScenario over an in-memory Scenario: no parsing) vs the same
 *            operations through a bare Uint32Array bitmap model without a log (bench/bare.ts); the
 *            model alone (step() chained, nothing kept) splits the model's cost from the log's.
 *            Target: memhp with its log within 50× the bare model (issue 17).
 *   seek   — 1000 random log.stateAt(n) (a checkpoint every K = 64 steps) vs applying K consecutive
 *            steps' patches with applyPatches, and vs replaying from step 0 for a few n.
 *            Target: a seek within 2× the cost of K replayed steps.
 *   memory — heap and buffers retained per recorded step (gc'd), split into checkpoints, the
 *            compressed blocks and the rest.
 *   xstate — the section machine's transition() per call vs the memoised nextSectionState.
 *   logfile — a 10^6-step workload (--log-steps) recorded into a format-3 log file as `memhp record`
 *            writes it, loaded back and made ready for state --at, sought at random; file size and
 *            memory per step against format 2 and the live log (bench/logfile.ts). Targets: ≤ 150 B
 *            a step on disk, ready in ≤ 3 s, ≤ 300 B a step in memory, loaded ≤ live.
 *   viewer — the viewer's state answer for --seeks random steps (built + JSON, and over HTTP) vs
 *            stateAt alone, and the page's draw of a random step in headless Chromium (bench/viewer.ts).
 *   query  — bisect and blame on a 10^6-step log (--query-steps) vs a linear scan and a re-diff of
 *            every state (bench/query.ts; the baselines walk at most 200k states and are scaled).
 *   verify — seconds to prepare and boot a memhp verify guest and per guest action, on the kernel
 *            tree of --kernel-dir (default .kernels/6.1.0-56-amd64), vs the model (bench/verify.ts).
 *   scale  — the scale workload over every section of x86_64 (2^19 sections 4-level, 2^25 5-level)
 *            recorded with the log: heap and time, split like memory (bench/scale.ts; --scale-steps,
 *            --scale5-steps: 10^6 and 600k by default, ~5 min). Target: 2^19 sections × 10^6 steps
 *            ≤ 1 GiB heap. Needs a big heap: node --max-old-space-size=6144 dist/bench/run.js --only scale
 *   startup — whole `node bin/memhp.js` processes (--help, --version, run of a small example) vs
 *            `node -e 0`, interleaved round by round (bench/startup.ts).
 *            Targets: memhp --help ≤ 150 ms, memhp run of a small example ≤ 400 ms.
 *   peers  — memhp's log vs memhp's step() as the reducer of a Redux store under
 *            @redux-devtools/instrument and in a naive immer produceWithPatches log, at 10^4 and 10^5
 *            steps: record, retained heap, random jumps, skipping step 2 (bench/peers.ts).
 *   check  — `memhp check` of a corpus of the fixtures' recorded runs (--check-runs, default 1000),
 *            whole processes --jobs 1 vs --jobs 2 (bench/check_corpus.ts). Target: --jobs 2 ≥ 1.7× faster.
 *
 * Figures are medians of several runs with a gc (and a short settle) before each; gc is obtained at
 * start-up even without --expose-gc. Options: --steps N, --seed N, --runs N, --seeks N, --k N,
 * --only record,seek,memory,xstate,logfile,viewer,query,verify,startup,peers,check,scale, --query-steps N, --check-runs N, --scale-steps N, --scale5-steps N, --log-steps N, --strict
 * (exit 1 when a target fails), --report FILE (default docs/benchmarks.md), --no-report. To profile:
 *   node --cpu-prof --cpu-prof-dir=prof dist/bench/run.js --only record --runs 1
 *   node dist/bench/profile.js prof/*.cpuprofile
 */
import { parseArgs } from 'node:util';
import { bootState, step } from '../model/index.js';
import { createProfile, describeProfile } from '../kernel/index.js';
import type { KernelState } from '../kernel/index.js';
import { applyPatches, DEFAULT_CHECKPOINT_EVERY } from '../log/index.js';
import type { HotplugLog } from '../log/index.js';
import { DEFAULT_WORKLOAD, generateWorkload } from './generate.js';
import type { Workload } from './generate.js';
import { benchLogfile } from './logfile.js';
import { fmtBytes, fmtMs, fmtRate, fmtRatio, fmtUs, gc, memoryUsed, sink, table, timeRuns } from './measure.js';
import { mulberry32 } from '../verify/prng.js';
import { queryBench } from './query.js';
import { bareRun, crossCheck, recordLogged, runBare } from './workloads.js';
import { append } from '../present/widest.js';
import { DEFAULT_REPORT, writeReport } from './report.js';
import { xstateBench } from './xstate.js';

const RECORD_TARGET = 50;
const SEEK_TARGET = 2;
const PARTS = ['record', 'seek', 'memory', 'xstate', 'logfile', 'viewer', 'query', 'verify', 'startup', 'peers', 'check', 'scale'] as const;

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string' },
    seed: { type: 'string' },
    runs: { type: 'string' },
    seeks: { type: 'string' },
    k: { type: 'string' },
    'query-steps': { type: 'string' },
    'log-steps': { type: 'string' },
    'scale-steps': { type: 'string' },
    'scale5-steps': { type: 'string' },
    'kernel-dir': { type: 'string' },
    'check-runs': { type: 'string' },
    only: { type: 'string' },
    strict: { type: 'boolean', default: false },
    report: { type: 'string' },
    'no-report': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`usage: node dist/bench/run.js [--steps 100000] [--log-steps 1000000] [--query-steps 1000000] [--scale-steps 1000000] [--scale5-steps 600000] [--seed N] [--runs 5] [--seeks 1000] [--k 64] [--only ${PARTS.join(',')}] [--kernel-dir DIR] [--check-runs 1000] [--strict] [--report FILE | --no-report]`);
  process.exit(0);
}
const STEPS = intArg(args.steps, DEFAULT_WORKLOAD.steps, 100);
const SEED = intArg(args.seed, DEFAULT_WORKLOAD.seed, 0);
const RUNS = intArg(args.runs, 5, 1);
const SEEKS = intArg(args.seeks, 1000, 1);
const K = intArg(args.k, DEFAULT_CHECKPOINT_EVERY, 1);
const QUERY_STEPS = intArg(args['query-steps'], 1_000_000, 100);
const LOG_STEPS = intArg(args['log-steps'], 1_000_000, 2 * K);
if (2 * K > STEPS) throw new RangeError(`--k ${K} needs at least ${2 * K} steps`);
const only = new Set((args.only ?? PARTS.join(',')).split(',').map((s) => s.trim()));
for (const p of only) if (!(PARTS as readonly string[]).includes(p)) throw new RangeError(`--only: unknown part ${p} (known: ${PARTS.join(', ')})`);

const profile = createProfile();
const workload = generateWorkload(profile.geometry, { ...DEFAULT_WORKLOAD, steps: STEPS, seed: SEED });
const nOps = workload.ops.length;
const rows: string[][] = [];
const verdicts: string[] = [];
const notes: string[] = [];
const started = performance.now();
let failed = false;

say(`memhp bench — ${describeProfile(profile)}`);
say(`node ${process.version}, gc between runs: ${gc ? 'yes' : 'no (heap figures approximate)'}, median of ${RUNS} run(s) after a warm-up`);

// --- startup ---------------------------------------------------------------------------------------

// First, while this process is small: the processes it spawns share the machine with it.
if (only.has('startup')) {
  const { benchStartup } = await import('./startup.js');
  const s = benchStartup({ runs: Math.max(RUNS, 11), progress });
  append(rows, s.rows);
  for (const v of s.verdicts) verdict(v.name, v.ok, v.value);
}

// --- scale -----------------------------------------------------------------------------------------

// Before the other parts: its heap figures want a process that holds nothing else.
if (only.has('scale')) {
  const { scaleBench } = await import('./scale.js');
  const s4 = intArg(args['scale-steps'], 1_000_000, 100);
  const s5 = intArg(args['scale5-steps'], 600_000, 0); // 10^6 on both would take ~7 min; 600k name every 5-level root
  const s = scaleBench({ steps4: s4, steps5: s5, seed: SEED, progress });
  for (const n of s.notes) say(n);
  append(rows, s.rows);
  const cmd = `node --max-old-space-size=6144 dist/bench/run.js --only scale --scale-steps ${s4} --scale5-steps ${s5}`;
  for (const v of s.verdicts) verdict(v.name, v.ok, v.value, cmd);
}

// --- peers -----------------------------------------------------------------------------------------

if (only.has('peers')) {
  const { benchPeers } = await import('./peers.js');
  const p = benchPeers({ profile, seed: SEED, runs: RUNS, seeks: SEEKS, k: K, progress });
  append(rows, p.rows);
  for (const v of p.verdicts) verdict(v.name, v.ok, v.value, v.command);
}

// --- record ----------------------------------------------------------------------------------------

progress('record: bare model');
const bareState = bareRun(profile, workload);
const bare = timeRuns(Math.max(RUNS, 11), () => undefined, () => runBare(workload, bareState), 3);
const bareUs = perStepUs(bare.ms, nOps + 1);
let log: HotplugLog | undefined;
let recMs = NaN;
let aloneMs = NaN;
if (only.has('record')) {
  // The model alone first, while no log is alive: its heap would make every gc slower.
  progress('record: model alone (step(), no log)');
  aloneMs = timeRuns(Math.min(RUNS, 3), () => undefined, () => {
    let s = bootState(profile, workload.boot).state;
    for (const op of workload.ops) s = step(profile, s, op).state;
    return s;
  }).ms;
  progress('record: memhp model + log');
  const t = timeRuns(RUNS, () => undefined, () => recordLogged(profile, workload, K));
  log = t.last;
  recMs = t.ms;
} else if (only.has('seek')) {
  log = recordLogged(profile, workload, K);
}
if (log) describeWorkload(workload, log);
if (only.has('record')) {
  const recUs = perStepUs(recMs, nOps + 1);
  const aloneUs = perStepUs(aloneMs, nOps + 1);
  const ratio = recMs / bare.ms;
  row(`record ${nOps} steps`, `${fmtUs(recUs)}/step, ${fmtRate(1e6 / recUs, 'steps')} (${fmtMs(recMs)})`, `bare: ${fmtUs(bareUs)}/step, ${fmtRate(1e6 / bareUs, 'steps')} (${fmtMs(bare.ms)})`, fmtRatio(ratio), `≤${RECORD_TARGET}×`);
  row('  model alone, no log', `${fmtUs(aloneUs)}/step, ${fmtRate(1e6 / aloneUs, 'steps')} (step() chained)`, `bare: ${fmtUs(bareUs)}/step`, fmtRatio(aloneMs / bare.ms), '');
  verdict(`record ≤${RECORD_TARGET}× bare`, ratio <= RECORD_TARGET, fmtRatio(ratio));
}

// --- seek ------------------------------------------------------------------------------------------

if (only.has('seek') && log) {
  const l: HotplugLog = log;
  const last = l.length - 1;
  const rng = mulberry32(SEED ^ 0x9e3779b9);
  const targets = Array.from({ length: SEEKS }, () => rng.int(last));
  const worst = targets.map((n) => Math.min(last - 1, n - (n % K) + K - 1));
  const windows = Math.min(250, Math.max(1, Math.floor(last / K) - 1));
  const bases = Array.from({ length: windows }, () => K * rng.int(Math.floor((last - K) / K) + 1));
  const baseStates = bases.map((b) => l.stateAt(b));
  const seekAll = (ns: readonly number[]): unknown => {
    let s: KernelState | undefined;
    for (const n of ns) s = l.stateAt(n);
    return s;
  };

  progress('seek: random stateAt');
  const seek = timeRuns(RUNS, () => undefined, () => seekAll(targets));
  progress('seek: K-step patch replay');
  const win = timeRuns(RUNS, () => undefined, () => {
    let s: KernelState | undefined;
    for (let w = 0; w < bases.length; w++) {
      const b = bases[w] as number;
      s = baseStates[w] as KernelState;
      for (let i = b + 1; i <= b + K; i++) s = applyPatches(s, l.step(i).patches);
    }
    return s;
  });
  progress('seek: worst-case stateAt');
  const seekWorst = timeRuns(RUNS, () => undefined, () => seekAll(worst));
  const seekUs = (seek.ms * 1000) / SEEKS;
  const winUs = (win.ms * 1000) / windows;
  const worstUs = (seekWorst.ms * 1000) / SEEKS;
  const ratio = seekUs / winUs;
  row(`seek ×${SEEKS} random (K=${K})`, `${fmtUs(seekUs)}/seek`, `${K} patched steps: ${fmtUs(winUs)} (${fmtUs(winUs / K)}/step)`, fmtRatio(ratio), `≤${SEEK_TARGET}×`);
  row(`seek ×${SEEKS} worst (n ≡ K-1)`, `${fmtUs(worstUs)}/seek`, `${K} patched steps: ${fmtUs(winUs)}`, fmtRatio(worstUs / winUs), '');
  for (const n of [1000, 10_000, last].filter((n, i, a) => n <= last && a.indexOf(n) === i)) {
    progress(`seek: replay from step 0 to ${n}`);
    const rp = timeRuns(Math.min(RUNS, 3), () => undefined, () => l.replay(n), n >= 50_000 ? 0 : 1);
    row(`replay 0 → ${n}`, `${fmtMs(rp.ms)} (${fmtUs(perStepUs(rp.ms, n + 1))}/step)`, `seek: ${fmtUs(seekUs)}`, `seek ${fmtRatio(rp.ms / (seek.ms / SEEKS))} faster`, '');
  }
  verdict(`seek ≤${SEEK_TARGET}× ${K} replayed steps`, ratio <= SEEK_TARGET, fmtRatio(ratio));
}

// --- memory ----------------------------------------------------------------------------------------

if (only.has('memory')) {
  progress('memory: fresh recording');
  log = undefined;
  sink(undefined);
  const before = memoryUsed();
  const fresh = recordLogged(profile, workload, K);
  const after = memoryUsed();
  const checkpoints = fresh.checkpointCount;
  fresh.evictCheckpoints();
  const noCheckpoints = memoryUsed();
  const blockBytes = fresh.blocks.reduce((t, b) => t + b.byteLength, 0);
  sink(fresh);
  const n = nOps + 1;
  const m = bareState.model;
  const bareBytes = m.maps.byteLength + m.flags.byteLength + m.usage.byteLength + m.roots.byteLength;
  row('memory after recording', `${fmtBytes((after - before) / n)}/step (${fmtBytes(after - before)} in all: heap and buffers)`, `bare: ${fmtBytes(bareBytes)} in all, nothing per step`, '', '');
  row(`  checkpoints (${checkpoints}, K=${K})`, `${fmtBytes((after - noCheckpoints) / n)}/step`, '', '', '');
  row(`  blocks (${fresh.blocks.length} of 256 steps, compressed)`, `${fmtBytes(blockBytes / n)}/step`, '', '', '');
  row(`  the rest (open block, decoded blocks cached, live state)`, `${fmtBytes((noCheckpoints - before - blockBytes) / n)}/step`, '', '', '');
  sink(undefined);
}

// --- xstate ----------------------------------------------------------------------------------------

if (only.has('xstate')) append(rows, xstateBench(RUNS, progress));

// --- logfile ---------------------------------------------------------------------------------------

if (only.has('logfile')) {
  log = undefined;
  const lf = benchLogfile(profile, { workload: { ...DEFAULT_WORKLOAD, steps: LOG_STEPS, seed: SEED }, seeks: SEEKS, k: K }, progress);
  append(rows, lf.rows);
  for (const v of lf.verdicts) verdict(v.name, v.ok, `${v.value} — node dist/bench/run.js --only logfile${LOG_STEPS === 1_000_000 ? '' : ` --log-steps ${LOG_STEPS}`}`);
}

// --- viewer ----------------------------------------------------------------------------------------

if (only.has('viewer')) {
  progress('viewer: recording the log');
  const l = log ?? recordLogged(profile, workload, K);
  // Loaded only for this part: playwright-core's module graph would otherwise sit in the heap of every other part.
  const { benchViewer } = await import('./viewer.js');
  append(rows, (await benchViewer({ profile, log: l, seed: SEED, runs: Math.min(RUNS, 3), seeks: SEEKS, pageSteps: 25, progress })));
}

// --- query -----------------------------------------------------------------------------------------

if (only.has('query')) {
  log = undefined;
  sink(undefined);
  append(rows, queryBench(profile, { steps: QUERY_STEPS, runs: Math.min(RUNS, 3), k: K, baselineSteps: 200_000, progress }));
}

// --- verify ----------------------------------------------------------------------------------------

if (only.has('verify')) {
  const { benchVerify, DEFAULT_VERIFY_KERNEL } = await import('./verify.js');
  append(rows, await benchVerify({ kernelDir: args['kernel-dir'] ?? DEFAULT_VERIFY_KERNEL, runs: Math.min(RUNS, 2), progress }));
}

// --- check ---------------------------------------------------------------------------------------

if (only.has('check')) {
  const { benchCheckCorpus, CHECK_CORPUS_RUNS } = await import('./check_corpus.js');
  const c = await benchCheckCorpus({ runs: Math.min(RUNS, 5), corpusRuns: intArg(args['check-runs'], CHECK_CORPUS_RUNS, 2), progress });
  append(rows, c.rows);
  for (const v of c.verdicts) verdict(v.name, v.ok, v.value, v.command);
}

// --- report ----------------------------------------------------------------------------------------

const report = table(['measure', 'memhp', 'baseline', 'ratio', 'target'], rows);
console.log('');
console.log(report);
console.log('');
for (const v of verdicts) console.log(v);
if (!args['no-report']) {
  const path = args.report ?? DEFAULT_REPORT;
  writeReport(path, { notes, table: report, verdicts, args: process.argv.slice(2), seconds: (performance.now() - started) / 1000 });
  console.log(`report written to ${path}`);
}
if (failed && args.strict) process.exitCode = 1;

// --- helpers ---------------------------------------------------------------------------------------

function intArg(v: string | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`expected an integer ≥ ${min}, got ${v}`);
  return n;
}

function perStepUs(ms: number, n: number): number {
  return (ms * 1000) / n;
}

function row(...cells: string[]): void {
  rows.push(cells);
}

/** Print a line before the table, and keep it for the report. */
function say(line: string): void {
  console.log(line);
  notes.push(line);
}

function progress(what: string): void {
  process.stderr.write(`  … ${what}\n`);
}

function verdict(name: string, ok: boolean, value: string, command?: string): void {
  if (!ok) failed = true;
  verdicts.push(`target ${name}: ${ok ? 'PASS' : 'FAIL'} (${value})${command === undefined ? '' : ` — ${command}`}`);
}

/** What the workload did (per the log), after checking it against the bare model. */
function describeWorkload(wl: Workload, l: HotplugLog): void {
  const mix = crossCheck(profile, wl, l, runBare(wl, bareState));
  const adds = mix.addOk + mix.addEexist + mix.addEinval;
  const removes = mix.removeOk + mix.removeWarned;
  const pct = (a: number, b: number): string => `${((100 * a) / Math.max(1, b)).toFixed(0)}%`;
  const { firstSection, sections } = wl.opts;
  const spr = profile.geometry.SECTIONS_PER_ROOT;
  const roots = Math.floor((firstSection + sections - 1) / spr) - Math.floor(firstSection / spr) + 1;
  say(`workload: ${nOps} steps (seed ${SEED}) over sections ${firstSection}..${firstSection + sections - 1} (${roots} roots), ${wl.boot.ranges.length} boot ranges`);
  say(
    `  ${adds} __add_pages (0: ${pct(mix.addOk, adds)}, -EEXIST: ${pct(mix.addEexist, adds)}, -EINVAL: ${pct(mix.addEinval, adds)}), ` +
      `${removes} __remove_pages (clean: ${pct(mix.removeOk, removes)}, WARN: ${pct(mix.removeWarned, removes)}); ` +
      `${mix.patchesPerStep.toFixed(2)} patches/step; return codes and subsection_maps match the bare model`,
  );
}
