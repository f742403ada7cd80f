/** Record a scenario into a log: boot as step 0, then one step per operation, expectations checked. */
import type { Operation, Scenario, ScenarioStep, SourceLoc } from '../events/types.js';
import { bootState, step } from '../machines/model.js';
import type { StepResult } from '../machines/model.js';
import { ChangeSet } from '../machines/changes.js';
import type { Changes } from '../machines/changes.js';
import type { InjectedFailure, KernelState, Outcome, Profile } from '../machines/types.js';
import { checkExpectations } from './expectations.js';
import { HotplugLog } from './log.js';
import type { LogOptions } from './log.js';
import type { ExpectResult, LogStep } from './types.js';

/** Run every step of `scenario` under `profile` and return the log. */
export function recordScenario(scenario: Scenario, profile: Profile, opts: LogOptions = {}): HotplugLog {
  const log = new HotplugLog(profile, opts);
  for (const r of runScenario(scenario, profile)) log.append(r.step, r.state);
  return log;
}

/** Boot and every step of `scenario`, one at a time with the state after it, nothing kept (for writing a log as it runs). */
export function* runScenario(scenario: Scenario, profile: Profile): Generator<{ step: RecordedStep; state: KernelState }> {
  const boot = bootState(profile, scenario.boot);
  const expects = checkExpectations(profile, scenario.bootExpects, boot.outcome, boot.state);
  yield { step: RecordedStep.of(0, scenario.boot.source, 'boot', null, NO_INJECT, expects, boot, profile), state: boot.state };
  yield* runSteps(profile, boot.state, 1, scenario.steps);
}

/** Run `steps` after the log's last step (under the log's profile), appending each; returns the log. */
export function appendSteps(log: HotplugLog, steps: readonly ScenarioStep[]): HotplugLog {
  for (const r of runSteps(log.profile, log.live, log.length, steps)) log.append(r.step, r.state);
  return log;
}

/** `steps` run from `state`, numbered from `seq`, each with the state after it. */
function* runSteps(profile: Profile, state: KernelState, seq: number, steps: readonly ScenarioStep[]): Generator<{ step: RecordedStep; state: KernelState }> {
  for (const s of steps) {
    const r = step(profile, state, s.op, s.inject);
    yield { step: RecordedStep.of(seq++, s.source, s.text, s.op, s.inject, checkExpectations(profile, s.expects, r.outcome, r.state), r, profile), state: r.state };
    state = r.state;
  }
}

/** A step as the log keeps it: its changes stay compact, patches are expanded when asked for. */
export class RecordedStep extends ChangeSet implements LogStep {
  constructor(
    readonly seq: number,
    readonly source: SourceLoc,
    readonly text: string,
    readonly op: Operation | null,
    readonly inject: readonly InjectedFailure[],
    readonly expects: readonly ExpectResult[],
    readonly outcome: Outcome,
    changes: Changes,
    sectionsPerRoot: number,
  ) {
    super(changes, sectionsPerRoot);
  }

  /** A log step from a model step (keeps the outcome and the changes, not the state). */
  static of(seq: number, source: SourceLoc, text: string, op: Operation | null, inject: readonly InjectedFailure[], expects: readonly ExpectResult[], r: StepResult, p: Profile): RecordedStep {
    return new RecordedStep(seq, source, text, op, inject, expects, r.outcome, r.changes, p.geometry.SECTIONS_PER_ROOT);
  }
}

const NO_INJECT: readonly InjectedFailure[] = Object.freeze([]);

/** The expectations that failed, in step order. */
export function failedExpectations(log: HotplugLog): Array<{ seq: number; result: ExpectResult }> {
  const out: Array<{ seq: number; result: ExpectResult }> = [];
  for (const s of log.steps) for (const e of s.expects) if (!e.ok) out.push({ seq: s.seq, result: e });
  return out;
}
