/**
 * The two time-travel logs a user would pick instead of memhp's, both around memhp's own pure
 * step() (model/model.ts), for the peers part of the bench (bench/peers.ts):
 *
 *   DevTools — a Redux store under `@redux-devtools/instrument` 3.0.0 (the store enhancer Redux
 *              DevTools runs on): `legacy_createStore(reducer, bootState, instrument())` with no
 *              maxAge, so it keeps every action and every computed state (its default maxAge is
 *              unlimited). The reducer is step(): the action carries the operation and its injected
 *              failures; the initial state is the boot state. Jump = `jumpToState(i)` then
 *              `getState()`; skipping an action = `toggleAction(id)`, which recomputes every later
 *              state through the reducer. A recording too long to dispatch action by action (its
 *              bookkeeping is quadratic) is built whole with `importState(actions)`: the same
 *              lifted state (every action lifted, every state computed by the reducer), in one pass.
 *   immer    — the naive log in twenty lines: each step `produceWithPatches(prev, () => step(…).state)`
 *              (immer's default instance: patches on, auto-freeze on), an array of
 *              `{ state, patches, inversePatches }`. step() already returns a new state, so the
 *              recipe returns it and immer records one whole-state replace patch each way; a jump
 *              reads the stored state; dropping a step runs every later step again.
 */
import { produceWithPatches, enablePatches } from 'immer';
import type { Patch } from 'immer';
import { legacy_createStore } from 'redux';
import type { Action, Store } from 'redux';
import { ActionCreators, instrument } from '@redux-devtools/instrument';
import type { LiftedStore } from '@redux-devtools/instrument';
import type { Operation } from '../kernel/operation.js';
import type { InjectedFailure, KernelState, Profile } from '../kernel/index.js';
import { step } from '../model/index.js';
import type { ScenarioStep } from '../inputs/types.js';

enablePatches();

/** A Redux action carrying one memhp operation. */
interface StepAction extends Action<'step'> {
  readonly op: Operation;
  readonly inject: readonly InjectedFailure[];
}

/** A Redux store instrumented for time travel, over memhp states. */
export type DevToolsStore = Store<KernelState, StepAction> & { liftedStore: LiftedStore<KernelState, StepAction, null> };

/**
 * Boot state plus the steps dispatched to an instrumented Redux store whose reducer is memhp's
 * step(), one action each, until they are all in or `budgetMs` has passed (instrument copies its
 * action-id and state arrays on every action: a long recording is quadratic). `recorded` says how
 * many steps the store holds.
 */
export function recordDevTools(profile: Profile, boot: KernelState, steps: readonly ScenarioStep[], budgetMs = Infinity): { store: DevToolsStore; recorded: number } {
  const store = legacy_createStore(devToolsReducer(profile, boot), boot, instrument<KernelState, StepAction>()) as unknown as DevToolsStore;
  const deadline = performance.now() + budgetMs;
  let recorded = 0;
  for (const s of steps) {
    store.dispatch({ type: 'step', op: s.op, inject: s.inject });
    recorded++;
    if ((recorded & 255) === 0 && performance.now() > deadline) break;
  }
  return { store, recorded };
}

/**
 * The store recordDevTools would hold after every step, built in one pass: instrument's
 * IMPORT_STATE of the action list lifts each action and computes every state through the reducer
 * (what dispatching them one by one keeps, without its per-action array copies).
 */
export function importDevTools(profile: Profile, boot: KernelState, steps: readonly ScenarioStep[]): DevToolsStore {
  const store = legacy_createStore(devToolsReducer(profile, boot), boot, instrument<KernelState, StepAction>()) as unknown as DevToolsStore;
  const actions: StepAction[] = steps.map((s) => ({ type: 'step', op: s.op, inject: s.inject }));
  store.liftedStore.dispatch(ActionCreators.importState<KernelState, StepAction, null>(actions));
  return store;
}

/** The state after step `i` (0 = boot): jump there, read the store's state. */
export function jumpDevTools(store: DevToolsStore, i: number): KernelState {
  store.liftedStore.dispatch(ActionCreators.jumpToState(i));
  return store.getState();
}

/** The DevTools action id of step `i` (action 0 is the store's INIT; checked against the step's operation). */
export function devToolsActionId(store: DevToolsStore, i: number, op: Operation): number {
  const lifted = store.liftedStore.getState();
  const id = lifted.stagedActionIds[i];
  if (id === undefined || lifted.actionsById[id]?.action.op !== op) throw new Error(`DevTools: staged action ${i} is not step ${i}`);
  return id;
}

/** Toggle (skip, or skip no more) action `id`: every later state is recomputed. */
export function toggleDevTools(store: DevToolsStore, id: number): KernelState {
  store.liftedStore.dispatch(ActionCreators.toggleAction(id));
  return store.getState();
}

/** memhp's step() as a Redux reducer over `boot`. */
function devToolsReducer(profile: Profile, boot: KernelState): (state: KernelState | undefined, action: StepAction) => KernelState {
  return (state = boot, action) => (action.type === 'step' ? step(profile, state, action.op, action.inject).state : state);
}

/** One entry of the naive immer log. */
export interface ImmerEntry {
  readonly state: KernelState;
  readonly patches: readonly Patch[];
  readonly inversePatches: readonly Patch[];
}

/** Boot plus every step of `steps` recorded with produceWithPatches, appended to `log` (a new log from `boot` when absent). */
export function recordImmer(profile: Profile, boot: KernelState, steps: readonly ScenarioStep[], log: ImmerEntry[] = [{ state: boot, patches: [], inversePatches: [] }]): ImmerEntry[] {
  for (const s of steps) {
    const prev = (log[log.length - 1] as ImmerEntry).state;
    const [state, patches, inversePatches] = produceWithPatches(prev, () => step(profile, prev, s.op, s.inject).state);
    log.push({ state: state as KernelState, patches, inversePatches });
  }
  return log;
}

/** The immer log without step `k` (1-based): entries 0..k-1 kept, every later step run again. */
export function dropImmer(profile: Profile, log: readonly ImmerEntry[], steps: readonly ScenarioStep[], k: number): ImmerEntry[] {
  return recordImmer(profile, (log[0] as ImmerEntry).state, steps.slice(k), log.slice(0, k));
}
