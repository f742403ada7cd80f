/**
 * The bare baseline: the same v5.3 `__add_pages` / `__remove_pages` decisions as model/ — span
 * check, per-section chunks, sparse_index_init, section_activate's mask / -EINVAL / -EEXIST / OR,
 * section_deactivate's subset test / XOR / empty → usage freed unless early, flags cleared — on flat
 * typed arrays, with return codes and nothing else: no log, no patches, no outcome, no memmap, no
 * section machine. Two 32-bit words hold one section's 64-bit subsection_map.
 *
 * Scope: x86_64 4K geometry (64 sub-sections a section), SPARSEMEM_VMEMMAP, no altmap, no injected
 * failures, pfns below 2^31 (so 32-bit integer arithmetic is exact).
 */
import type { BootRange } from '../kernel/operation.js';
import type { Geometry } from '../kernel/geometry.js';

const PRESENT = 1 << 0;
const HAS_MEM_MAP = 1 << 1;
const ONLINE = 1 << 2;
const EARLY = 1 << 3;
const USAGE_NONE = 0;
const USAGE_BOOT = 1;
const USAGE_SLAB = 2;
const EEXIST = 17;
const EINVAL = 22;

/** Bits a..b (0 ≤ a ≤ b ≤ 31) of a 32-bit word. */
function bits32(a: number, b: number): number {
  return ((0xffffffff >>> (31 - b)) & ~((1 << a) - 1)) >>> 0;
}

/** Flat-array model of sub-section hotplug: return codes and subsection_maps only. */
export class BareModel {
  /** subsection_map, words 2·nr (bits 0–31) and 2·nr+1 (bits 32–63). */
  readonly maps: Uint32Array;
  /** section_mem_map flag bits, as kernel/types.ts numbers them. */
  readonly flags: Uint8Array;
  /** ms->usage: none, memblock (boot) or kzalloc (slab). */
  readonly usage: Uint8Array;
  /** Allocated mem_section roots. */
  readonly roots: Uint8Array;
  /** WARN_ON_ONCE in __remove_section already fired. */
  private warnedInvalid = false;
  private readonly pps: number;
  private readonly sub: number;
  private readonly perRoot: number;

  constructor(g: Geometry, sectionLimit: number) {
    if (g.SUBSECTIONS_PER_SECTION !== 64) throw new Error('BareModel: 64 sub-sections a section only');
    this.maps = new Uint32Array(2 * sectionLimit);
    this.flags = new Uint8Array(sectionLimit);
    this.usage = new Uint8Array(sectionLimit);
    this.roots = new Uint8Array(Math.ceil(sectionLimit / g.SECTIONS_PER_ROOT));
    this.pps = g.PAGES_PER_SECTION;
    this.sub = g.PAGES_PER_SUBSECTION;
    this.perRoot = g.SECTIONS_PER_ROOT;
  }

  /** Back to the state before boot (every array zeroed), so one instance serves every run. */
  reset(): void {
    this.maps.fill(0);
    this.flags.fill(0);
    this.usage.fill(0);
    this.roots.fill(0);
    this.warnedInvalid = false;
  }

  /** memory_present, sparse_init, subsection_map_init over the boot ranges. */
  boot(ranges: readonly BootRange[]): void {
    for (const r of ranges) {
      for (let pfn = r.startPfn - (r.startPfn % this.pps); pfn < r.endPfn; pfn += this.pps) {
        const nr = (pfn / this.pps) | 0;
        this.roots[(nr / this.perRoot) | 0] = 1;
        if (this.flags[nr] === 0) this.flags[nr] = ONLINE | PRESENT;
      }
    }
    for (let nr = 0; nr < this.flags.length; nr++) {
      if ((this.flags[nr] as number) & PRESENT) {
        this.usage[nr] = USAGE_BOOT;
        this.flags[nr] = (this.flags[nr] as number) | HAS_MEM_MAP | EARLY;
      }
    }
    for (const r of ranges) {
      let cur = r.startPfn;
      while (cur < r.endPfn) {
        const chunk = Math.min(r.endPfn - cur, this.pps - (cur % this.pps));
        const nr = (cur / this.pps) | 0;
        this.maps[2 * nr] = ((this.maps[2 * nr] as number) | this.maskLo(cur, chunk)) >>> 0;
        this.maps[2 * nr + 1] = ((this.maps[2 * nr + 1] as number) | this.maskHi(cur, chunk)) >>> 0;
        cur += chunk;
      }
    }
  }

  /** __add_pages(nid, pfn, nr_pages, NULL): 0 or a negative errno. */
  addPages(pfn: number, nrPages: number): number {
    if (pfn % this.sub !== 0 || nrPages % this.sub !== 0) return -EINVAL;
    const startSec = (pfn / this.pps) | 0;
    const endSec = ((pfn + nrPages - 1) / this.pps) | 0;
    let cur = pfn;
    let left = nrPages;
    for (let nr = startSec; nr <= endSec; nr++) {
      const pfns = Math.min(left, this.pps - (cur % this.pps));
      const rc = this.activate(nr, cur, pfns);
      if (rc) return rc;
      this.flags[nr] = (this.flags[nr] as number) | PRESENT | HAS_MEM_MAP;
      cur += pfns;
      left -= pfns;
    }
    return 0;
  }

  /** __remove_pages(zone, pfn, nr_pages, NULL): void in the kernel; here the number of WARN splats. */
  removePages(pfn: number, nrPages: number): number {
    if (pfn % this.sub !== 0 || nrPages % this.sub !== 0) return 1;
    const startSec = (pfn / this.pps) | 0;
    const endSec = ((pfn + nrPages - 1) / this.pps) | 0;
    let cur = pfn;
    let left = nrPages;
    let warns = 0;
    for (let nr = startSec; nr <= endSec; nr++) {
      const pfns = Math.min(left, this.pps - (cur % this.pps));
      if (((this.flags[nr] as number) & HAS_MEM_MAP) === 0) this.warnedInvalid = true;
      else warns += this.deactivate(nr, cur, pfns);
      cur += pfns;
      left -= pfns;
    }
    return warns;
  }

  /** Section `nr`'s subsection_map as two 32-bit words [bits 0–31, bits 32–63]. */
  map(nr: number): [number, number] {
    return [this.maps[2 * nr] ?? 0, this.maps[2 * nr + 1] ?? 0];
  }

  /** Whether the WARN_ON_ONCE of __remove_section fired. */
  get invalidWarned(): boolean {
    return this.warnedInvalid;
  }

  // --- internal ---

  /** section_activate: 0, -EINVAL (empty mask) or -EEXIST. */
  private activate(nr: number, pfn: number, nrPages: number): number {
    this.roots[(nr / this.perRoot) | 0] = 1;
    const lo = this.maskLo(pfn, nrPages);
    const hi = this.maskHi(pfn, nrPages);
    const allocated = this.usage[nr] === USAGE_NONE;
    if (allocated) this.usage[nr] = USAGE_SLAB;
    let rc = 0;
    if (lo === 0 && hi === 0) rc = -EINVAL;
    else if (((this.maps[2 * nr] as number) & lo) !== 0 || ((this.maps[2 * nr + 1] as number) & hi) !== 0) rc = -EEXIST;
    if (rc) {
      if (allocated) this.usage[nr] = USAGE_NONE;
      return rc;
    }
    this.maps[2 * nr] = ((this.maps[2 * nr] as number) | lo) >>> 0;
    this.maps[2 * nr + 1] = ((this.maps[2 * nr + 1] as number) | hi) >>> 0;
    return 0;
  }

  /** section_deactivate: 1 when it WARNs "section already deactivated", else 0. */
  private deactivate(nr: number, pfn: number, nrPages: number): number {
    const early = ((this.flags[nr] as number) & EARLY) !== 0;
    const lo = this.maskLo(pfn, nrPages);
    const hi = this.maskHi(pfn, nrPages);
    const mlo = this.maps[2 * nr] as number;
    const mhi = this.maps[2 * nr + 1] as number;
    if (this.usage[nr] === USAGE_NONE || (mlo & lo) >>> 0 !== lo || (mhi & hi) >>> 0 !== hi) return 1;
    const nlo = (mlo ^ lo) >>> 0;
    const nhi = (mhi ^ hi) >>> 0;
    this.maps[2 * nr] = nlo;
    this.maps[2 * nr + 1] = nhi;
    if (nlo === 0 && nhi === 0) {
      if (!early) this.usage[nr] = USAGE_NONE;
      this.flags[nr] = 0;
    }
    return 0;
  }

  /** Bits 0–31 of subsection_mask_set(pfn, nr_pages) (nr_pages ≥ 1, one section). */
  private maskLo(pfn: number, nrPages: number): number {
    const a = ((pfn % this.pps) / this.sub) | 0;
    const b = (((pfn + nrPages - 1) % this.pps) / this.sub) | 0;
    return a > 31 ? 0 : bits32(a, Math.min(b, 31));
  }

  /** Bits 32–63 of subsection_mask_set(pfn, nr_pages). */
  private maskHi(pfn: number, nrPages: number): number {
    const a = ((pfn % this.pps) / this.sub) | 0;
    const b = (((pfn + nrPages - 1) % this.pps) / this.sub) | 0;
    return b < 32 ? 0 : bits32(Math.max(a, 32) - 32, b - 32);
  }
}
