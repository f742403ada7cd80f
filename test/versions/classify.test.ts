/**
 * The section machine against classifySection() (kernel/classify.ts) outside v5.3. classify.ts
 * reads the machine state off the kernel fields "(v5.3)", and test/helpers/model.ts sectionView()
 * asserts that the two agree for every section it shows — so once forEachProfile() runs other
 * releases, every view of the sections below fails. The kernel fields alone no longer separate the
 * machine states:
 *   - from F4 (v5.6, 5.4.19) a fully deactivated section gets section_mem_map 0 instead of
 *     ENCODED_NULL (kernel-semantics.md §2.8 "Later"; §2.12: word "0 (never used / v5.6+ removed)"),
 *     so a removed hot-added section (machine absent.deactivated) reads as absent.never;
 *   - v5.2 has no SECTION_IS_EARLY (§3 row v5.3: the seed added it; §2.10) and memhp shows a valid
 *     v5.2 section as wholly active, so a boot section (machine early.boot) reads as full-hotplug.
 * The 5.3 cases are the control. classifySection() therefore takes the profile: with it, a stored
 * section with word 0 after F4 (or in v5.2) is a removed one, and a v5.2 boot section is told by
 * its boot usage.
 */
import { describe, expect, it } from 'vitest';
import { classifySection } from '../../kernel/index.js';
import { getSection } from '../../model/index.js';
import { SECTION, addPages, removePages, secPfn } from '../helpers/model.js';
import { runOn } from './boundary.js';

function agreement(kernel: string, ops: Parameters<typeof runOn>[1], nr: number): { machine: string; classified: string } {
  const v = runOn(kernel, ops);
  const ms = getSection(v.p, v.last, nr)!;
  return { machine: ms.machine, classified: classifySection(v.p.geometry, ms, v.p) };
}

describe('section machine = classifySection(kernel fields) in every release', () => {
  it.each(['5.3', '5.5', '5.6', '6.1.192'])('%s: a fully removed hot-added section', (kernel) => {
    const r = agreement(kernel, [addPages(secPfn(41), SECTION), removePages(secPfn(41), SECTION)], 41);
    expect(r.machine).toBe('absent.deactivated');
    expect(r.classified).toBe(r.machine);
  });

  it.each(['5.2', '5.3'])('%s: a boot section right after boot', (kernel) => {
    const r = agreement(kernel, [], 32);
    expect(r.machine).toBe('early.boot');
    expect(r.classified).toBe(r.machine);
  });
});
