/**
 * What-if forks of a log (`memhp fork`): a new log that shares steps 0..N with the original and
 * runs the rest under the same profile with one change. Step numbers are the original's:
 * drop K / replace K name an original step after N; insert puts a new step right after N. The
 * original log is only read.
 *
 * The model is pure (the same profile, state, operation and injected failures give the same step),
 * so the fork runs the model only while its state differs from the original's at the matching
 * point: when the fork is about to run the original's step i from a state equal to the original's
 * state before step i — the same sections field by field, roots, once sites,
 * __highest_present_section_nr and ZONE_DEVICE ranges, compared only where either run wrote since
 * they last agreed (query/fork_converge.ts) — step i and every consecutive original step after it
 * are the original's, renumbered: new RecordedStep objects with the original's outcome, changes and
 * expectation results, no model run. The result is the same, step for step, as running every step
 * again (test/fork_converge.test.ts). A reused step's state is the original's state at that step;
 * only the states the new log keeps (checkpoints and the last) are built, the others on demand.
 * While the states still differ, a step whose read set (model/step_reads.ts) holds nothing that
 * differs — its sections and roots, the global fields it reads, every once site — is the
 * original's step too: its outcome and changes are taken over, applied to the fork's own state, and
 * only its expectations are checked anew. Only the steps that read a difference run the model.
 */
import type { Failed } from '../kernel/errors.js';
import type { ScenarioStep } from '../inputs/types.js';
import type { KernelState } from '../kernel/types.js';
import { step } from '../model/model.js';
import { HotplugLog } from '../log/log.js';
import type { LogOptions } from '../log/log.js';
import { RecordedStep, scenarioStepOf } from '../log/record.js';
import { checkExpectations } from '../log/expectations.js';
import { Divergence } from './fork_converge.js';
import { stepReads } from '../model/step_reads.js';
import { applyChangesTo } from '../log/apply_table.js';

/** The change a fork makes after its last shared step. */
export type ForkEdit =
  | { readonly kind: 'drop'; readonly step: number }
  | { readonly kind: 'insert'; readonly op: ScenarioStep }
  | { readonly kind: 'replace'; readonly step: number; readonly op: ScenarioStep };

/** A forked log, and how many of its steps after N were the original's reused (the rest ran the model). */
export interface Forked {
  readonly ok: true;
  readonly log: HotplugLog;
  readonly reused: number;
}

/**
 * Fork `log` after step `at`: steps 0..at copied, then the original's operations after `at`
 * (`steps[i - 1]` is the operation of step i; null: the log's own records say, as in a log read
 * from a file, without holding them all at once) with `edit` applied, each run again with its
 * expectations checked anew — or, once the fork's state is back at the original's, reused from it.
 * An inserted or replacing operation carries no expectations.
 */
export function forkLog(log: HotplugLog, steps: readonly ScenarioStep[] | null, at: number, edit: ForkEdit, opts: LogOptions = {}): Forked | Failed {
  const last = log.length - 1;
  if (steps !== null && steps.length !== last) return { ok: false, code: 'E_LOG', message: `the log has ${log.length} steps but ${steps.length} operations` };
  if (!Number.isInteger(at) || at < 0 || at > last) return { ok: false, code: 'E_USAGE', message: `--at ${at} is not a step of the log (steps run from 0 to ${last})` };
  if (edit.kind !== 'insert' && (edit.step <= at || edit.step > last)) {
    const range = at < last ? `a step from ${at + 1} to ${last}` : `a step after ${at}, and step ${at} is the last`;
    return { ok: false, code: 'E_USAGE', message: `--${edit.kind} ${edit.step}: needs ${range} (steps up to --at ${at} are shared)` };
  }
  const out = new HotplugLog(log.profile, { checkpointEvery: opts.checkpointEvery ?? log.checkpointEvery });
  const src = sources(at, last, edit);
  const total = at + 1 + src.count;
  for (let i = 0; i <= at; i++) {
    const o = log.step(i);
    const state = stateFor(log, i, kept(out, i, total));
    if (o instanceof RecordedStep) out.appendTaken(o, state, log, i);
    else out.append(o, state);
  }

  const profile = log.profile;
  const spr = profile.geometry.SECTIONS_PER_ROOT;
  let state = log.stateAt(at);
  let div = new Divergence(profile, state);
  let orig = at; // the original step whose state the Divergence compares with
  let reused = 0;
  // Steps that keep no compact changes (not RecordedStep) give nothing to compare with: run them all.
  // A compact log holds RecordedSteps only (HotplugLog.compact): no need to decode every step to know.
  let comparable = true;
  if (!log.compact) for (let i = at + 1; i <= last && comparable; i++) comparable = log.step(i) instanceof RecordedStep;
  for (let k = 0; k < src.count; ) {
    const from = src.of(k);
    if (comparable && from !== null) {
      for (; orig < from - 1; orig++) div.origStep((log.step(orig + 1) as RecordedStep).changes);
      if (div.converged(state)) {
        // Back at the original's state: its steps from `from` on are the fork's, while they follow on.
        let n = from;
        for (;;) {
          const o = log.step(n) as RecordedStep;
          const op = steps !== null ? (steps[n - 1] as ScenarioStep) : scenarioStepOf(o);
          if (op === null) return noOperation(n);
          const seq = out.length;
          k++;
          const runEnds = k === src.count || src.of(k) !== n + 1;
          out.appendTaken(new RecordedStep(seq, op.source, op.text, op.op, op.inject, o.expects, o.outcome, o.changes, spr), stateFor(log, n, runEnds || kept(out, seq, total)), log, n);
          reused++;
          if (runEnds) break;
          n++;
        }
        orig = n;
        if (k < src.count) {
          state = out.live;
          div = new Divergence(profile, state);
        }
        continue;
      }
    }
    const s = from === null ? (edit as { op: ScenarioStep }).op : steps !== null ? (steps[from - 1] as ScenarioStep) : scenarioStepOf(log.step(from));
    if (s === null) return noOperation(from as number);
    const reads = comparable && from !== null ? stepReads(profile.geometry, s.op) : null;
    if (from !== null && reads !== null && div.clean(reads, state)) {
      // Everything the step may read is as in the original: it does what it did there (its record
      // is the original's; only expectations, which may look at any section, are checked anew).
      const o = log.step(from) as RecordedStep;
      const next = applyChangesTo(state, o.changes, spr);
      const seq = out.length;
      const expects = s.expects.length === 0 ? o.expects : checkExpectations(profile, s.expects, o.outcome, next);
      const taken = new RecordedStep(seq, s.source, s.text, s.op, s.inject, expects, o.outcome, o.changes, spr);
      if (expects === o.expects) out.appendTaken(taken, next, log, from);
      else out.append(taken, next);
      div.bothStep(o.changes);
      orig = from;
      state = next;
      reused++;
      k++;
      continue;
    }
    const r = step(profile, state, s.op, s.inject);
    const seq = out.length;
    out.append(RecordedStep.of(seq, s.source, s.text, s.op, s.inject, checkExpectations(profile, s.expects, r.outcome, r.state), r, profile), r.state);
    div.forkStep(r.changes);
    state = r.state;
    k++;
  }
  return { ok: true, log: out, reused };
}

// --- internal ---

/** What a fork says of an original step after boot that ran no operation (a log file may hold one). */
function noOperation(seq: number): Failed {
  return { ok: false, code: 'E_LOG', message: `step ${seq} of the log has no operation to run again` };
}

/** The fork's steps after `at`: how many, and for the k-th (0-based) the original step it is, or null for the edit's operation. */
function sources(at: number, last: number, edit: ForkEdit): { count: number; of: (k: number) => number | null } {
  const count = last - at;
  if (edit.kind === 'insert') return { count: count + 1, of: (k) => (k === 0 ? null : at + k) };
  if (edit.kind === 'drop') return { count: count - 1, of: (k) => (at + 1 + k < edit.step ? at + 1 + k : at + 2 + k) };
  return { count, of: (k) => (at + 1 + k === edit.step ? null : at + 1 + k) };
}

/** Whether the new log keeps the state after its step `seq` (a checkpoint, or its last step). */
function kept(out: HotplugLog, seq: number, total: number): boolean {
  return seq % out.checkpointEvery === 0 || seq === total - 1;
}

/** The original's state after step `n`: built now when `now`, else on first read. */
function stateFor(log: HotplugLog, n: number, now: boolean): KernelState {
  return now ? log.stateAt(n) : new LazyState(log, n);
}

/** A state the new log does not keep (not a checkpoint, not the last): the original's, built from it when read. */
class LazyState implements KernelState {
  private state: KernelState | undefined;

  constructor(
    private readonly log: HotplugLog,
    private readonly n: number,
  ) {}

  get roots(): KernelState['roots'] {
    return this.get().roots;
  }

  get highestPresentSectionNr(): number {
    return this.get().highestPresentSectionNr;
  }

  get once(): KernelState['once'] {
    return this.get().once;
  }

  get deviceRanges(): KernelState['deviceRanges'] {
    return this.get().deviceRanges;
  }

  private get(): KernelState {
    return (this.state ??= this.log.stateAt(this.n));
  }
}
