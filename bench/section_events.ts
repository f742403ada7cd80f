/** The xstate part of the bench: representative (state, event) pairs of the section machine. */
import type { SectionStateValue } from '../kernel/index.js';
import type { SectionEvent } from '../model/index.js';

/** Representative (state, event) pairs of the section machine. */
export function sectionEventPairs(): Array<readonly [SectionStateValue, SectionEvent]> {
  type Rel = 'boot' | 'grown' | 'trimmed';
  const act = (full: boolean, early: boolean, relation: Rel): SectionEvent => ({ type: 'activate', full, early, relation });
  const deact = (empty: boolean, full: boolean, early: boolean, relation: Rel, usageKept: boolean): SectionEvent => ({ type: 'deactivate', empty, full, early, relation, usageKept });
  return [
    ['absent.never', { type: 'boot' }],
    ['absent.never', act(false, false, 'trimmed')],
    ['absent.deactivated', act(true, false, 'trimmed')],
    ['partial', act(true, false, 'trimmed')],
    ['full-hotplug', deact(false, false, false, 'trimmed', true)],
    ['partial', deact(true, false, false, 'trimmed', false)],
    ['early.boot', act(true, true, 'grown')],
    ['early.grown', deact(false, false, true, 'trimmed', true)],
  ];
}
