/**
 * Where a fork and its original differ, tracked from the two runs' compact changes (model/changes.ts)
 * since a state both shared (the base): the fork's state is real, the original's is a shadow of the
 * sections, roots, once sites, __highest_present_section_nr and ZONE_DEVICE ranges its steps wrote.
 * Only what a step touched is compared again (section by section, field by field), so asking whether
 * the two runs are back at equal states costs what the steps since the last question touched.
 */
import type { DeviceRange, Changes, ChangeVisitor, SectionField } from '../model/changes.js';
import { SECTION_FIELDS, walkChanges } from '../model/changes.js';
import { getSection } from '../model/model.js';
import type { KernelState, MemSection, Profile } from '../kernel/types.js';
import type { StepReads } from '../model/step_reads.js';

/** The differences between a fork and its original since a shared base state. */
export class Divergence {
  private readonly spr: number;
  /** Sections / roots either run wrote since the last `converged()`. */
  private readonly touched = new Set<number>();
  private readonly touchedRoots = new Set<number>();
  /** Sections / roots / once sites that differed at the last `converged()`. */
  private readonly differing = new Set<number>();
  private readonly differingRoots = new Set<number>();
  private readonly differingOnce = new Set<string>();
  /** The original's side: what its steps wrote since the base. */
  private readonly oSections = new Map<number, MemSection | null>();
  private readonly oRoots = new Set<number>();
  private readonly oOnce = new Set<string>();
  private readonly fOnce = new Set<string>();
  private oHighest: number;
  private oDevice: DeviceRange[] | null = null;
  private readonly forkVisitor: ChangeVisitor;
  private readonly origVisitor: ChangeVisitor;

  constructor(
    private readonly profile: Profile,
    /** The state both runs were at: every field neither run wrote since is equal. */
    private readonly base: KernelState,
  ) {
    this.spr = profile.geometry.SECTIONS_PER_ROOT;
    this.oHighest = base.highestPresentSectionNr;
    this.forkVisitor = {
      root: (r) => this.touchedRoots.add(r),
      create: (r, idx) => this.touched.add(r * this.spr + idx),
      field: (r, idx) => this.touched.add(r * this.spr + idx),
      highest: () => undefined,
      once: (site) => this.fired(this.fOnce, this.oOnce, site),
      device: () => undefined,
    };
    this.origVisitor = {
      root: (r) => {
        this.oRoots.add(r);
        this.touchedRoots.add(r);
      },
      create: (r, idx, ms) => {
        const nr = r * this.spr + idx;
        this.oSections.set(nr, ms);
        this.touched.add(nr);
      },
      field: (r, idx, f, now) => {
        const nr = r * this.spr + idx;
        const cur = this.origSection(nr);
        if (!cur) throw new Error(`fork: the original's step writes ${f} of section ${nr}, which it never created`);
        this.oSections.set(nr, withField(cur, f, now));
        this.touched.add(nr);
      },
      highest: (now) => {
        this.oHighest = now;
      },
      once: (site) => this.fired(this.oOnce, this.fOnce, site),
      device: (i, removed, inserted) => {
        const cur = (this.oDevice ??= this.base.deviceRanges.slice());
        const tail = cur.slice(i + removed.length);
        cur.length = i;
        for (const d of inserted) cur.push(d);
        for (const d of tail) cur.push(d);
      },
    };
  }

  /** The fork ran a step that made `changes`. */
  forkStep(changes: Changes): void {
    walkChanges(changes, this.forkVisitor);
  }

  /** The original's next step made `changes`. */
  origStep(changes: Changes): void {
    walkChanges(changes, this.origVisitor);
  }

  /** True when the fork's state `state` equals the original's state now (re-checks only what was touched since the last call). */
  converged(state: KernelState): boolean {
    this.refresh(state);
    return (
      this.differing.size === 0 &&
      this.differingRoots.size === 0 &&
      this.differingOnce.size === 0 &&
      state.highestPresentSectionNr === this.oHighest &&
      sameRanges(state.deviceRanges, this.oDevice ?? this.base.deviceRanges)
    );
  }

  /**
   * True when everything a step with read set `reads` may read is equal in the fork's state `state`
   * and the original's now: its sections and their roots, the global fields it reads, and every once
   * site (any step may test one). Such a step does in the fork what it did in the original.
   */
  clean(reads: StepReads, state: KernelState): boolean {
    this.refresh(state);
    if (this.differingOnce.size !== 0) return false;
    if (reads.highest && state.highestPresentSectionNr !== this.oHighest) return false;
    if (reads.device && !sameRanges(state.deviceRanges, this.oDevice ?? this.base.deviceRanges)) return false;
    for (const nr of this.differing) if (nr >= reads.first && nr <= reads.last) return false;
    const lo = Math.floor(reads.first / this.spr);
    const hi = Math.floor(reads.last / this.spr);
    for (const r of this.differingRoots) if (r >= lo && r <= hi) return false;
    return true;
  }

  /** A step both runs made alike (its reads were clean): the same changes on both sides. */
  bothStep(changes: Changes): void {
    walkChanges(changes, this.forkVisitor);
    walkChanges(changes, this.origVisitor);
  }

  // --- internal ---

  /** Compare again what either run wrote since the last comparison. */
  private refresh(state: KernelState): void {
    for (const nr of this.touched) {
      if (sameSection(getSection(this.profile, state, nr) ?? null, this.origSection(nr))) this.differing.delete(nr);
      else this.differing.add(nr);
    }
    this.touched.clear();
    for (const r of this.touchedRoots) {
      if ((state.roots[r] !== undefined) === (this.base.roots[r] !== undefined || this.oRoots.has(r))) this.differingRoots.delete(r);
      else this.differingRoots.add(r);
    }
    this.touchedRoots.clear();
  }

  /** The original's section `nr` now (null: NULL root or never stored). */
  private origSection(nr: number): MemSection | null {
    const o = this.oSections.get(nr);
    return o !== undefined ? o : (getSection(this.profile, this.base, nr) ?? null);
  }

  /** A once site fired in one run (`mine`): it differs until the other run (`theirs`) fires it too. */
  private fired(mine: Set<string>, theirs: Set<string>, site: string): void {
    mine.add(site);
    if (theirs.has(site)) this.differingOnce.delete(site);
    else this.differingOnce.add(site);
  }
}

/** A copy of `ms` with field `f` replaced (what the FIELD record's patch does to the original's section). */
function withField(ms: MemSection, f: SectionField, now: unknown): MemSection {
  const c = { ...ms };
  (c as Record<SectionField, unknown>)[f] = now;
  return c;
}

/** Two sections equal field by field (the fields a FIELD record can name, arrays element by element); null only equals null. */
function sameSection(a: MemSection | null, b: MemSection | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.nr !== b.nr) return false;
  for (const f of SECTION_FIELDS) {
    const x: unknown = a[f];
    const y: unknown = b[f];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}

function sameRanges(a: readonly DeviceRange[], b: readonly DeviceRange[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as DeviceRange;
    const y = b[i] as DeviceRange;
    if (x[0] !== y[0] || x[1] !== y[1]) return false;
  }
  return true;
}
