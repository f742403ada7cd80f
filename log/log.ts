/**
 * The append-only time-travel log: step 0 is boot, each later step one operation with its outcome,
 * immer patches and inverse patches. Checkpoints (full states, shared structurally) are kept every
 * K steps while they fit a budget of bytes a step, every K·2^j steps when they do not
 * (log/checkpoint_budget.ts), so stateAt(n) applies fewer patches than the interval; they are a
 * cache rebuilt from the log.
 */
import { Immer, enablePatches } from 'immer';
import type { Patch } from 'immer';
import { emptyState } from '../model/model.js';
import type { KernelState, Profile } from '../kernel/types.js';
import type { LogStep } from './types.js';
import { ChangeSet } from '../model/changes.js';
import type { Changes } from '../model/changes.js';
import { applyChangesTo } from './apply_table.js';
import { BLOCK_STEPS, blockRecords, decodeBlock, encodeBlock } from './block.js';
import type { BlockRecords } from './block.js';
import { decodeRecord, encodeRecord, recordChanges, renumberRecord } from './record_codec.js';
import { RecordedStep } from './recorded_step.js';
import { CheckpointPolicy, DEFAULT_CHECKPOINT_BUDGET } from './checkpoint_budget.js';
import type { CheckpointBudget } from './checkpoint_budget.js';

enablePatches();
const immer = new Immer({ autoFreeze: false });

/** Default checkpoint interval. */
export const DEFAULT_CHECKPOINT_EVERY = 64;

/** Options of a log. */
export interface LogOptions {
  /** Keep a full state every K steps (K ≥ 1). */
  readonly checkpointEvery?: number;
  /** Bytes the checkpoints may keep: a step's worth and a floor (DEFAULT_CHECKPOINT_BUDGET); past it the interval doubles. */
  readonly checkpointBudget?: CheckpointBudget;
}

/** Decodes sealed block `b` of a log into its steps, with the record texts they were read from (a loaded log's checks its records; a live log trusts its own). */
export type BlockDecoder = (b: number, block: Uint8Array) => { readonly steps: RecordedStep[]; readonly records: readonly string[] };

/** Where a loaded log finds states it did not rebuild: the file's nearest checkpoint at or before step n (the state after its step), decoded on demand. */
export type StateSource = (n: number) => { n: number; state: KernelState } | null;

/**
 * An append-only log of model steps. Steps are kept compact: every BLOCK_STEPS steps are sealed
 * into one compressed block (log/block.ts), the very bytes a format-3 file holds, and decoded again
 * when asked for (the last block decoded is kept); the last, open block's steps are kept as objects.
 * A seek (stateAt) reads only the changes of the steps it applies from a block's bytes, not whole
 * records (a loaded log's block once it has been checked). A log
 * given steps that are not RecordedSteps (only tests do) keeps every step as an object.
 */
export class HotplugLog {
  readonly profile: Profile;
  readonly checkpointEvery: number;
  private readonly blocks_: Uint8Array[] = [];
  private readonly tail_: LogStep[] = [];
  /** The record texts of open steps taken over from another log (appendTaken), by seq: sealing writes them as they are. */
  private readonly takenRecords_ = new Map<number, string>();
  private readonly files_: string[] = [];
  private readonly fileIndex_ = new Map<string, number>();
  /**
   * The last block decoded. One only: a seek stays in one block (checkpoints divide BLOCK_STEPS) and
   * a walk moves on block by block. Kept longer, a walk's decoded steps outlive a young-generation
   * gc, are promoted, and the old generation's collections (which mark every checkpoint) made a walk
   * over a 10^5-step log 3× slower: 20–30 µs a step with 4 blocks kept, 8 µs with one.
   */
  private decoded_: { readonly b: number; readonly steps: readonly LogStep[]; readonly records: readonly string[] } | null = null;
  /**
   * The last block a seek read changes from without decoding it (stateAt needs a step's changes
   * alone): its records as byte ranges and the changes parsed so far.
   */
  private changesBlock_: { readonly b: number; readonly records: BlockRecords; readonly changes: Array<Changes | undefined> } | null = null;
  /** A loaded log's blocks whose records were checked (decoded once): only those are read in part. A live log's own are all good (null). */
  private checked_: Set<number> | null = null;
  private plain_ = false;
  private decoder_: BlockDecoder;
  private stored_: StateSource = () => null;
  private readonly checkpoints_ = new Map<number, KernelState>();
  private readonly policy_: CheckpointPolicy;
  /** On a thinned log, the state stateAt() built last (a walk forward goes on from it). */
  private lastBuilt_: { n: number; state: KernelState } | null = null;
  private readonly dropCheckpoint_ = (n: number): void => void this.checkpoints_.delete(n);
  private live_: KernelState = emptyState();
  private materialisations_ = 0;
  private patchApplications_ = 0;

  constructor(profile: Profile, opts: LogOptions = {}) {
    this.profile = profile;
    const k = opts.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`checkpointEvery must be a positive integer, got ${k}`);
    this.checkpointEvery = k;
    this.policy_ = new CheckpointPolicy(k, opts.checkpointBudget ?? DEFAULT_CHECKPOINT_BUDGET, profile.geometry.SECTIONS_PER_ROOT);
    const spr = profile.geometry.SECTIONS_PER_ROOT;
    this.decoder_ = (_b, block) => {
      const records = decodeBlock(block).records;
      return { steps: records.map((json) => decodeRecord(json, this.files_, spr)), records };
    };
  }

  /**
   * A log over sealed blocks read from a file (log/logfile_compact.ts): `files` is its source-file
   * table, `tail` the steps of its last, partial block (at least one step in all), `decode` checks
   * a block's records when first asked for, `stored` gives the file's states; the live state is
   * built from the nearest of them.
   */
  static fromBlocks(profile: Profile, opts: LogOptions, parts: { files: readonly string[]; blocks: readonly Uint8Array[]; tail: readonly RecordedStep[]; decode: BlockDecoder; stored: StateSource }): HotplugLog {
    const log = new HotplugLog(profile, opts);
    for (const f of parts.files) log.fileNumber(f);
    for (const b of parts.blocks) log.blocks_.push(b);
    for (const s of parts.tail) log.tail_.push(s);
    log.decoder_ = parts.decode;
    log.checked_ = new Set();
    log.stored_ = parts.stored;
    log.live_ = log.build(log.length - 1);
    return log;
  }

  /** Number of steps (boot included). */
  get length(): number {
    return this.blocks_.length * BLOCK_STEPS + this.tail_.length;
  }

  /** Steps `from` to `to` (default: all), in order, decoded a block at a time: what a walk over a big log should use. */
  *walk(from = 0, to: number = this.length - 1): Generator<LogStep> {
    for (let i = Math.max(0, from); i <= to && i < this.length; i++) yield this.step(i);
  }

  /** Every step, oldest first, decoded into a new array (holds them all at once: walk() does not). */
  get steps(): readonly LogStep[] {
    const out: LogStep[] = [];
    const n = this.length;
    for (let i = 0; i < n; i++) out.push(this.step(i));
    return out;
  }

  /** The state after the last step. */
  get live(): KernelState {
    return this.live_;
  }

  /** The source files the steps name, in order of first appearance (a format-3 file's table). */
  get files(): readonly string[] {
    return this.files_;
  }

  /** The sealed blocks, oldest first: BLOCK_STEPS steps each, as a format-3 file holds them. */
  get blocks(): readonly Uint8Array[] {
    return this.blocks_;
  }

  /** The steps after the last sealed block (fewer than BLOCK_STEPS). */
  get openSteps(): readonly LogStep[] {
    return this.tail_;
  }

  /** True when the log keeps its steps as blocks (false once a step that is not a RecordedStep was appended). */
  get compact(): boolean {
    return !this.plain_;
  }

  /** The number of `file` in the log's file table (added when new). */
  fileNumber(file: string): number {
    let i = this.fileIndex_.get(file);
    if (i === undefined) {
      i = this.files_.length;
      this.files_.push(file);
      this.fileIndex_.set(file, i);
    }
    return i;
  }

  /** Append the next step; `state` must be the state its patches produce. Its seq must be `length`. */
  append(step: LogStep, state: KernelState): void {
    this.push(step, state);
  }

  /**
   * Append step `n` of log `from` as this log's next step: `step` is that step with only its seq
   * changed (to `length`). Its record is written as `from`'s record text renumbered (seq, source
   * file number), not encoded again: a fork takes over thousands of steps this way.
   */
  appendTaken(step: RecordedStep, state: KernelState, from: HotplugLog, n: number): void {
    this.push(step, state, from.recordText(n) ?? undefined);
  }

  /** Append `step` (with the record text of the step it was taken over from, renumbered here), sealing the open block when it is full. */
  private push(step: LogStep, state: KernelState, taken?: string): void {
    if (step.seq !== this.length) throw new RangeError(`append: expected seq ${this.length}, got ${step.seq}`);
    if (!(step instanceof RecordedStep)) this.plain_ = true;
    else {
      const file = this.fileNumber(step.source.file);
      if (taken !== undefined) this.takenRecords_.set(step.seq, renumberRecord(taken, step.seq, file));
    }
    this.tail_.push(step);
    this.live_ = state;
    if (this.policy_.note(step, state)) {
      this.checkpoints_.set(step.seq, state);
      this.policy_.keep(step.seq, this.dropCheckpoint_);
    }
    if (this.tail_.length === BLOCK_STEPS && !this.plain_) this.seal();
  }

  /** Step `n`. */
  step(n: number): LogStep {
    const len = this.length;
    if (!Number.isInteger(n) || n < 0 || n >= len) throw new RangeError(len ? `no step ${n} (the log has steps 0..${len - 1})` : `no step ${n} (the log is empty)`);
    const sealed = this.blocks_.length * BLOCK_STEPS;
    // The steps after the sealed blocks are objects (a plain log's from the first that was not a RecordedStep).
    if (n >= sealed) return this.tail_[n - sealed] as LogStep;
    const b = Math.floor(n / BLOCK_STEPS);
    return this.decodedBlock(b).steps[n - b * BLOCK_STEPS] as LogStep;
  }

  /** The record text of step `n` as its sealed block holds it; null for a step of the open block (kept as an object, not yet written). */
  recordText(n: number): string | null {
    this.step(n);
    const b = Math.floor(n / BLOCK_STEPS);
    return b < this.blocks_.length ? (this.decodedBlock(b).records[n - b * BLOCK_STEPS] as string) : null;
  }

  /** The state after step `n`: the checkpoint at the interval's multiple at or before it (rebuilt when evicted), then fewer steps' changes than the interval. */
  stateAt(n: number): KernelState {
    this.checkStep(n);
    this.materialisations_++;
    if (n === this.length - 1) return this.live_;
    let base = n - (n % this.policy_.interval);
    let state: KernelState | undefined;
    // On a thinned log (thousands of steps between checkpoints), a walk forward (a file's states, a
    // viewer) goes on from the state built last when that is nearer.
    const last = this.lastBuilt_;
    if (last !== null && last.n <= n && last.n >= base && this.policy_.interval > this.checkpointEvery) {
      state = last.state;
      base = last.n;
    } else state = this.checkpoints_.get(base) ?? this.rebuildCheckpoint(base);
    for (let i = base + 1; i <= n; i++) state = this.applyStep(state, i);
    this.patchApplications_ += n - base;
    if (this.policy_.interval > this.checkpointEvery) this.lastBuilt_ = { n, state };
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
    this.lastBuilt_ = null;
  }

  /** Number of checkpoints currently cached. */
  get checkpointCount(): number {
    return this.checkpoints_.size;
  }

  /** Steps between the checkpoints kept now: checkpointEvery until the budget is spent, then doubled as often as it takes. */
  get checkpointInterval(): number {
    return this.policy_.interval;
  }

  /** Estimated bytes the kept checkpoints hold of their own (what the budget is compared with). */
  get checkpointBytes(): number {
    return this.policy_.bytes;
  }

  /** Replay every step's patches from the empty state (no checkpoints): the log's ground truth. */
  replay(n: number = this.length - 1): KernelState {
    if (n !== this.length - 1 || n >= 0) this.step(n);
    let state = emptyState();
    for (let i = 0; i <= n; i++) state = applyPatches(state, this.step(i).patches);
    this.materialisations_++;
    this.patchApplications_ += n + 1;
    return state;
  }

  // --- internal ---

  /** Sealed block `b` decoded (the last one decoded is kept). */
  private decodedBlock(b: number): { readonly steps: readonly LogStep[]; readonly records: readonly string[] } {
    if (this.decoded_?.b !== b) {
      this.decoded_ = { b, ...this.decoder_(b, this.blocks_[b] as Uint8Array) };
      this.checked_?.add(b);
    }
    return this.decoded_;
  }

  /** Seal the open block: its steps become one compressed block. */
  private seal(): void {
    const records: string[] = [];
    for (const s of this.tail_) records.push(this.takenRecords_.get(s.seq) ?? encodeRecord(s as RecordedStep, this.fileNumber(s.source.file)));
    this.blocks_.push(encodeBlock(records));
    this.tail_.length = 0;
    this.takenRecords_.clear();
  }

  /** The state after step `i` from the state before it. */
  private applyStep(state: KernelState, i: number): KernelState {
    const c = this.changesOf(i);
    if (c !== null) return applyChangesTo(state, c, this.profile.geometry.SECTIONS_PER_ROOT);
    const s = this.step(i);
    return s instanceof ChangeSet ? applyChangesTo(state, s.changes, this.profile.geometry.SECTIONS_PER_ROOT) : applyPatches(state, s.patches);
  }

  /** Step `n` exists, and its block's records are known good (a loaded log's unchecked block is decoded, so checked, now). */
  private checkStep(n: number): void {
    const b = Math.floor(n / BLOCK_STEPS);
    if (!Number.isInteger(n) || n < 0 || n >= this.length) this.step(n); // throws its RangeError
    else if (b < this.blocks_.length && this.checked_ !== null && !this.checked_.has(b)) this.decodedBlock(b);
  }

  /**
   * The changes of sealed step `i` read alone from its block's bytes (a block decoded whole is not
   * decoded again); null when the step is not in a sealed block that is known good.
   */
  private changesOf(i: number): Changes | null {
    const b = Math.floor(i / BLOCK_STEPS);
    if (b >= this.blocks_.length) return null;
    const k = i - b * BLOCK_STEPS;
    if (this.decoded_?.b === b) return (this.decoded_.steps[k] as RecordedStep).changes;
    if (this.checked_ !== null && !this.checked_.has(b)) return null;
    if (this.changesBlock_?.b !== b) this.changesBlock_ = { b, records: blockRecords(this.blocks_[b] as Uint8Array), changes: [] };
    const cb = this.changesBlock_;
    return (cb.changes[k] ??= recordChanges(cb.records.text, cb.records.starts[k] as number, cb.records.ends[k] as number));
  }

  private rebuildCheckpoint(base: number): KernelState {
    const state = this.build(base);
    this.checkpoints_.set(base, state);
    return state;
  }

  /** The state after step `base` from the nearest cached checkpoint or file state below it (not cached). */
  private build(base: number): KernelState {
    let below = -1;
    for (const k of this.checkpoints_.keys()) if (k < base && k > below) below = k;
    let state = below < 0 ? undefined : this.checkpoints_.get(below);
    let start = below + 1;
    // A loaded log's file checkpoint between the cached one and base saves replaying from it.
    const stored = this.stored_(base);
    if (stored !== null && stored.n > below) {
      state = stored.state;
      start = stored.n + 1;
    }
    state ??= emptyState();
    for (let i = start; i <= base; i++) state = this.applyStep(state, i);
    this.patchApplications_ += base + 1 - start;
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
