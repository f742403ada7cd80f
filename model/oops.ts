/**
 * Kernel oopses as data. A step whose outcome carries a hazard with `oops` is where the modelled
 * kernel died (the task that called is killed with mem_hotplug_lock held, so no later hotplug call
 * can run); `check` compares that oops with the one a real kernel printed.
 */
import type { Hazard, KernelState, Oops, Outcome } from '../kernel/types.js';

/**
 * The entry of KernelState.once that says the kernel died: an oops is once-only too (the task that
 * called is killed with mem_hotplug_lock held), so it is kept with the once-only call sites.
 */
export const OOPS_SITE = 'oops';

/** True when the kernel of `state` oopsed at an earlier step. */
export function isDead(state: KernelState): boolean {
  return state.once[OOPS_SITE] === true;
}

/** The oops of a step's outcome, or null when the kernel survived it. */
export function oopsOf(outcome: Outcome): Oops | null {
  for (const h of outcome.hazards) if (h.oops) return h.oops;
  return null;
}

/** An oops as memhp shows and compares it: `LINE (RIP: FUNC)` (`none` when no RIP line was recorded). */
export function oopsText(oops: { readonly line: string; readonly func: string | null }): string {
  return `${oops.line} (RIP: ${oops.func ?? 'none'})`;
}

/** A crash hazard that ends the run: the oops line the kernel prints, the faulting function, and why. */
export function oopsHazard(oops: Oops, why: string): Hazard {
  return { kind: 'crash', bug: null, text: `${oopsText(oops)}: ${why}`, fixedBy: null, oops };
}

/** The NULL dereference x86_64 prints for a read of the field at `offset` through a NULL pointer. */
export function nullDereference(offset: number, func: string): Oops {
  return { line: `BUG: kernel NULL pointer dereference, address: ${offset.toString(16).padStart(16, '0')}`, func };
}

/** The call path of a step after an oops: the call never ran. */
export const NOT_RUN = 'not run: the kernel oopsed at an earlier step';

/** True for the outcome of a step that never ran because the kernel had oopsed before it. */
export function notRun(outcome: Outcome): boolean {
  return outcome.path === NOT_RUN;
}

/** How a step's return reads when it has none: `oops` where the kernel died, `not run` after that; null otherwise. */
export function deathOf(outcome: Outcome): 'oops' | 'not run' | null {
  return oopsOf(outcome) ? 'oops' : notRun(outcome) ? 'not run' : null;
}
