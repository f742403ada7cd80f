/**
 * The `logfile` part of `npm run bench`: a generated workload of 10^6 steps recorded into a log
 * file as `memhp record` writes it (format 3: each step encoded, blocks of 256 compressed and
 * chained, written as the model runs), then loaded as every command loads one (the frames' chain
 * verified, blocks kept as they are and decoded when read) and made ready for `state --at` (one
 * random stateAt), then sought at random. Baselines measured in the the same run: recording against
 * the bare Uint32Array model; the file against the scenario text it came from and against format 2
 * (JSON lines; written and loaded over the first 10^5 steps and scaled, as loading 10^6 of them
 * takes minutes); the loaded log's memory (JS heap and buffers) against the live log's — the same
 * 10^6 steps recorded in memory. Targets (issue 17): ≤ 150 B a step on disk, ready in ≤ 3 s,
 * ≤ 300 B a step in memory, the loaded log never larger than the live one. One timed run each.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelState, Profile } from '../kernel/index.js';
import { applyPatches, hashInput, jsonLines, readLogFile, recordScenario, runScenario, writeLinesAtomic } from '../log/index.js';
import type { HotplugLog } from '../log/index.js';
import { compactFrames, scenarioFiles } from '../log/compact.js';
import type { LogStep } from '../log/types.js';
import { generateWorkload } from './generate.js';
import type { Workload, WorkloadOptions } from './generate.js';
import { fmtBytes, fmtMs, fmtRatio, fmtUs, memoryUsed, sink, timeRuns } from './measure.js';
import type { Verdict } from './measure.js';
import { mulberry32 } from '../verify/prng.js';
import { bareRun, runBare } from './workloads.js';

/** Options of the logfile bench. */
export interface LogfileBenchOptions {
  readonly workload: WorkloadOptions;
  readonly seeks: number;
  readonly k: number;
}

/** Targets of this part. */
const DISK_TARGET = 150;
const READY_TARGET_MS = 3000;
const MEMORY_TARGET = 300;

/** Run the logfile bench; returns table rows (measure, memhp, baseline, ratio, target) and verdicts. */
export function benchLogfile(profile: Profile, opts: LogfileBenchOptions, progress: (what: string) => void): { rows: string[][]; verdicts: Verdict[] } {
  const rows: string[][] = [];
  const verdicts: Verdict[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'memhp-bench-'));
  const path = join(dir, 'bench.memhp');
  const path2 = join(dir, 'bench2.memhp');
  try {
    progress(`logfile: generating ${opts.workload.steps} steps`);
    const wl = generateWorkload(profile.geometry, opts.workload);
    const n = wl.ops.length + 1;
    const scenarioBytes = wl.scenario.steps.reduce((b, s) => b + Buffer.byteLength(s.text) + 1, 0);
    const bare = bareRun(profile, wl);
    const bareMs = timeRuns(3, () => undefined, () => runBare(wl, bare), 1).ms;
    const meta = { input: { name: 'bench', sha256: hashInput(String(opts.workload.seed)) }, kernelLine: wl.scenario.kernel, boot: wl.boot, forkedFrom: null };

    progress('logfile: record → file, format 3 (model, encode, compress, hash chain, write, as memhp record does)');
    const files = scenarioFiles(wl.scenario.boot.source, wl.scenario.steps);
    const write = timeRuns(1, () => undefined, () => writeLinesAtomic(path, compactFrames(profile, opts.k, n, files, runScenario(wl.scenario, profile), meta)), 0);
    if (!write.last.ok) throw new Error(write.last.message);
    const bytes = statSync(path).size;

    progress('logfile: format 2 over the first 10^5 steps (baseline, scaled)');
    const m = Math.min(n, 100_001);
    const part = { ...wl.scenario, steps: wl.scenario.steps.slice(0, m - 1) };
    const steps2 = function* (): Generator<LogStep> {
      for (const r of runScenario(part, profile)) yield r.step;
    };
    const write2 = timeRuns(1, () => undefined, () => writeLinesAtomic(path2, jsonLines(profile, opts.k, m, steps2(), meta)), 0);
    if (!write2.last.ok) throw new Error(write2.last.message);
    const bytes2 = statSync(path2).size;
    const load2 = timeRuns(1, () => undefined, () => readLogFile(path2, { checkpointEvery: opts.k }), 0);
    if (!load2.last.ok || load2.last.value.log.length !== m) throw new Error('logfile bench: the format-2 log did not load whole');
    sink(undefined);
    rmSync(path2);

    const perStep = bytes / n;
    rows.push([`record → file, ${n - 1} steps`, `${fmtUs(us(write.ms, n))}/step (${fmtMs(write.ms)})`, `bare model: ${fmtUs(us(bareMs, n))}/step; format 2: ${fmtUs(us(write2.ms, m))}/step`, fmtRatio(write.ms / bareMs), '']);
    rows.push(['  log file on disk (format 3)', `${fmtBytes(perStep)}/step (${fmtBytes(bytes)})`, `scenario text: ${fmtBytes(scenarioBytes / n)}/step; format 2: ${fmtBytes(bytes2 / m)}/step`, `${fmtRatio(bytes / scenarioBytes)} the text, ${fmtRatio(bytes2 / m / perStep)} smaller than format 2`, `≤${DISK_TARGET} B/step`]);
    verdicts.push({ name: `log file ≤ ${DISK_TARGET} B a step on disk`, ok: perStep <= DISK_TARGET, value: `${perStep.toFixed(0)} B/step` });

    progress('logfile: load and get ready for state --at (frames verified, one random stateAt)');
    const rng = mulberry32(opts.workload.seed ^ 0x3eed);
    const at = rng.int(n - 1);
    sink(undefined);
    const before = memoryUsed();
    const ready = timeRuns(1, () => undefined, () => {
      const r = readLogFile(path, { checkpointEvery: opts.k });
      if (!r.ok || r.value.damage !== null || r.value.log.length !== n) throw new Error('logfile bench: the log did not load whole');
      r.value.log.stateAt(at);
      return r.value.log;
    }, 0);
    const log = ready.last;
    const loadedBytes = memoryUsed() - before;
    const load2Scaled = (load2.ms * n) / m;
    rows.push(['  load, ready for state --at', `${fmtMs(ready.ms)} (${fmtUs(us(ready.ms, n))}/step)`, `format 2: ${fmtMs(load2Scaled)} (${fmtUs(us(load2.ms, m))}/step, 10^5 steps scaled)`, `${fmtRatio(load2Scaled / ready.ms)} faster`, `≤${READY_TARGET_MS / 1000} s`]);
    verdicts.push({ name: `a ${n - 1}-step log loaded and ready for state --at in ≤ ${READY_TARGET_MS / 1000} s`, ok: ready.ms <= READY_TARGET_MS, value: fmtMs(ready.ms) });

    progress('logfile: seek in the loaded log');
    const seek = seekFigures(log, opts);
    rows.push([`  seek ×${opts.seeks} random (K=${opts.k})`, `${fmtUs(seek.seekUs)}/seek`, `${opts.k} steps' immer patches: ${fmtUs(seek.windowUs)}`, fmtRatio(seek.seekUs / seek.windowUs), '']);
    sink(log);
    sink(undefined);

    progress('logfile: memory of the live log, the same steps recorded in memory (baseline)');
    const liveBytes = liveMemory(profile, wl, opts.k);
    const loadedPer = loadedBytes / n;
    rows.push(['  loaded log in memory', `${fmtBytes(loadedPer)}/step (${fmtBytes(loadedBytes)})`, `live log: ${fmtBytes(liveBytes / n)}/step`, fmtRatio(loadedBytes / liveBytes), `≤${MEMORY_TARGET} B/step, ≤ live`]);
    verdicts.push({ name: `a loaded log ≤ ${MEMORY_TARGET} B a step in memory`, ok: loadedPer <= MEMORY_TARGET, value: `${loadedPer.toFixed(0)} B/step` });
    verdicts.push({ name: 'the loaded log never larger than the live one', ok: loadedBytes <= liveBytes, value: `${fmtRatio(loadedBytes / liveBytes)} the live log` });
    return { rows, verdicts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- internal ---

function us(ms: number, n: number): number {
  return (ms * 1000) / n;
}

/** Random stateAt against applying K consecutive steps from a checkpoint. */
function seekFigures(log: HotplugLog, opts: LogfileBenchOptions): { seekUs: number; windowUs: number } {
  const last = log.length - 1;
  const K = opts.k;
  const rng = mulberry32(opts.workload.seed ^ 0x51ed);
  const targets = Array.from({ length: opts.seeks }, () => rng.int(last));
  const bases = Array.from({ length: 200 }, () => K * rng.int(Math.floor((last - K) / K)));
  const baseStates = bases.map((b) => log.stateAt(b));
  const seek = timeRuns(3, () => undefined, () => {
    let s: KernelState | undefined;
    for (const t of targets) s = log.stateAt(t);
    return s;
  });
  // The baseline: K steps' immer patches applied from a checkpoint (what a seek did before format 3).
  const win = timeRuns(3, () => undefined, () => {
    let s: KernelState | undefined;
    bases.forEach((b, w) => {
      s = baseStates[w] as KernelState;
      for (let i = b + 1; i <= b + K; i++) s = applyPatches(s, log.step(i).patches);
    });
    return s;
  });
  return { seekUs: (seek.ms * 1000) / targets.length, windowUs: (win.ms * 1000) / bases.length };
}

/** Memory (heap and buffers) of the live log: every step of the workload recorded in memory. */
function liveMemory(profile: Profile, wl: Workload, k: number): number {
  const before = memoryUsed();
  const live = recordScenario(wl.scenario, profile, { checkpointEvery: k });
  const after = memoryUsed();
  sink(live);
  sink(undefined);
  return after - before;
}
