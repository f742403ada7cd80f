/**
 * Removals of memory that is still online. memhp runs `__remove_pages` / `sparse_remove_section`
 * directly, below the kernel's own gate: memory must be offlined first (offline_pages(), via
 * `echo offline > …/memoryN/state`), and try_remove_memory() refuses a memory block that is still
 * online (check_memblock_offlined_cb: "removing memory fails, because memory [%pa-%pa] is
 * onlined", -EBUSY). Such a step passes in the model; this finds them so that `run` can say so.
 * Early sections are left out: their ONLINE flag is the boot RAM's (the seed example removes the
 * PMEM half of section 96 next to online boot RAM, which devm_memremap_pages_release() does).
 * One walk over the steps' patches, tracking each section's flags; no state is materialised past
 * step 0.
 */
import type { Patch } from 'immer';
import { endSectionNr, pfnToSectionNr } from '../kernel/pfn.js';
import { SECTION_IS_EARLY, SECTION_IS_ONLINE } from '../kernel/types.js';
import type { MemRoot, MemSection } from '../kernel/types.js';
import { ranges } from '../kernel/format.js';
import { listSections } from '../model/model.js';
import type { HotplugLog } from '../log/log.js';

/** Per step number: the note for a removal of sections that were online (hot-added, not early) before it. */
export function onlineRemovalNotes(log: HotplugLog): Map<number, string[]> {
  const g = log.profile.geometry;
  const out = new Map<number, string[]>();
  if (log.length < 2) return out;
  const flags = new Map<number, number>();
  for (const ms of listSections(log.stateAt(0))) flags.set(ms.nr, ms.flags);
  for (let i = 1; i < log.length; i++) {
    const s = log.step(i);
    const op = s.op;
    if (op && (op.kind === '__remove_pages' || op.kind === 'sparse_remove_section') && op.nr_pages > 0) {
      const online: number[] = [];
      const first = pfnToSectionNr(g, op.pfn);
      const last = Math.min(endSectionNr(g, op.pfn, op.nr_pages), first + g.NR_MEM_SECTIONS);
      for (let nr = first; nr <= last; nr++) {
        const f = flags.get(nr) ?? 0;
        if ((f & SECTION_IS_ONLINE) !== 0 && (f & SECTION_IS_EARLY) === 0) online.push(nr);
      }
      if (online.length) out.set(i, [onlineNote(online)]);
    }
    for (const p of s.patches) applyFlags(flags, p, g.SECTIONS_PER_ROOT);
  }
  return out;
}

/** The note for removing the online sections `nrs`. */
export function onlineNote(nrs: readonly number[]): string {
  return `section ${ranges(nrs)} still online: offline_pages() would have to offline it first; try_remove_memory() refuses online memory (-EBUSY, "removing memory fails, because memory [...] is onlined")`;}

// --- internal ---

function applyFlags(flags: Map<number, number>, p: Patch, perRoot: number): void {
  const path = p.path;
  if (path[0] !== 'roots') return;
  const setSection = (nr: number, ms: MemSection | null | undefined): void => {
    if (ms) flags.set(nr, ms.flags);
    else flags.delete(nr);
  };
  if (path.length === 1) {
    flags.clear();
    const roots = (p.op === 'remove' ? {} : p.value) as Record<string, MemRoot> | undefined;
    for (const [r, root] of Object.entries(roots ?? {})) root.sections.forEach((ms, idx) => setSection(Number(r) * perRoot + idx, ms));
    return;
  }
  const base = Number(path[1]) * perRoot;
  if (path.length === 2) {
    for (let idx = 0; idx < perRoot; idx++) flags.delete(base + idx);
    const root = (p.op === 'remove' ? undefined : p.value) as MemRoot | undefined;
    root?.sections.forEach((ms, idx) => setSection(base + idx, ms));
    return;
  }
  if (path[2] !== 'sections') return;
  if (path.length === 3) {
    for (let idx = 0; idx < perRoot; idx++) flags.delete(base + idx);
    const secs = (p.op === 'remove' ? [] : p.value) as ReadonlyArray<MemSection | null>;
    secs.forEach((ms, idx) => setSection(base + idx, ms));
    return;
  }
  const nr = base + Number(path[3]);
  if (path.length === 4) setSection(nr, p.op === 'remove' ? null : (p.value as MemSection | null));
  else if (path.length === 5 && path[4] === 'flags') flags.set(nr, p.op === 'remove' ? 0 : (p.value as number));
}
