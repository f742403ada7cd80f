/**
 * The peers part of `npm run bench` (issue 17): memhp's log against what a user would pick instead,
 * on the bench's own generated workload (bench/generate.ts, DEFAULT_WORKLOAD with 10^4 and 10^5
 * steps, the --seed given), the three in one process with a gc between them:
 *
 *   memhp    — recordScenario (bench/workloads.ts recordLogged): outcomes, compact changes, inverse
 *              patches, a checkpoint every K steps; seek = log.stateAt(i); skipping step 2 =
 *              forkLog(log, steps, 1, drop 2), what `memhp fork --at 1 --drop 2` does.
 *   DevTools — memhp's step() as the reducer of a Redux store under @redux-devtools/instrument 3.0.0,
 *              no maxAge: it keeps every action and every state (bench/peer_logs.ts); jump =
 *              jumpToState(i) + getState(); skipping step 2 = toggleAction of its action.
 *   immer    — the naive produceWithPatches log (bench/peer_logs.ts), a second peer with no target.
 *
 * For each: record time (median of --runs after a warm-up; a contender whose warm-up takes more
 * than CAP_MS is measured by that one run, and its row says so), heap retained by the recorded log
 * or store (gc'd heap plus buffers — memhp's blocks live outside the heap — before and after the recording, the result kept alive), the mean of
 * `seeks` jumps to random steps (the same steps for all), and the time to skip step 2.
 * instrument copies its action-id and computed-state arrays on every action, so its recording is
 * quadratic (3·10^4 steps took 123 s here): the store stops recording after DEVTOOLS_BUDGET_MS, and
 * then the record row and verdict say how many steps it held — its time for the whole workload is
 * at least what was measured, so that ratio is a bound (≥). Its retained memory, jumps and toggles
 * are then measured on the store of the whole workload built by instrument's importState (the same
 * lifted state, computed in one pass), and their rows say so.
 * Targets at both sizes: memhp records ≥3× faster than DevTools, retains ≤1/3 of its memory, drops
 * an early step ≥10× faster than DevTools toggles it, and seeks within 10× of its jump. A second
 * fork row, without a target, drops the first successful __add_pages after step 2 instead: a step
 * whose effect later steps undo, so the fork meets the original again and reuses the rest of it.
 */
import type { KernelState, Profile } from '../kernel/index.js';
import { bootState } from '../model/index.js';
import { forkLog } from '../query/index.js';
import type { HotplugLog } from '../log/index.js';
import { mulberry32 } from '../verify/prng.js';
import { DEFAULT_WORKLOAD, generateWorkload } from './generate.js';
import type { Workload } from './generate.js';
import { fmtBytes, fmtMs, fmtRatio, fmtUs, median, memoryUsed, settle, sink } from './measure.js';
import type { Verdict } from './measure.js';
import { devToolsActionId, dropImmer, importDevTools, jumpDevTools, recordDevTools, recordImmer, toggleDevTools } from './peer_logs.js';
import type { DevToolsStore, ImmerEntry } from './peer_logs.js';
import { recordLogged } from './workloads.js';

/** The workload sizes measured. */
export const PEER_SIZES = [10_000, 100_000] as const;
/** A contender whose warm-up run takes longer than this is measured by that run alone. */
const CAP_MS = 10_000;
/** The DevTools store stops recording after this long (its recording is quadratic: 3·10^4 steps took 123 s on 2 cores). */
const DEVTOOLS_BUDGET_MS = 60_000;
const TARGETS = { record: 3, memory: 1 / 3, fork: 10, seek: 10 } as const;

/** Options of the peers part. */
export interface PeerOptions {
  readonly profile: Profile;
  readonly seed: number;
  readonly runs: number;
  readonly seeks: number;
  readonly k: number;
  /** Workload sizes (default PEER_SIZES). */
  readonly sizes?: readonly number[];
  readonly progress: (what: string) => void;
}

/** Rows for the bench table and one verdict per target and size. */
export function benchPeers(o: PeerOptions): { rows: string[][]; verdicts: Verdict[] } {
  const rows: string[][] = [];
  const verdicts: Verdict[] = [];
  const command = `node dist/bench/run.js --only peers --seed ${o.seed} --runs ${o.runs} --seeks ${o.seeks} --k ${o.k} --no-report`;
  for (const n of o.sizes ?? PEER_SIZES) {
    const wl = generateWorkload(o.profile.geometry, { ...DEFAULT_WORKLOAD, steps: n, seed: o.seed });
    const size = Number.isInteger(Math.log10(n)) ? `10^${Math.log10(n)}` : String(n);
    const m = measureSize(o, wl, size);
    const r = (a: Figures, b: Figures, f: (x: Figures) => number): number => f(a) / f(b);
    const recordX = r(m.devtools, m.memhp, (x) => x.record.ms);
    const memX = r(m.memhp, m.devtools, (x) => x.retained);
    const forkX = r(m.devtools, m.memhp, (x) => x.drop.ms);
    const seekX = r(m.memhp, m.devtools, (x) => x.jumpUs);
    // A recording stopped before the end is a lower bound of the whole run's time; the store measured after it holds every step (importState).
    const d = m.devtools;
    const partial = d.recorded < n;
    const ge = partial ? '≥' : '';
    const dtRecord = partial ? `DevTools: stopped after ${fmtMs(d.record.ms)} with ${d.recorded} of ${n} steps recorded (1 run)` : `DevTools: ${recTime(d, n)}`;
    const bound = partial ? `; DevTools recorded ${d.recorded} of ${n} steps: a bound` : '';
    const whole = partial ? ` (store of all ${n} steps built by importState)` : '';
    // A bound on the wrong side of its target decides nothing.
    const shown = (ok: boolean): string => (partial && !ok ? 'not shown: ' : '');
    rows.push([`peers ${size}: record ${n} steps`, recTime(m.memhp, n), dtRecord, `${ge}${fmtRatio(recordX)} faster`, `≥${TARGETS.record}× faster`]);
    rows.push(['  retained after recording', retained(m.memhp, n), `DevTools: ${retained(d, n)}${whole}`, fmtRatio(memX), '≤0.33×']);
    rows.push([`  seek ×${o.seeks} random`, `${fmtUs(m.memhp.jumpUs)}/seek (stateAt)`, `DevTools: ${fmtUs(d.jumpUs)}/jump (jumpToState + getState)`, fmtRatio(seekX), `≤${TARGETS.seek}×`]);
    rows.push(['  skip step 2', `${timing(m.memhp.drop)} (fork --at 1 --drop 2, ${m.memhp.reused} steps reused)`, `DevTools: ${timing(d.drop)} (toggleAction)`, `${fmtRatio(forkX)} faster`, `≥${TARGETS.fork}× faster`]);
    rows.push([`  skip step ${m.washOut.step} (an add undone later)`, `${timing(m.washOut.memhp)} (fork --at 1 --drop ${m.washOut.step}, ${m.washOut.reused} steps reused)`, `DevTools: ${timing(m.washOut.devtools)} (toggleAction)`, `${fmtRatio(m.washOut.devtools.ms / m.washOut.memhp.ms)} faster`, '']);
    rows.push([`  immer log ${size}: record`, recTime(m.memhp, n), `immer: ${recTime(m.immer, n)}`, `${fmtRatio(m.immer.record.ms / m.memhp.record.ms)} faster`, '']);
    rows.push(['    retained', retained(m.memhp, n), `immer: ${retained(m.immer, n)}`, fmtRatio(m.memhp.retained / m.immer.retained), '']);
    rows.push(['    seek / read a stored state', `${fmtUs(m.memhp.jumpUs)}/seek`, `immer: ${fmtUs(m.immer.jumpUs)}/read`, fmtRatio(m.memhp.jumpUs / m.immer.jumpUs), '']);
    rows.push(['    skip step 2', timing(m.memhp.drop), `immer: ${timing(m.immer.drop)} (steps 3.. run again)`, `${fmtRatio(m.immer.drop.ms / m.memhp.drop.ms)} faster`, '']);
    verdicts.push({ name: `record ≥${TARGETS.record}× faster than DevTools (${size} steps)`, ok: recordX >= TARGETS.record, value: `${shown(recordX >= TARGETS.record)}${ge}${fmtRatio(recordX)}: ${fmtMs(m.memhp.record.ms)} vs ${fmtMs(d.record.ms)}${bound}`, command });
    verdicts.push({ name: `retained ≤1/3 of DevTools' (${size} steps)`, ok: memX <= TARGETS.memory, value: `${fmtRatio(memX)}: ${fmtBytes(m.memhp.retained)} vs ${fmtBytes(d.retained)}${whole}`, command });
    verdicts.push({ name: `fork --drop 2 ≥${TARGETS.fork}× faster than DevTools' toggle (${size} steps)`, ok: forkX >= TARGETS.fork, value: `${fmtRatio(forkX)}: ${fmtMs(m.memhp.drop.ms)} vs ${fmtMs(d.drop.ms)}${whole}`, command });
    verdicts.push({ name: `seek within ${TARGETS.seek}× of DevTools' jump (${size} steps)`, ok: seekX <= TARGETS.seek, value: `${fmtRatio(seekX)}: ${fmtUs(m.memhp.jumpUs)} vs ${fmtUs(d.jumpUs)}${whole}`, command });
  }
  return { rows, verdicts };
}

// --- internal ---

/** Milliseconds of a measured body: the median of `runs` runs, or one capped run. */
interface Time {
  readonly ms: number;
  readonly runs: number;
  readonly capped: boolean;
}

/** What one contender measured at one size. */
interface Figures {
  readonly record: Time;
  readonly retained: number;
  readonly jumpUs: number;
  readonly drop: Time;
}

interface SizeFigures {
  readonly memhp: Figures & { readonly reused: number };
  readonly devtools: Figures & { readonly recorded: number };
  readonly immer: Figures;
  readonly washOut: { readonly step: number; readonly memhp: Time; readonly devtools: Time; readonly reused: number };
}

function measureSize(o: PeerOptions, wl: Workload, size: string): SizeFigures {
  const rng = mulberry32(o.seed ^ 0x5ee4);
  const targets = Array.from({ length: o.seeks }, () => rng.int(wl.ops.length + 1));
  // One contender at a time: each function's log or store is garbage once it returns.
  const memhp = measureMemhp(o, wl, size, targets);
  settle();
  const devtools = measureDevTools(o, wl, size, targets, memhp);
  settle();
  const immer = measureImmer(o, wl, size, targets);
  settle();
  return { memhp, devtools, immer, washOut: { step: memhp.washStep, memhp: memhp.wash, devtools: devtools.wash, reused: memhp.washReused } };
}

/** memhp's log: record, seek, fork --drop 2 and --drop of the first undone add. */
function measureMemhp(o: PeerOptions, wl: Workload, size: string, targets: readonly number[]): Figures & { reused: number; washStep: number; wash: Time; washReused: number; boot: string; live: string } {
  o.progress(`peers ${size}: memhp record`);
  const rec = recordTimed(o.runs, () => recordLogged(o.profile, wl, o.k));
  const log: HotplugLog = rec.last;
  const steps = wl.scenario.steps;
  const washStep = firstAdd(log);
  o.progress(`peers ${size}: memhp seek, fork --drop 2, --drop ${washStep}`);
  const seekMs = timed(o.runs, () => {
    let s: KernelState | undefined;
    for (const i of targets) s = log.stateAt(i);
    return s;
  }).ms;
  const fork = (k: number): { time: Time; reused: number } => {
    let reused = 0;
    const time = timed(o.runs, () => {
      const r = forkLog(log, steps, 1, { kind: 'drop', step: k });
      if (!r.ok) throw new Error(r.message);
      reused = r.reused;
      return r.log;
    });
    return { time, reused };
  };
  const drop = fork(2);
  const wash = fork(washStep);
  return {
    record: rec.time,
    retained: rec.retained,
    jumpUs: (seekMs * 1000) / targets.length,
    drop: drop.time,
    reused: drop.reused,
    washStep,
    wash: wash.time,
    washReused: wash.reused,
    boot: JSON.stringify(log.stateAt(0)),
    live: JSON.stringify(log.live),
  };
}

/**
 * The DevTools store: record, jump, toggle step 2 and the same undone add as memhp's. A recording
 * stopped by its budget is timed as a bound; the store for the rest (retained memory, jumps,
 * toggles) is then the whole workload's, built by importDevTools (the rows say so when fewer steps were recorded).
 */
function measureDevTools(o: PeerOptions, wl: Workload, size: string, targets: readonly number[], memhp: { washStep: number; boot: string; live: string }): Figures & { wash: Time; recorded: number } {
  o.progress(`peers ${size}: DevTools record`);
  const boot = bootState(o.profile, wl.boot).state;
  const rec = dispatchDevTools(o, wl, boot);
  const recorded = rec.recorded;
  let store = rec.store;
  let retainedBytes = rec.retained;
  if (store === null) {
    o.progress(`peers ${size}: DevTools importState of all ${wl.ops.length} steps`);
    const before = memoryUsed();
    settle();
    store = importDevTools(o.profile, boot, wl.scenario.steps);
    retainedBytes = memoryUsed() - before;
  }
  if (JSON.stringify(store.getState()) !== memhp.live || JSON.stringify(jumpDevTools(store, 0)) !== memhp.boot) throw new Error("DevTools: its states are not memhp's");
  o.progress(`peers ${size}: DevTools jump, toggle step 2, ${memhp.washStep}`);
  const jumpMs = timed(o.runs, () => {
    let s: KernelState | undefined;
    for (const i of targets) s = jumpDevTools(store, i);
    return s;
  }).ms;
  const toggle = (step: number): Time => {
    const id = devToolsActionId(store, step, wl.ops[step - 1] as KernelOp);
    // Each run flips the action (skipped, then not): both recompute every later state.
    return timed(o.runs, () => toggleDevTools(store, id));
  };
  return { record: rec.time, retained: retainedBytes, jumpUs: (jumpMs * 1000) / targets.length, drop: toggle(2), wash: toggle(memhp.washStep), recorded };
}

/** DevTools' recording action by action, timed; its store (null when the budget stopped it: garbage by the time this returns). */
function dispatchDevTools(o: PeerOptions, wl: Workload, boot: KernelState): { time: Time; retained: number; recorded: number; store: DevToolsStore | null } {
  const rec = recordTimed(o.runs, () => recordDevTools(o.profile, boot, wl.scenario.steps, DEVTOOLS_BUDGET_MS), (r) => r.recorded < wl.ops.length);
  const recorded = rec.last.recorded;
  return { time: rec.time, retained: rec.retained, recorded, store: recorded < wl.ops.length ? null : rec.last.store };
}

/** The naive immer log: record, read a stored state, drop step 2 (run the rest again). */
function measureImmer(o: PeerOptions, wl: Workload, size: string, targets: readonly number[]): Figures {
  o.progress(`peers ${size}: immer record`);
  const boot = bootState(o.profile, wl.boot).state;
  const rec = recordTimed(o.runs, () => recordImmer(o.profile, boot, wl.scenario.steps));
  const log: ImmerEntry[] = rec.last;
  const readMs = timed(o.runs, () => {
    let s: KernelState | undefined;
    for (const i of targets) s = (log[i] as ImmerEntry).state;
    return s;
  }).ms;
  o.progress(`peers ${size}: immer drop step 2`);
  const drop = timed(o.runs, () => dropImmer(o.profile, log, wl.scenario.steps, 2));
  return { record: rec.time, retained: rec.retained, jumpUs: (readMs * 1000) / targets.length, drop };
}

type KernelOp = Workload['ops'][number];

/** The first successful __add_pages after step 2 (the workload's driver removes what it added, so later steps usually undo it). */
function firstAdd(log: HotplugLog): number {
  for (let i = 3; i < log.length; i++) {
    const s = log.step(i);
    if (s.op?.kind === '__add_pages' && s.outcome.ret === 0) return i;
  }
  return 2;
}

/**
 * Time `body` like timeRuns (a gc before each run, median of `runs` after one warm-up), unless the
 * warm-up takes more than CAP_MS: then that run is the measurement. Also the heap the last run's
 * result retains (gc'd heap plus buffers before it and after it, the result alive).
 */
function recordTimed<R>(runs: number, body: () => R, partial: (r: R) => boolean = () => false): { time: Time; retained: number; last: R } {
  const out: number[] = [];
  let last: R | undefined;
  let retained = 0;
  for (let i = 0; i <= runs; i++) {
    last = undefined;
    sink(undefined);
    const before = memoryUsed();
    settle();
    const t0 = performance.now();
    last = body();
    const t = performance.now() - t0;
    sink(last);
    retained = memoryUsed() - before;
    if (i > 0) out.push(t);
    else if (t > CAP_MS || partial(last)) return { time: { ms: t, runs: 1, capped: true }, retained, last };
  }
  return { time: { ms: median(out), runs, capped: false }, retained, last: last as R };
}

/** Time `body` (gc before each run, median of `runs` after one warm-up, or one capped run). */
function timed(runs: number, body: () => unknown): Time {
  const out: number[] = [];
  for (let i = 0; i <= runs; i++) {
    sink(undefined);
    settle();
    const t0 = performance.now();
    sink(body());
    const t = performance.now() - t0;
    if (i > 0) out.push(t);
    else if (t > CAP_MS) return { ms: t, runs: 1, capped: true };
  }
  return { ms: median(out), runs, capped: false };
}

function timing(t: Time): string {
  return t.capped ? `${fmtMs(t.ms)} (1 run: capped)` : fmtMs(t.ms);
}

function recTime(f: Figures, n: number): string {
  return `${timing(f.record)}, ${fmtUs((f.record.ms * 1000) / (n + 1))}/step`;
}

function retained(f: Figures, n: number): string {
  return `${fmtBytes(f.retained)} (${fmtBytes(f.retained / (n + 1))}/step)`;
}
