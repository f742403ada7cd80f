/**
 * The model's entry points: boot a layout, apply one operation. Each is a pure function of
 * (profile, state, input) → (next state, outcome, immer patches, inverse patches): the kernel
 * functions in kernel/ write only to the step's copy-on-write WorkingState, which records the
 * patches (working.ts). States are never mutated once a step returns.
 */
import type { BootLayout, Operation } from '../kernel/operation.js';
import { sectionNrToRoot } from '../kernel/pfn.js';
import { createCtx, decide, KernelOops, sectionForWrite, stepMachine } from './mm/context.js';
import { isDead, NOT_RUN, OOPS_SITE } from './oops.js';
import { finishOutcome } from './mm/outcome.js';
import { WorkingState } from './working.js';
import { forEachRoot, rootOf } from './states.js';
import { has, tracksSubsections } from '../kernel/profile.js';
import { ChangeSet } from './changes.js';
import type { Changes } from './changes.js';
import type { KernelCtx } from './mm/context.js';
import { dispatch } from './dispatch.js';
import { memory_present } from './mm/memory_present.js';
import { sparse_init } from './mm/sparse_init.js';
import { subsection_map_init } from './mm/subsection_map_init.js';
import type { InjectedFailure, KernelState, MemSection, Outcome, Profile } from '../kernel/types.js';

/** The result of one model step: the next state, the outcome, and the changes as immer patches. */
export class StepResult extends ChangeSet {
  constructor(
    readonly state: KernelState,
    readonly outcome: Outcome,
    changes: Changes,
    sectionsPerRoot: number,
  ) {
    super(changes, sectionsPerRoot);
  }
}

/** The state before boot: no roots. */
export function emptyState(): KernelState {
  return { roots: {}, highestPresentSectionNr: -1, once: {}, deviceRanges: [] };
}

/** Step 0: memory_present() and subsection_map_init() for every boot range, sparse_init() between. */
export function bootState(profile: Profile, layout: BootLayout): StepResult {
  return run(profile, emptyState(), [], (ctx) => {
    ctx.stack.push('boot');
    for (const r of layout.ranges) memory_present(ctx, r.nid, r.startPfn, r.endPfn);
    sparse_init(ctx);
    if (has(profile, 'SUBSECTION') && tracksSubsections(profile)) for (const r of layout.ranges) subsection_map_init(ctx, r.startPfn, r.endPfn - r.startPfn);
    for (const nr of ctx.before.keys()) {
      const ms = sectionForWrite(ctx, nr);
      if (ms && ms.usage === 'boot') stepMachine(ms, { type: 'boot' });
    }
    ctx.path = `boot: ${ctx.before.size} early section(s)`;
    ctx.pathDepth = 0;
    return { ret: null, value: null };
  });
}

/**
 * Apply one operation (with optional injected allocation failures) to `state`. After an oops the
 * kernel runs no more hotplug calls (the killed task still holds mem_hotplug_lock): the step
 * changes nothing and says so.
 */
export function step(profile: Profile, state: KernelState, op: Operation, inject: readonly InjectedFailure[] = []): StepResult {
  if (isDead(state)) {
    return run(profile, state, [], (ctx) => {
      ctx.notes.push('the kernel oopsed at an earlier step: this call never runs (the task that oopsed was killed holding mem_hotplug_lock)');
      decide(ctx, NOT_RUN, true);
      return { ret: null, value: null };
    });
  }
  return run(profile, state, inject, (ctx) => dispatch(ctx, op));
}

/** The section `nr` in `state`, or undefined if it was never touched (all zero / NULL root). */
export function getSection(profile: Profile, state: KernelState, nr: number): MemSection | undefined {
  return rootOf(state, sectionNrToRoot(profile.geometry, nr))?.sections[nr % profile.geometry.SECTIONS_PER_ROOT] ?? undefined;
}

/** Every stored section of `state`, by ascending number. */
export function listSections(state: KernelState): MemSection[] {
  const out: MemSection[] = [];
  forEachRoot(state, (root) => {
    for (const ms of root.sections) if (ms) out.push(ms);
  });
  return out;
}

// --- internal ---

function run(
  profile: Profile,
  state: KernelState,
  inject: readonly InjectedFailure[],
  body: (ctx: KernelCtx) => { ret: number | null; value: boolean | null },
): StepResult {
  const work = new WorkingState(state, profile.geometry);
  const ctx = createCtx(profile, work, inject);
  let r: { ret: number | null; value: boolean | null };
  try {
    r = body(ctx);
  } catch (e) {
    if (!(e instanceof KernelOops)) throw e;
    // What the step wrote before the oops stays written; the call never returns.
    work.fire(OOPS_SITE);
    r = { ret: null, value: null };
  }
  const outcome = finishOutcome(ctx, r.ret, r.value);
  const done = work.finish(isZeroSection);
  return new StepResult(done.state, outcome, done.changes, profile.geometry.SECTIONS_PER_ROOT);
}

/** A section a step created but left all zero is not stored, so equal kernel states are equal data. */
function isZeroSection(ms: MemSection): boolean {
  return ms.machine === 'absent.never' && ms.flags === 0 && ms.map === 'zero' && ms.usage === 'none' && ms.bootMap === null && ms.nid === 0 && /^\.*$/.test(ms.memmap) && ms.subsectionMap.every((w) => w === 0);
}
