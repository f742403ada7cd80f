/** Record a scenario into a log: boot as step 0, then one step per operation, expectations checked. */
import type { Scenario, ScenarioStep } from '../inputs/types.js';
import { bootState, step } from '../model/model.js';
import type { InjectedFailure, KernelState, Profile } from '../kernel/types.js';
import { checkExpectations } from './expectations.js';
import { HotplugLog } from './log.js';
import type { LogOptions } from './log.js';
import type { ExpectResult, LogStep } from './types.js';
import { RecordedStep } from './recorded_step.js';

export { RecordedStep };

/** Run every step of `scenario` under `profile` and return the log. */
export function recordScenario(scenario: Scenario, profile: Profile, opts: LogOptions = {}): HotplugLog {
  const log = new HotplugLog(profile, opts);
  const boot = bootStep(scenario, profile);
  log.append(boot.step, boot.state);
  return appendSteps(log, scenario.steps);
}

/** Run `steps` after the log's last step (under the log's profile), appending each; returns the log. */
export function appendSteps(log: HotplugLog, steps: readonly ScenarioStep[]): HotplugLog {
  for (const s of steps) {
    const r = runStep(log.profile, log.length, s, log.live);
    log.append(r.step, r.state);
  }
  return log;
}

/** Boot and every step of `scenario`, one at a time with the state after it, nothing kept (for writing a log as it runs). */
export function* runScenario(scenario: Scenario, profile: Profile): Generator<StepAndState> {
  let r = bootStep(scenario, profile);
  yield r;
  for (const s of scenario.steps) {
    r = runStep(profile, r.step.seq + 1, s, r.state);
    yield r;
  }
}

/** A recorded step and the state after it. */
export interface StepAndState {
  readonly step: RecordedStep;
  readonly state: KernelState;
}

function bootStep(scenario: Scenario, profile: Profile): StepAndState {
  const boot = bootState(profile, scenario.boot);
  const expects = checkExpectations(profile, scenario.bootExpects, boot.outcome, boot.state);
  return { step: RecordedStep.of(0, scenario.boot.source, 'boot', null, NO_INJECT, expects, boot, profile), state: boot.state };
}

function runStep(profile: Profile, seq: number, s: ScenarioStep, state: KernelState): StepAndState {
  const r = step(profile, state, s.op, s.inject);
  return { step: RecordedStep.of(seq, s.source, s.text, s.op, s.inject, checkExpectations(profile, s.expects, r.outcome, r.state), r, profile), state: r.state };
}

const NO_INJECT: readonly InjectedFailure[] = Object.freeze([]);

/** The scenario step a log step ran: its operation, injected failures, source and expect lines (null for boot, which runs none). */
export function scenarioStepOf(s: LogStep): ScenarioStep | null {
  if (s.op === null) return null;
  return { op: s.op, inject: s.inject, source: s.source, text: s.text, expects: s.expects.map((e) => ({ expect: e.expect, source: e.source, text: e.text })) };
}

/** The expectations that failed, in step order. */
export function failedExpectations(log: HotplugLog): Array<{ seq: number; result: ExpectResult }> {
  const out: Array<{ seq: number; result: ExpectResult }> = [];
  for (const s of log.walk()) for (const e of s.expects) if (!e.ok) out.push({ seq: s.seq, result: e });
  return out;
}
