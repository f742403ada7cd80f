/**
 * The measured bodies: the workload through memhp with its log, the same through the bare model,
 * and a cross-check that both made the same decisions (so the ratio compares equal work).
 */
import type { Workload } from './generate.js';
import { BareModel } from './bare.js';
import { getSection } from '../model/index.js';
import type { Profile } from '../kernel/index.js';
import { recordScenario } from '../log/index.js';
import type { HotplugLog } from '../log/index.js';

/** Boot plus every operation through the model, each step appended to a log (recordScenario). */
export function recordLogged(profile: Profile, wl: Workload, checkpointEvery: number): HotplugLog {
  return recordScenario(wl.scenario, profile, { checkpointEvery });
}

/** A bare model and a return-code buffer sized for `wl`, reusable across runs. */
export interface BareRun {
  readonly model: BareModel;
  /** Per step: __add_pages' return code, __remove_pages' number of WARNs. */
  readonly codes: Int32Array;
}

/** A fresh BareRun for `wl`. */
export function bareRun(profile: Profile, wl: Workload): BareRun {
  return { model: new BareModel(profile.geometry, wl.sectionLimit), codes: new Int32Array(wl.ops.length) };
}

/**
 * Boot plus every operation through the bare model (reset first). One instance is reused across
 * runs: a fresh one per run lets the gc between runs collect the old one, and V8 then throws away
 * the optimised code that referenced it ("weak objects" deopts), timing the JIT instead of the model.
 */
export function runBare(wl: Workload, run: BareRun): BareRun {
  const m = run.model;
  const codes = run.codes;
  m.reset();
  m.boot(wl.boot.ranges);
  const ops = wl.ops;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op === undefined) continue;
    if (op.kind === '__add_pages') codes[i] = m.addPages(op.pfn, op.nr_pages);
    else if (op.kind === '__remove_pages') codes[i] = m.removePages(op.pfn, op.nr_pages);
  }
  return run;
}

/** What the workload did, per the model's log. */
export interface OutcomeMix {
  readonly addOk: number;
  readonly addEexist: number;
  readonly addEinval: number;
  readonly removeOk: number;
  readonly removeWarned: number;
  readonly patchesPerStep: number;
}

/** Compare the log with the bare run step by step and section by section; throws on a mismatch. */
export function crossCheck(profile: Profile, wl: Workload, log: HotplugLog, bare: BareRun): OutcomeMix {
  let addOk = 0;
  let addEexist = 0;
  let addEinval = 0;
  let removeOk = 0;
  let removeWarned = 0;
  let patches = 0;
  for (let i = 0; i < wl.ops.length; i++) {
    const op = wl.ops[i];
    const s = log.step(i + 1);
    patches += s.patches.length;
    const code = bare.codes[i] ?? 0;
    if (op?.kind === '__add_pages') {
      if (s.outcome.ret !== code) throw new Error(`cross-check: step ${i + 1} (${s.text}): memhp ret ${s.outcome.ret}, bare ${code}`);
      if (code === 0) addOk++;
      else if (code === -17) addEexist++;
      else addEinval++;
    } else {
      const warns = s.outcome.warnings.filter((w) => w.kind === 'WARN').length;
      if (warns !== code) throw new Error(`cross-check: step ${i + 1} (${s.text}): memhp ${warns} WARN(s), bare ${code}`);
      if (code === 0) removeOk++;
      else removeWarned++;
    }
  }
  const state = log.live;
  for (let nr = 0; nr < wl.sectionLimit; nr++) {
    const ms = getSection(profile, state, nr);
    const want = bare.model.map(nr);
    const got = [ms?.subsectionMap[0] ?? 0, ms?.subsectionMap[1] ?? 0];
    if (got[0] !== want[0] || got[1] !== want[1]) {
      throw new Error(`cross-check: section ${nr} subsection_map memhp [${got.join(',')}], bare [${want.join(',')}]`);
    }
  }
  return { addOk, addEexist, addEinval, removeOk, removeWarned, patchesPerStep: patches / Math.max(1, wl.ops.length) };
}
