/**
 * The state a step works on: copy-on-write over the previous KernelState, recording immer-format
 * patches and inverse patches as it goes (what immer's produceWithPatches does, specialised to
 * this one state shape: a step copies the state, the path of the roots it writes in the persistent
 * root table (root_table.ts), one root's section array and the sections it writes — never the
 * table, and never a record of every root). The changes are kept compact (changes.ts) and expand to
 * plain immer Patch objects, replayed and reversed by immer's applyPatches in log/. Property
 * tests check replay == live and reverse.
 */
import { CREATE, DEVICE, FIELD, HIGHEST, ONCE, ROOT, SECTION_FIELDS, deviceSplice } from './changes.js';
import type { Changes, SectionField } from './changes.js';
import { sectionNrToRoot } from '../kernel/pfn.js';
import type { Geometry } from '../kernel/geometry.js';
import type { KernelState, MemRoot, MemSection } from '../kernel/types.js';
import { RootTable } from './root_table.js';
import { countRoots, largeTableOf, makeState, SMALL_ROOTS } from './states.js';

/** A section a kernel function may write during the current step. */
export type MutableSection = { -readonly [K in keyof MemSection]: MemSection[K] };

/** Copy-on-write state for one step. */
export class WorkingState {
  /** The base's roots: its table (more than SMALL_ROOTS roots) or, undefined, its plain record. */
  private readonly table_: RootTable | undefined;
  private readonly baseRoots_: KernelState['roots'];
  /** Roots added or copied this step (they overlay the base's). */
  private readonly ownRoots_ = new Map<number, MemRoot>();
  private readonly newRoots_: number[] = [];
  /** Sections written this step: the original (null when created this step) and the working copy. */
  private readonly written_ = new Map<number, { readonly before: MemSection | null; readonly now: MutableSection }>();
  private once_: Record<string, true>;
  private readonly newOnce_: string[] = [];
  private highest_: number;
  private device_: ReadonlyArray<readonly [number, number]>;

  constructor(
    private readonly base: KernelState,
    private readonly g: Geometry,
  ) {
    this.table_ = largeTableOf(base);
    // A state with a table is never asked for its plain record here (that would build it).
    this.baseRoots_ = this.table_ ? NO_ROOTS : base.roots;
    this.once_ = base.once as Record<string, true>;
    this.highest_ = base.highestPresentSectionNr;
    this.device_ = base.deviceRanges;
  }

  /** __highest_present_section_nr as this step sees it. */
  get highestPresentSectionNr(): number {
    return this.highest_;
  }

  set highestPresentSectionNr(nr: number) {
    this.highest_ = nr;
  }

  /** The ZONE_DEVICE ranges as this step sees them. */
  get deviceRanges(): ReadonlyArray<readonly [number, number]> {
    return this.device_;
  }

  set deviceRanges(ranges: ReadonlyArray<readonly [number, number]>) {
    this.device_ = ranges;
  }

  /** True when mem_section root `r` is allocated. */
  hasRoot(r: number): boolean {
    return this.root(r) !== undefined;
  }

  /** Allocate root `r` (all sections zero). */
  addRoot(r: number): void {
    if (this.hasRoot(r)) return;
    this.ownRoots_.set(r, { sections: new Array<MemSection | null>(this.g.SECTIONS_PER_ROOT).fill(null) });
    this.newRoots_.push(r);
  }

  /** The current section `nr` (read-only), undefined when its root is NULL or it was never touched. */
  peek(nr: number): MemSection | undefined {
    return this.root(sectionNrToRoot(this.g, nr))?.sections[nr % this.g.SECTIONS_PER_ROOT] ?? undefined;
  }

  /** Section `nr` for writing (copied on first write, created zero if untouched); undefined for a NULL root. */
  write(nr: number, zero: () => MemSection): MutableSection | undefined {
    const hit = this.written_.get(nr);
    if (hit) return hit.now;
    const r = sectionNrToRoot(this.g, nr);
    const root = this.root(r);
    if (!root) return undefined;
    const before = root.sections[nr % this.g.SECTIONS_PER_ROOT] ?? null;
    const now: MutableSection = { ...(before ?? zero()) };
    this.ownRoot(r)[nr % this.g.SECTIONS_PER_ROOT] = now;
    this.written_.set(nr, { before, now });
    return now;
  }

  /** Section numbers written during this step, in first-write order. */
  writtenSections(): number[] {
    return [...this.written_.keys()];
  }

  /** Has the once-only call site `site` fired in this run? */
  fired(site: string): boolean {
    return this.once_[site] === true;
  }

  /** Mark `site` as fired. */
  fire(site: string): void {
    if (this.fired(site)) return;
    if (this.once_ === this.base.once) this.once_ = { ...this.base.once };
    this.once_[site] = true;
    this.newOnce_.push(site);
  }

  /** Freeze the step: the next state and its compact changes (changes.ts). */
  finish(isZero: (ms: MemSection) => boolean): { state: KernelState; changes: Changes } {
    const c: unknown[] = [];
    if (this.newRoots_.length) for (const r of this.newRoots_.slice().sort((a, b) => a - b)) c.push(ROOT, r);
    const written = this.written_.size > 1 ? [...this.written_].sort((a, b) => a[0] - b[0]) : this.written_;
    for (const [nr, { before, now }] of written) {
      const r = sectionNrToRoot(this.g, nr);
      const idx = nr % this.g.SECTIONS_PER_ROOT;
      const sections = this.ownRoots_.get(r)?.sections as Array<MemSection | null>;
      if (!before) {
        // A section created this step: kept whole, or dropped again if still all zero.
        if (isZero(now)) sections[idx] = null;
        else c.push(CREATE, r, idx, now);
        continue;
      }
      let changed = false;
      for (let f = 0; f < SECTION_FIELDS.length; f++) {
        const key = SECTION_FIELDS[f] as SectionField;
        const was = before[key];
        const is = now[key];
        if (was === is) continue;
        if (Array.isArray(was) && Array.isArray(is) && sameWords(was, is)) {
          now[key] = was as never;
          continue;
        }
        changed = true;
        c.push(FIELD, r, idx, f, is, was);
      }
      if (!changed) sections[idx] = before;
    }
    if (this.highest_ !== this.base.highestPresentSectionNr) c.push(HIGHEST, this.highest_, this.base.highestPresentSectionNr);
    for (const site of this.newOnce_) c.push(ONCE, site);
    if (this.device_ !== this.base.deviceRanges) {
      const d = deviceSplice(this.base.deviceRanges, this.device_);
      if (d.removed.length || d.inserted.length) c.push(DEVICE, d.i, d.removed, d.inserted);
      else this.device_ = this.base.deviceRanges;
    }
    if (!c.length) return { state: this.base, changes: NO_CHANGES };
    let table = this.table_ ?? (this.newRoots_.length && countRoots(this.baseRoots_, SMALL_ROOTS) + this.newRoots_.length > SMALL_ROOTS ? RootTable.fromRecord(this.baseRoots_) : undefined);
    if (table) {
      for (const [r, root] of this.ownRoots_) table = table.set(r, root);
      return { state: makeState(table, this.highest_, this.once_, this.device_), changes: c.slice() };
    }
    let roots = this.baseRoots_;
    if (this.ownRoots_.size) {
      const copy: Record<number, MemRoot> = { ...roots };
      for (const [r, root] of this.ownRoots_) copy[r] = root;
      roots = copy;
    }
    const state: KernelState = { roots, highestPresentSectionNr: this.highest_, once: this.once_, deviceRanges: this.device_ };
    return { state, changes: c.slice() };
  }

  // --- internal ---

  /** Root `r` as this step sees it. */
  private root(r: number): MemRoot | undefined {
    return this.ownRoots_.get(r) ?? (this.table_ ? this.table_.get(r) : this.baseRoots_[r]);
  }

  /** Root `r`'s section array for writing (copied on the first write of the step). */
  private ownRoot(r: number): Array<MemSection | null> {
    let root = this.ownRoots_.get(r);
    if (!root) {
      root = { sections: (this.table_ ? (this.table_.get(r) as MemRoot) : (this.baseRoots_[r] as MemRoot)).sections.slice() };
      this.ownRoots_.set(r, root);
    }
    return root.sections as Array<MemSection | null>;
  }
}

const NO_CHANGES: Changes = Object.freeze([]);
const NO_ROOTS: KernelState['roots'] = Object.freeze({});

function sameWords(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
