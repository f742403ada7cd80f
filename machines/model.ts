/**
 * The model's entry points: boot a layout, apply one operation. Each is a pure function of
 * (profile, state, input) → (next state, outcome, immer patches, inverse patches): the kernel
 * functions in kernel/ write only to an immer draft of the state.
 */
import { Immer, enablePatches } from 'immer';
import type { Patch } from 'immer';
import type { BootLayout, Operation } from '../events/types.js';
import { sectionNrToRoot } from './geometry.js';
import { createCtx, finishOutcome, stepMachine } from './kernel/context.js';
import type { KernelCtx } from './kernel/context.js';
import { dispatch } from './dispatch.js';
import { memory_present } from './kernel/memory_present.js';
import { sparse_init } from './kernel/sparse_init.js';
import { subsection_map_init } from './kernel/subsection_map_init.js';
import type { InjectedFailure, KernelState, MemSection, Outcome, Profile } from './types.js';

enablePatches();
/** Auto-freeze is off for speed (design.md: ~3 µs a step instead of ~9); states are never mutated after a step. */
const immer = new Immer({ autoFreeze: false });

/** The result of one model step. */
export interface StepResult {
  readonly state: KernelState;
  readonly outcome: Outcome;
  readonly patches: readonly Patch[];
  readonly inversePatches: readonly Patch[];
}

/** The state before boot: no roots. */
export function emptyState(): KernelState {
  return { roots: {}, highestPresentSectionNr: -1, once: {} };
}

/** Step 0: memory_present() and subsection_map_init() for every boot range, sparse_init() between. */
export function bootState(profile: Profile, layout: BootLayout): StepResult {
  return run(profile, emptyState(), [], (ctx) => {
    ctx.stack.push('boot');
    for (const r of layout.ranges) memory_present(ctx, r.nid, r.startPfn, r.endPfn);
    sparse_init(ctx);
    for (const r of layout.ranges) subsection_map_init(ctx, r.startPfn, r.endPfn - r.startPfn);
    for (const nr of ctx.before.keys()) {
      const ms = ctx.s.roots[sectionNrToRoot(ctx.g, nr)]?.sections[nr];
      if (ms && ms.usage === 'boot') stepMachine(ms, { type: 'boot' });
    }
    ctx.path = `boot: ${ctx.before.size} early section(s)`;
    return { ret: null, value: null };
  });
}

/** Apply one operation (with optional injected allocation failures) to `state`. */
export function step(profile: Profile, state: KernelState, op: Operation, inject: readonly InjectedFailure[] = []): StepResult {
  return run(profile, state, inject, (ctx) => dispatch(ctx, op));
}

/** The section `nr` in `state`, or undefined if it was never touched (all zero / NULL root). */
export function getSection(profile: Profile, state: KernelState, nr: number): MemSection | undefined {
  return state.roots[sectionNrToRoot(profile.geometry, nr)]?.sections[nr];
}

/** Every stored section of `state`, by ascending number. */
export function listSections(state: KernelState): MemSection[] {
  const out: MemSection[] = [];
  for (const root of Object.values(state.roots)) out.push(...Object.values(root.sections));
  return out.sort((a, b) => a.nr - b.nr);
}

// --- internal ---

function run(
  profile: Profile,
  state: KernelState,
  inject: readonly InjectedFailure[],
  body: (ctx: KernelCtx) => { ret: number | null; value: boolean | null },
): StepResult {
  let outcome: Outcome | undefined;
  const [next, patches, inversePatches] = immer.produceWithPatches(state, (draft) => {
    const ctx = createCtx(profile, draft, inject);
    const r = body(ctx);
    pruneZeroSections(ctx);
    outcome = finishOutcome(ctx, r.ret, r.value);
  });
  if (!outcome) throw new Error('model step produced no outcome');
  return { state: next, outcome, patches, inversePatches };
}

/** Sections a step touched but left all-zero are dropped, so equal kernel states are equal data. */
function pruneZeroSections(ctx: KernelCtx): void {
  for (const nr of ctx.before.keys()) {
    const root = ctx.s.roots[sectionNrToRoot(ctx.g, nr)];
    const ms = root?.sections[nr];
    if (root && ms && ms.machine === 'absent.never' && ms.flags === 0 && ms.map === 'zero' && ms.usage === 'none' && ms.bootMap === null && ms.nid === 0 && /^\.*$/.test(ms.memmap) && ms.subsectionMap.every((w) => w === 0)) {
      delete root.sections[nr];
    }
  }
}
