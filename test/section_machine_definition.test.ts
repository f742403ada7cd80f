/**
 * The section machine's memoised nextSectionState against xstate's uncached transition for every
 * (state, event), and the shape of the machine definition (model/section_machine.ts).
 */
import { describe, expect, it } from 'vitest';
import { nextSectionState, sectionMachine, transitionUncached } from '../model/index.js';
import type { BootRelation, SectionEvent } from '../model/index.js';
import { SECTION_STATES, type SectionStateValue } from '../kernel/index.js';

// ---- the memo and the definition ---------------------------------------------------------------

/** Every state value (test/vocabulary.test.ts holds the machine's leaves equal to this list). */
const STATES: readonly SectionStateValue[] = SECTION_STATES;

/** Every event with every combination of its facts. */
function allEvents(): SectionEvent[] {
  const bools = [false, true];
  const relations: BootRelation[] = ['boot', 'grown', 'trimmed'];
  const out: SectionEvent[] = [{ type: 'boot' }, { type: 'online' }, { type: 'offline' }];
  for (const full of bools) for (const early of bools) for (const relation of relations) out.push({ type: 'activate', full, early, relation });
  for (const empty of bools)
    for (const full of bools)
      for (const early of bools)
        for (const relation of relations) for (const usageKept of bools) out.push({ type: 'deactivate', empty, full, early, relation, usageKept });
  return out;
}

describe('nextSectionState (memoised) and the machine definition', () => {
  it('nextSectionState equals transitionUncached for every state × event combination, cold and warm', () => {
    const events = allEvents();
    expect(events).toHaveLength(3 + 12 + 48);
    let checked = 0;
    for (const s of STATES) {
      for (const e of events) {
        const want = transitionUncached(s, e);
        expect(STATES, `${s} --${JSON.stringify(e)}--> ${want}`).toContain(want); // never the transient 'emptied'
        expect(nextSectionState(s, e), `${s} ${JSON.stringify(e)} (first call)`).toBe(want);
        expect(nextSectionState(s, e), `${s} ${JSON.stringify(e)} (memo hit)`).toBe(want);
        checked++;
      }
    }
    expect(checked).toBe(8 * 63);
  });

  it('the memo keeps apart events that differ in a single fact', () => {
    // Same state, same event type, different facts → different targets (a key collision would merge them).
    expect(nextSectionState('partial', { type: 'activate', full: true, early: false, relation: 'trimmed' })).toBe('full-hotplug');
    expect(nextSectionState('partial', { type: 'activate', full: false, early: false, relation: 'trimmed' })).toBe('partial');
    const d = { type: 'deactivate', empty: true, full: false, early: false, relation: 'trimmed' } as const;
    expect(nextSectionState('partial', { ...d, usageKept: false })).toBe('absent.deactivated');
    expect(nextSectionState('partial', { ...d, usageKept: true })).toBe('absent.emptied-early');
    expect(nextSectionState('early.boot', { type: 'activate', full: false, early: true, relation: 'grown' })).toBe('early.grown');
    expect(nextSectionState('early.boot', { type: 'activate', full: false, early: true, relation: 'trimmed' })).toBe('early.trimmed');
    expect(nextSectionState('early.grown', { ...d, early: true, empty: false, relation: 'boot', usageKept: true })).toBe('early.boot');
  });

  it('events a state does not handle leave it unchanged', () => {
    for (const s of ['absent.never', 'absent.deactivated', 'absent.emptied-early'] as const) {
      expect(transitionUncached(s, { type: 'online' })).toBe(s);
      // An empty-mask deactivate of an absent section reaches the empty-map branch again (found by
      // the log property: sparse_remove_section nr_pages 0 on an emptied early section frees its
      // boot usage in v5.3): the usage decides where it lands.
      expect(transitionUncached(s, { type: 'deactivate', empty: true, full: false, early: false, relation: 'trimmed', usageKept: false })).toBe('absent.deactivated');
      expect(transitionUncached(s, { type: 'deactivate', empty: true, full: false, early: false, relation: 'trimmed', usageKept: true })).toBe('absent.emptied-early');
    }
    for (const s of STATES.filter((x) => x !== 'absent.never')) expect(transitionUncached(s, { type: 'boot' })).toBe(s);
    expect(transitionUncached('absent.never', { type: 'boot' })).toBe('early.boot');
  });

  it('has exactly the states absent{never,deactivated,emptied-early}, early{boot,grown,trimmed}, partial, full-hotplug and the transient emptied', () => {
    const paths: string[] = [];
    const walk = (node: typeof sectionMachine.root): void => {
      for (const child of Object.values(node.states)) {
        paths.push(child.path.join('.'));
        walk(child);
      }
    };
    walk(sectionMachine.root);
    expect(paths.sort()).toEqual(
      [
        'absent',
        'absent.never',
        'absent.deactivated',
        'absent.emptied-early',
        'early',
        'early.boot',
        'early.grown',
        'early.trimmed',
        'partial',
        'full-hotplug',
        'emptied',
      ].sort(),
    );
    expect(sectionMachine.root.config.initial).toBe('absent');
    expect(sectionMachine.root.states.absent?.config.initial).toBe('never');
    expect(sectionMachine.root.states.early?.config.initial).toBe('boot');
    // The initial snapshot is absent.never.
    expect(transitionUncached('absent.never', { type: 'online' })).toBe('absent.never');
    // 'emptied' is transient: it only has eventless (always) transitions.
    const emptied = sectionMachine.root.states.emptied!;
    expect(Object.keys(emptied.config.on ?? {})).toEqual([]);
    expect(emptied.config.always).toBeDefined();
  });
});
