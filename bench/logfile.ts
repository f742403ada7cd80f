/**
 * The `logfile` part of `npm run bench`: a generated workload of 10^6 steps recorded into a log
 * file as `memhp record` writes it (each step serialised, hashed into the chain and written as the
 * model runs it), then loaded back as every command loads one (read, chain verified, every state
 * rebuilt from the patches), then sought at random. Each figure against a baseline measured in the
 * same run: recording against the bare Uint32Array model, loading against reading the same lines
 * without parsing them, the file against the scenario text it came from, the loaded log's heap
 * against the live log's (measured on the first 10^5 steps), seeks against replaying K steps.
 * One timed run each (a 10^6-step run takes tens of seconds).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelState, Profile } from '../kernel/index.js';
import { applyPatches, hashInput, jsonLines, readLogFile, recordScenario, runScenario, writeLinesAtomic } from '../log/index.js';
import type { HotplugLog } from '../log/index.js';
import { fileLines } from '../log/logfile_fs.js';
import type { LogStep } from '../log/types.js';
import { generateWorkload } from './generate.js';
import type { Workload, WorkloadOptions } from './generate.js';
import { fmtBytes, fmtMs, fmtRatio, fmtUs, heapUsed, sink, timeRuns } from './measure.js';
import { mulberry32 } from '../verify/prng.js';
import { bareRun, runBare } from './workloads.js';

/** Options of the logfile bench. */
export interface LogfileBenchOptions {
  readonly workload: WorkloadOptions;
  readonly seeks: number;
  readonly k: number;
}

/** Run the logfile bench; returns table rows (measure, memhp, baseline, ratio, target). */
export function benchLogfile(profile: Profile, opts: LogfileBenchOptions, progress: (what: string) => void): string[][] {
  const rows: string[][] = [];
  const dir = mkdtempSync(join(tmpdir(), 'memhp-bench-'));
  const path = join(dir, 'bench.memhp');
  try {
    progress(`logfile: generating ${opts.workload.steps} steps`);
    const wl = generateWorkload(profile.geometry, opts.workload);
    const n = wl.ops.length + 1;
    const scenarioBytes = wl.scenario.steps.reduce((b, s) => b + Buffer.byteLength(s.text) + 1, 0);
    const bare = bareRun(profile, wl);
    const bareMs = timeRuns(3, () => undefined, () => runBare(wl, bare), 1).ms;

    progress('logfile: record → file (model, serialise, hash chain, write, as memhp record does)');
    const meta = { input: { name: 'bench', sha256: hashInput(String(opts.workload.seed)) }, kernelLine: wl.scenario.kernel, boot: wl.boot, forkedFrom: null };
    const steps = function* (): Generator<LogStep> {
      for (const r of runScenario(wl.scenario, profile)) yield r.step;
    };
    const write = timeRuns(1, () => undefined, () => writeLinesAtomic(path, jsonLines(profile, opts.k, n, steps(), meta)), 0);
    if (!write.last.ok) throw new Error(write.last.message);
    const bytes = statSync(path).size;
    rows.push([`record → file, ${n - 1} steps`, `${fmtUs(us(write.ms, n))}/step (${fmtMs(write.ms)})`, `bare model: ${fmtUs(us(bareMs, n))}/step`, fmtRatio(write.ms / bareMs), '']);
    rows.push(['  log file on disk', `${fmtBytes(bytes / n)}/step (${fmtBytes(bytes)})`, `scenario text: ${fmtBytes(scenarioBytes / n)}/step`, fmtRatio(bytes / scenarioBytes), '']);

    progress('logfile: read the lines only (baseline)');
    const lines = timeRuns(1, () => undefined, () => {
      let c = 0;
      for (const l of fileLines(path)) c += l.text.length;
      return c;
    }, 0);

    progress('logfile: load (chain verified, states rebuilt from the patches)');
    sink(undefined);
    const before = heapUsed();
    const load = timeRuns(1, () => undefined, () => readLogFile(path, { checkpointEvery: opts.k }), 0);
    if (!load.last.ok || load.last.value.damage !== null || load.last.value.log.length !== n) throw new Error('logfile bench: the log did not load whole');
    const log = load.last.value.log;
    const loadedHeap = heapUsed() - before;
    rows.push(['  load', `${fmtUs(us(load.ms, n))}/step (${fmtMs(load.ms)})`, `lines read, not parsed: ${fmtUs(us(lines.ms, n))}/step`, fmtRatio(load.ms / lines.ms), '']);

    progress('logfile: seek in the loaded log');
    const seek = seekFigures(log, opts);
    rows.push([`  seek ×${opts.seeks} random (K=${opts.k})`, `${fmtUs(seek.seekUs)}/seek`, `${opts.k} patched steps: ${fmtUs(seek.windowUs)}`, fmtRatio(seek.seekUs / seek.windowUs), '']);
    sink(log);
    load.last.value.log.evictCheckpoints();
    const noCheckpoints = heapUsed() - before;
    sink(undefined);

    progress('logfile: heap of the live log on the first 10^5 steps (baseline)');
    const liveHeap = liveHeapPerStep(profile, wl, opts.k);
    rows.push(['  loaded log in memory', `${fmtBytes(loadedHeap / n)}/step (${fmtBytes(loadedHeap)}; ${fmtBytes(noCheckpoints / n)}/step without checkpoints)`, `live log: ${fmtBytes(liveHeap)}/step`, fmtRatio(loadedHeap / n / liveHeap), '']);
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- internal ---

function us(ms: number, n: number): number {
  return (ms * 1000) / n;
}

/** Random stateAt against applying K consecutive steps' patches from a checkpoint. */
function seekFigures(log: HotplugLog, opts: LogfileBenchOptions): { seekUs: number; windowUs: number } {
  const last = log.length - 1;
  const K = opts.k;
  const rng = mulberry32(opts.workload.seed ^ 0x51ed);
  const targets = Array.from({ length: opts.seeks }, () => rng.int(last));
  const bases = Array.from({ length: 200 }, () => K * rng.int(Math.floor((last - K) / K) + 1));
  const baseStates = bases.map((b) => log.stateAt(b));
  const seek = timeRuns(3, () => undefined, () => {
    let s: KernelState | undefined;
    for (const t of targets) s = log.stateAt(t);
    return s;
  });
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

/** Heap per step of a live log (recordScenario) over the first 10^5 steps of the workload. */
function liveHeapPerStep(profile: Profile, wl: Workload, k: number): number {
  const m = Math.min(100_000, wl.scenario.steps.length);
  const part = { ...wl.scenario, steps: wl.scenario.steps.slice(0, m) };
  const before = heapUsed();
  const live = recordScenario(part, profile, { checkpointEvery: k });
  const after = heapUsed();
  sink(live);
  sink(undefined);
  return (after - before) / (m + 1);
}
