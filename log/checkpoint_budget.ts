/**
 * Which checkpoints a log keeps (log/log.ts): every K steps while they are cheap, fewer when they
 * are not. Checkpoints share structure, so what one keeps of its own is, nearly, the mem_section
 * roots and sections written since the checkpoint before it (a written root is copied: its
 * SECTIONS_PER_ROOT slots and its path in a RootTable; a written section is copied with its maps).
 * A workload that writes a few roots keeps a few KiB a checkpoint; one that sweeps the 4096 roots
 * of 4-level paging keeps ~64 roots, ~100 KiB, every 64 steps (issue 17: 1.6 KiB a step of
 * checkpoints at 2^19 sections).
 *
 * The policy notes the roots and sections each step writes and estimates what every kept
 * checkpoint holds of its own. While the total is over the budget (bytes per step of the log, never below a floor, so
 * ordinary logs keep every K-th state), it doubles the interval and drops the checkpoints off the
 * new grid, merging their roots into the next kept one's. Kept positions are always multiples of
 * the interval (K·2^j): the choice depends on the steps alone, and a checkpoint rebuilt on demand
 * at a multiple of the interval is one the policy counts.
 */
import type { KernelState } from '../kernel/types.js';
import { ChangeSet, walkChanges } from '../model/changes.js';
import type { ChangeVisitor } from '../model/changes.js';
import { countRoots, tableOf } from '../model/states.js';
import type { LogStep } from './types.js';

/**
 * What a log may spend on checkpoints: `perStep` bytes a step of the log, but at least `floor`
 * bytes; and the longest interval thinning may reach (`maxInterval` steps, or K when K is longer),
 * which bounds a seek's replay. A workload whose checkpoints stay over the budget at that interval
 * (one that writes ever new roots, as the 2^25 sections of 5-level paging) keeps them there.
 */
export interface CheckpointBudget {
  readonly perStep: number;
  readonly floor: number;
  readonly maxInterval: number;
}

/** 512 B a step (a 10^6-step log: ≤ 488 MiB of checkpoints), never thinning below 64 MiB, nor past one checkpoint every 32768 steps. */
export const DEFAULT_CHECKPOINT_BUDGET: CheckpointBudget = { perStep: 512, floor: 64 * 2 ** 20, maxInterval: 32768 };

/** Estimated bytes of a checkpoint besides its roots and sections (the state object, its records, lists). */
const STATE_BYTES = 1024;

/** Estimated bytes of a section written since the checkpoint before (the section and its maps). */
const SECTION_BYTES = 256;

/** Estimated bytes of a root written since the checkpoint before: its slot array, the root and its path of trie nodes. */
export function rootBytes(sectionsPerRoot: number): number {
  return 8 * sectionsPerRoot + 256;
}

/** The checkpoint positions a log keeps and the interval of new ones. */
export class CheckpointPolicy {
  private interval_: number;
  /** Kept positions, ascending: multiples of interval_. */
  private positions_: number[] = [];
  /**
   * Per kept position: the sections (as -1 - their number: small integers, and apart from the
   * roots), then the roots written since the kept position before it, ascending; and a count of
   * roots owned without a number (a patch that replaced `roots` whole).
   */
  private owned_: Int32Array[] = [];
  private extra_: number[] = [];
  private roots_ = 0;
  private sections_ = 0;
  private readonly pending_ = new Set<number>();
  private pendingExtra_ = 0;
  private readonly visitor_: ChangeVisitor;
  private readonly section_: (r: number, idx: number) => void;

  constructor(
    /** The log's K: the first interval. */
    readonly every: number,
    readonly budget: CheckpointBudget,
    readonly sectionsPerRoot: number,
  ) {
    if (!(budget.perStep >= 0) || !(budget.floor >= 0) || !(budget.maxInterval >= 1)) throw new RangeError(`checkpoint budget must be non-negative with an interval of at least 1, got ${budget.perStep} B/step, floor ${budget.floor} B, interval ${budget.maxInterval}`);
    this.interval_ = every;
    this.rootBytes = rootBytes(sectionsPerRoot);
    const pending = this.pending_;
    const section = (r: number, idx: number): void => {
      pending.add(r);
      pending.add(-1 - (r * sectionsPerRoot + idx));
    };
    this.section_ = section;
    this.visitor_ = { root: (r) => void pending.add(r), create: section, field: section, highest: noop, once: noop, device: noop };
  }

  /** Estimated bytes of one root written (rootBytes()). */
  readonly rootBytes: number;

  /** Steps between new checkpoints (K·2^j). */
  get interval(): number {
    return this.interval_;
  }

  /** Estimated bytes the kept checkpoints hold of their own. */
  get bytes(): number {
    return this.roots_ * this.rootBytes + this.sections_ * SECTION_BYTES + this.positions_.length * STATE_BYTES;
  }

  /** The budget for a log of `length` steps. */
  limit(length: number): number {
    return Math.max(this.budget.floor, this.budget.perStep * length);
  }

  /** Note what appended step `step` (its state `state`) writes; true when its state is to be kept. */
  note(step: LogStep, state: KernelState): boolean {
    if (step instanceof ChangeSet) walkChanges(step.changes, this.visitor_);
    else {
      for (const p of step.patches) {
        if (p.path[0] !== 'roots') continue;
        if (p.path.length >= 4) this.section_(Number(p.path[1]), Number(p.path[3]));
        else if (p.path.length >= 2) this.pending_.add(Number(p.path[1]));
        else this.pendingExtra_ = Math.max(this.pendingExtra_, rootsIn(state));
      }
    }
    return step.seq % this.interval_ === 0;
  }

  /** Keep the state of step `seq` (a note() said so); `drop` is told each kept position the budget then gives up. */
  keep(seq: number, drop: (position: number) => void): void {
    const own = Int32Array.from(this.pending_).sort();
    this.pending_.clear();
    this.positions_.push(seq);
    this.owned_.push(own);
    this.extra_.push(this.pendingExtra_);
    this.count(own, this.pendingExtra_);
    this.pendingExtra_ = 0;
    const limit = this.limit(seq + 1);
    while (this.bytes > limit && this.positions_.length > 1 && this.interval_ * 2 <= this.budget.maxInterval) this.thin(drop);
  }

  // --- internal ---

  /** Double the interval; drop the positions off the new grid, their roots going to the next kept one. */
  private thin(drop: (position: number) => void): void {
    this.interval_ *= 2;
    const positions: number[] = [];
    const owned: Int32Array[] = [];
    const extra: number[] = [];
    let carry: Int32Array | null = null;
    let carryExtra = 0;
    this.roots_ = 0;
    this.sections_ = 0;
    for (let i = 0; i < this.positions_.length; i++) {
      const p = this.positions_[i] as number;
      let own = this.owned_[i] as Int32Array;
      let x = this.extra_[i] as number;
      if (carry !== null) {
        own = union(carry, own);
        x = Math.max(x, carryExtra);
      }
      if (p % this.interval_ === 0) {
        positions.push(p);
        owned.push(own);
        extra.push(x);
        this.count(own, x);
        carry = null;
        carryExtra = 0;
      } else {
        carry = own;
        carryExtra = x;
        drop(p);
      }
    }
    if (carry !== null) {
      for (const r of carry) this.pending_.add(r);
      this.pendingExtra_ = Math.max(this.pendingExtra_, carryExtra);
    }
    this.positions_ = positions;
    this.owned_ = owned;
    this.extra_ = extra;
  }

  /** Add the roots and sections of `own` (plus `extra` roots) to the totals. */
  private count(own: Int32Array, extra: number): void {
    let sections = 0;
    // Sections (negative) sort before roots.
    while (sections < own.length && (own[sections] as number) < 0) sections++;
    this.sections_ += sections;
    this.roots_ += own.length - sections + extra;
  }
}

function noop(): void {}

/** Number of roots of `state`. */
function rootsIn(state: KernelState): number {
  return tableOf(state)?.size ?? countRoots(state.roots, Number.MAX_SAFE_INTEGER);
}

/** The sorted union of two sorted arrays. */
function union(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Infinity;
    const y = j < b.length ? (b[j] as number) : Infinity;
    if (x <= y) {
      out[n++] = x;
      i++;
      if (x === y) j++;
    } else {
      out[n++] = y;
      j++;
    }
  }
  return out.slice(0, n);
}
