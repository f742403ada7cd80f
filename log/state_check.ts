/** The shape of a whole state read from a format-3 file (log/logfile_compact.ts), checked under a geometry. */
import * as v from 'valibot';
import type { Geometry } from '../kernel/geometry.js';
import { ONCE_SITE, boundsOf, deviceRangesProblem, sectionSchemas } from './logfile_check.js';

/** What is wrong with `value` as a KernelState under `g` (`roots.3.sections.7: …`), or null. */
export function checkStateShape(g: Geometry, value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a state object';
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).join(',');
  if (keys !== 'roots,highestPresentSectionNr,once,deviceRanges') return `not the fields of a state (${keys})`;
  const { maxRoot, maxSectionNr } = boundsOf(g);
  const roots = o.roots;
  if (typeof roots !== 'object' || roots === null || Array.isArray(roots)) return 'roots: not an object';
  const section = sectionSchemas(g).section;
  for (const [k, root] of Object.entries(roots)) {
    if (!/^(0|[1-9]\d{0,9})$/.test(k) || Number(k) > maxRoot) return `roots.${k}: not a root number (0..${maxRoot})`;
    const sections = (root as { sections?: unknown } | null)?.sections;
    if (typeof root !== 'object' || root === null || Object.keys(root).join(',') !== 'sections' || !Array.isArray(sections) || sections.length !== g.SECTIONS_PER_ROOT) return `roots.${k}: not a root of ${g.SECTIONS_PER_ROOT} sections`;
    for (let i = 0; i < sections.length; i++) {
      const ms: unknown = sections[i];
      if (ms === null) continue;
      const r = v.safeParse(section, ms);
      if (!r.success) return `roots.${k}.sections.${i}: ${r.issues[0].message}`;
      if ((ms as { nr?: unknown }).nr !== Number(k) * g.SECTIONS_PER_ROOT + i) return `roots.${k}.sections.${i}: its nr is not its place`;
    }
  }
  const highest = o.highestPresentSectionNr;
  if (!Number.isSafeInteger(highest) || (highest as number) < -1 || (highest as number) > maxSectionNr) return `highestPresentSectionNr: not -1..${maxSectionNr}`;
  const once = o.once;
  if (typeof once !== 'object' || once === null || Array.isArray(once)) return 'once: not an object';
  for (const [site, fired] of Object.entries(once)) if (fired !== true || !ONCE_SITE.test(site)) return `once: ${JSON.stringify(site)} is not a fired call site`;
  const device = deviceRangesProblem(g, o.deviceRanges);
  return device === null ? null : `deviceRanges.${device}`;
}
