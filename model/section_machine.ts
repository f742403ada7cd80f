/**
 * The section machine: one xstate v5 definition of a `struct mem_section`'s life under sub-section
 * hotplug (v5.3, mm/sparse.c: sparse_init / section_activate / section_deactivate).
 *
 *   absent.never ──boot──► early.boot ◄─► early.grown / early.trimmed ──deactivate(empty)──► absent.emptied-early
 *   absent.* ──activate──► partial ◄─► full-hotplug ──deactivate(empty)──► absent.deactivated
 *
 * Guards read facts the kernel functions computed and put in the event (is the map now full or
 * empty, how it relates to the boot map, whether ms->usage survived). The machine is stepped purely
 * with xstate's `transition()`; section snapshots are kept as plain state values in the immer state,
 * and `nextSectionState` memoises the pure transition so a step does not pay for xstate twice for
 * the same (state, event facts).
 */
import { setup, transition } from 'xstate';
import type { SectionStateValue } from '../kernel/types.js';

/** How a section's live subsection_map relates to the map subsection_map_init gave it at boot. */
export type BootRelation = 'boot' | 'grown' | 'trimmed';

/** Events of the section machine. */
export type SectionEvent =
  | { type: 'boot' }
  | { type: 'activate'; full: boolean; early: boolean; relation: BootRelation }
  | { type: 'deactivate'; empty: boolean; full: boolean; early: boolean; relation: BootRelation; usageKept: boolean }
  | { type: 'online' }
  | { type: 'offline' };

/** Transitions of a hot-added (non-early) valid section: `partial` and `full-hotplug` share them. */
const HOTPLUGGED = {
  activate: [{ guard: 'full', target: 'full-hotplug' }, { target: 'partial' }],
  deactivate: [{ guard: 'empty', target: 'emptied' }, { guard: 'full', target: 'full-hotplug' }, { target: 'partial' }],
  online: {},
  offline: {},
} as const;

/** The machine definition (data; no actions, no actors). */
export const sectionMachine = setup({
  types: { events: {} as SectionEvent },
  guards: {
    full: ({ event }) => 'full' in event && event.full,
    empty: ({ event }) => event.type === 'deactivate' && event.empty,
    usageKept: ({ event }) => event.type === 'deactivate' && event.usageKept,
    boot: ({ event }) => 'relation' in event && event.relation === 'boot',
    grown: ({ event }) => 'relation' in event && event.relation === 'grown',
    stillEarly: ({ event }) => 'early' in event && event.early,
  },
}).createMachine({
  id: 'mem_section',
  initial: 'absent',
  states: {
    absent: {
      initial: 'never',
      states: {
        /** Never had a memmap: word 0, no usage. */
        never: { on: { boot: { target: '#mem_section.early.boot' } } },
        /** Fully deactivated hot-added section (v5.3: word ENCODED_NULL, usage freed). */
        deactivated: {},
        /** Fully deactivated early section: EARLY lost, boot usage kept (section_deactivate). */
        'emptied-early': {},
      },
      on: {
        activate: [
          { guard: 'full', target: 'full-hotplug' },
          { target: 'partial' },
        ],
        // Only an empty mask gets past section_deactivate's subset check here (nr_pages 0 on a
        // sub-section-aligned pfn); the empty-map branch then runs again and may free the usage.
        deactivate: { target: 'emptied' },
      },
    },
    early: {
      initial: 'boot',
      states: {
        /** subsection_map equals what subsection_map_init set at boot. */
        boot: {},
        /** Sub-sections hot-added into the boot section's holes, none of its boot part removed. */
        grown: {},
        /** Part of the boot memory removed (v5.3: its boot memmap torn down, bug F10). */
        trimmed: {},
      },
      on: {
        activate: [
          { guard: 'boot', target: '.boot' },
          { guard: 'grown', target: '.grown' },
          { target: '.trimmed' },
        ],
        deactivate: [
          // Emptied: the boot usage is kept (v5.3 on) — in v5.2 the usemap pointer is dropped.
          { guard: 'empty', target: 'emptied' },
          { guard: 'boot', target: '.boot' },
          { guard: 'grown', target: '.grown' },
          { target: '.trimmed' },
        ],
        online: {},
        offline: {},
      },
    },
    partial: { on: HOTPLUGGED },
    'full-hotplug': { on: HOTPLUGGED },
    /** Transient: a hot-added section just emptied; resolved at once by whether usage survived. */
    emptied: {
      always: [
        { guard: 'usageKept', target: 'absent.emptied-early' },
        { target: 'absent.deactivated' },
      ],
    },
  },
});

/** Flatten an xstate state value ({ early: 'boot' } or 'partial') to a dotted SectionStateValue. */
export function flattenStateValue(value: unknown): SectionStateValue {
  if (typeof value === 'string') return value as SectionStateValue;
  const [key, sub] = Object.entries(value as Record<string, unknown>)[0] ?? ['absent', 'never'];
  return `${key}.${flattenStateValue(sub)}` as SectionStateValue;
}

/** Inverse of flattenStateValue. */
function expandStateValue(value: SectionStateValue): string | Record<string, string> {
  const dot = value.indexOf('.');
  return dot < 0 ? value : { [value.slice(0, dot)]: value.slice(dot + 1) };
}

const memo = new Map<string, SectionStateValue>();

/** The section machine's next state for `event` from `value`: xstate's pure transition(), memoised. */
export function nextSectionState(value: SectionStateValue, event: SectionEvent): SectionStateValue {
  const key = eventKey(value, event);
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const snapshot = sectionMachine.resolveState({ value: expandStateValue(value), context: {} });
  // deactivate's `emptied` step needs the usageKept fact; it is carried on the same event.
  const [next] = transition(sectionMachine, snapshot, event);
  const out = flattenStateValue(next.value);
  memo.set(key, out);
  return out;
}

/** Pure xstate transition without the memo (tests use it to check the memo is faithful). */
export function transitionUncached(value: SectionStateValue, event: SectionEvent): SectionStateValue {
  const snapshot = sectionMachine.resolveState({ value: expandStateValue(value), context: {} });
  return flattenStateValue(transition(sectionMachine, snapshot, event)[0].value);
}

// --- internal ---

function eventKey(value: SectionStateValue, e: SectionEvent): string {
  switch (e.type) {
    case 'activate':
      return `${value}|a|${+e.full}${+e.early}${e.relation}`;
    case 'deactivate':
      return `${value}|d|${+e.empty}${+e.full}${+e.early}${e.relation}${+e.usageKept}`;
    default:
      return `${value}|${e.type}`;
  }
}
