/** Record a scenario into a log: boot as step 0, then one step per operation, expectations checked. */
import type { Scenario } from '../events/types.js';
import { bootState, step } from '../machines/model.js';
import type { Profile } from '../machines/types.js';
import { checkExpectations } from './expectations.js';
import { HotplugLog } from './log.js';
import type { LogOptions } from './log.js';
import type { ExpectResult } from './types.js';

/** Run every step of `scenario` under `profile` and return the log. */
export function recordScenario(scenario: Scenario, profile: Profile, opts: LogOptions = {}): HotplugLog {
  const log = new HotplugLog(profile, opts);
  const boot = bootState(profile, scenario.boot);
  log.append(
    {
      seq: 0,
      source: scenario.boot.source,
      text: 'boot',
      op: null,
      inject: [],
      outcome: boot.outcome,
      expects: checkExpectations(profile, scenario.bootExpects, boot.outcome, boot.state),
      patches: boot.patches,
      inversePatches: boot.inversePatches,
    },
    boot.state,
  );
  for (const s of scenario.steps) {
    const r = step(profile, log.live, s.op, s.inject);
    log.append(
      {
        seq: log.length,
        source: s.source,
        text: s.text,
        op: s.op,
        inject: s.inject,
        outcome: r.outcome,
        expects: checkExpectations(profile, s.expects, r.outcome, r.state),
        patches: r.patches,
        inversePatches: r.inversePatches,
      },
      r.state,
    );
  }
  return log;
}

/** The expectations that failed, in step order. */
export function failedExpectations(log: HotplugLog): Array<{ seq: number; result: ExpectResult }> {
  const out: Array<{ seq: number; result: ExpectResult }> = [];
  for (const s of log.steps) for (const e of s.expects) if (!e.ok) out.push({ seq: s.seq, result: e });
  return out;
}
