/**
 * The append-only time-travel log: step 0 is boot, each later step one operation with its outcome,
 * immer patches and inverse patches. Checkpoints (full states, shared structurally) are kept every
 * K steps, so stateAt(n) applies at most K - 1 patches; they are a cache rebuilt from the log.
 */
import { Immer, enablePatches } from 'immer';
import type { Patch } from 'immer';
import { emptyState } from '../model/model.js';
import type { KernelState, Profile } from '../kernel/types.js';
import type { LogStep } from './types.js';

enablePatches();
const immer = new Immer({ autoFreeze: false });

/** Default checkpoint interval. */
export const DEFAULT_CHECKPOINT_EVERY = 64;

/** Options of a log. */
export interface LogOptions {
  /** Keep a full state every K steps (K ≥ 1). */
  readonly checkpointEvery?: number;
}

/** An append-only log of model steps. */
export class HotplugLog {
  readonly profile: Profile;
  readonly checkpointEvery: number;
  private readonly steps_: LogStep[] = [];
  private readonly checkpoints_ = new Map<number, KernelState>();
  private live_: KernelState = emptyState();
  private materialisations_ = 0;
  private patchApplications_ = 0;

  constructor(profile: Profile, opts: LogOptions = {}) {
    this.profile = profile;
    const k = opts.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`checkpointEvery must be a positive integer, got ${k}`);
    this.checkpointEvery = k;
  }

  /** Number of steps (boot included). */
  get length(): number {
    return this.steps_.length;
  }

  /** The steps, oldest first (read-only view). */
  get steps(): readonly LogStep[] {
    return this.steps_;
  }

  /** The state after the last step. */
  get live(): KernelState {
    return this.live_;
  }

  /** Append the next step; `state` must be the state its patches produce. Its seq must be `length`. */
  append(step: LogStep, state: KernelState): void {
    if (step.seq !== this.steps_.length) throw new RangeError(`append: expected seq ${this.steps_.length}, got ${step.seq}`);
    this.steps_.push(step);
    this.live_ = state;
    if (step.seq % this.checkpointEvery === 0) this.checkpoints_.set(step.seq, state);
  }

  /** Step `n`. */
  step(n: number): LogStep {
    const s = this.steps_[n];
    if (!s) throw new RangeError(this.steps_.length ? `no step ${n} (the log has steps 0..${this.steps_.length - 1})` : `no step ${n} (the log is empty)`);
    return s;
  }

  /** The state after step `n`: the nearest checkpoint at or before it, then at most K - 1 patches. */
  stateAt(n: number): KernelState {
    this.step(n);
    this.materialisations_++;
    if (n === this.steps_.length - 1) return this.live_;
    const base = n - (n % this.checkpointEvery);
    let state = this.checkpoints_.get(base);
    if (!state) state = this.rebuildCheckpoint(base);
    for (let i = base + 1; i <= n; i++) state = applyPatches(state, this.step(i).patches);
    this.patchApplications_ += n - base;
    return state;
  }

  /** How many states stateAt() and replay() have built so far (only grows: read it before and after a query). */
  get materialisations(): number {
    return this.materialisations_;
  }

  /** How many steps' patches stateAt(), replay() and checkpoint rebuilds have applied so far (only grows). */
  get patchApplications(): number {
    return this.patchApplications_;
  }

  /** Drop every cached checkpoint (they are rebuilt from the log on demand). */
  evictCheckpoints(): void {
    this.checkpoints_.clear();
  }

  /** Number of checkpoints currently cached. */
  get checkpointCount(): number {
    return this.checkpoints_.size;
  }

  /** Replay every step's patches from the empty state (no checkpoints): the log's ground truth. */
  replay(n: number = this.steps_.length - 1): KernelState {
    if (n !== this.steps_.length - 1 || n >= 0) this.step(n);
    let state = emptyState();
    for (let i = 0; i <= n; i++) state = applyPatches(state, this.step(i).patches);
    this.materialisations_++;
    this.patchApplications_ += n + 1;
    return state;
  }

  // --- internal ---

  private rebuildCheckpoint(base: number): KernelState {
    const below = [...this.checkpoints_.keys()].filter((k) => k < base).sort((a, b) => b - a)[0];
    let state = below === undefined ? emptyState() : (this.checkpoints_.get(below) ?? emptyState());
    const start = below === undefined ? 0 : below + 1;
    for (let i = start; i <= base; i++) state = applyPatches(state, this.step(i).patches);
    this.patchApplications_ += base + 1 - start;
    this.checkpoints_.set(base, state);
    return state;
  }
}

/** A cursor that walks a log one step at a time with patches (forward) and inverse patches (back). */
export class LogCursor {
  private index_: number;
  private state_: KernelState;

  constructor(private readonly log: HotplugLog, at = 0) {
    this.index_ = at;
    this.state_ = log.stateAt(at);
  }

  /** The step the cursor is at. */
  get index(): number {
    return this.index_;
  }

  /** The state after the current step. */
  get state(): KernelState {
    return this.state_;
  }

  /** Move to the next step by applying its patches; false at the end. */
  stepForward(): boolean {
    if (this.index_ + 1 >= this.log.length) return false;
    this.index_++;
    this.state_ = applyPatches(this.state_, this.log.step(this.index_).patches);
    return true;
  }

  /** Move to the previous step by applying the current step's inverse patches; false at step 0. */
  stepBack(): boolean {
    if (this.index_ === 0) return false;
    this.state_ = applyPatches(this.state_, this.log.step(this.index_).inversePatches);
    this.index_--;
    return true;
  }
}

/** Apply immer patches to a state (without auto-freeze, as the model produces them). */
export function applyPatches(state: KernelState, patches: readonly Patch[]): KernelState {
  return patches.length === 0 ? state : immer.applyPatches(state, patches as Patch[]);
}
