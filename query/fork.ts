/**
 * What-if forks of a log (`memhp fork`): a new log that shares steps 0..N with the original and
 * re-runs the rest under the same profile with one change. Step numbers are the original's:
 * drop K / replace K name an original step after N; insert puts a new step right after N. The
 * original log is only read.
 */
import type { Failed } from '../kernel/errors.js';
import type { ScenarioStep } from '../inputs/types.js';
import { emptyState } from '../model/model.js';
import { HotplugLog, applyPatches } from '../log/log.js';
import type { LogOptions } from '../log/log.js';
import { appendSteps } from '../log/record.js';

/** The change a fork makes after its last shared step. */
export type ForkEdit =
  | { readonly kind: 'drop'; readonly step: number }
  | { readonly kind: 'insert'; readonly op: ScenarioStep }
  | { readonly kind: 'replace'; readonly step: number; readonly op: ScenarioStep };

/**
 * Fork `log` after step `at`: steps 0..at copied, then the original's operations after `at`
 * (`steps[i - 1]` is the operation of step i) with `edit` applied, each run again with its
 * expectations checked anew. An inserted or replacing operation carries no expectations.
 */
export function forkLog(log: HotplugLog, steps: readonly ScenarioStep[], at: number, edit: ForkEdit, opts: LogOptions = {}): { ok: true; log: HotplugLog } | Failed {
  const last = log.length - 1;
  if (steps.length !== last) return { ok: false, code: 'E_LOG', message: `the log has ${log.length} steps but ${steps.length} operations` };
  if (!Number.isInteger(at) || at < 0 || at > last) return { ok: false, code: 'E_USAGE', message: `--at ${at} is not a step of the log (steps run from 0 to ${last})` };
  if (edit.kind !== 'insert' && (edit.step <= at || edit.step > last)) {
    const range = at < last ? `a step from ${at + 1} to ${last}` : `a step after ${at}, and step ${at} is the last`;
    return { ok: false, code: 'E_USAGE', message: `--${edit.kind} ${edit.step}: needs ${range} (steps up to --at ${at} are shared)` };
  }
  const out = new HotplugLog(log.profile, { checkpointEvery: opts.checkpointEvery ?? log.checkpointEvery });
  let state = emptyState();
  for (let i = 0; i <= at; i++) {
    const s = log.step(i);
    state = applyPatches(state, s.patches);
    out.append(s, state);
  }
  const rest = steps.slice(at);
  if (edit.kind === 'insert') rest.unshift(edit.op);
  else if (edit.kind === 'drop') rest.splice(edit.step - at - 1, 1);
  else rest.splice(edit.step - at - 1, 1, edit.op);
  return { ok: true, log: appendSteps(out, rest) };
}
