/** Evaluate a scenario's `expect` lines against a step's outcome and the state after it. */
import type { ExpectLine, Expectation } from '../inputs/types.js';
import { bitmapEqual, bitmapToLongs } from '../kernel/bitmap.js';
import { formatRet } from '../kernel/errno.js';
import { getSection } from '../model/model.js';
import { zeroSection } from '../kernel/zero_section.js';
import type { KernelState, Outcome, Profile } from '../kernel/types.js';
import { flagNames } from '../kernel/section_word.js';
import type { ExpectResult } from './types.js';

/** Check every expectation of a step. */
export function checkExpectations(p: Profile, lines: readonly ExpectLine[], outcome: Outcome, state: KernelState): readonly ExpectResult[] {
  if (!lines.length) return NONE;
  return lines.map((l) => {
    const detail = mismatch(p, l.expect, outcome, state);
    return { expect: l.expect, source: l.source, text: l.text, ok: detail === '', detail };
  });
}

// --- internal ---

const NONE: readonly ExpectResult[] = Object.freeze([]);

/** '' when the expectation holds, else what was found. */
function mismatch(p: Profile, e: Expectation, o: Outcome, state: KernelState): string {
  switch (e.kind) {
    case 'ret':
      return o.ret === e.ret ? '' : `ret is ${formatRet(o.ret)}, expected ${formatRet(e.ret)}`;
    case 'value':
      return o.value === e.value ? '' : `value is ${String(o.value)}, expected ${String(e.value)}`;
    case 'warn':
      return o.warnings.some((w) => w.text === e.text) ? '' : `no WARN "${e.text}"; got ${o.warnings.length ? o.warnings.map((w) => `"${w.text || w.kind + ' in ' + w.func}"`).join(', ') : 'none'}`;
    case 'no-warn':
      return o.warnings.length === 0 ? '' : `got ${o.warnings.length} warning(s): ${o.warnings.map((w) => w.text || `${w.kind} in ${w.func}`).join('; ')}`;
    case 'hazard':
      return o.hazards.some((h) => e.bug === 'any' || h.bug === e.bug) ? '' : `no hazard ${e.bug}; got ${o.hazards.map((h) => h.bug ?? h.kind).join(', ') || 'none'}`;
    case 'no-hazard':
      return o.hazards.length === 0 ? '' : `got hazard(s): ${o.hazards.map((h) => h.bug ?? h.kind).join(', ')}`;
    case 'section': {
      const ms = getSection(p, state, e.nr) ?? zeroSection(p.geometry, e.nr);
      const bad: string[] = [];
      if (e.state !== undefined && ms.machine !== e.state && !ms.machine.startsWith(`${e.state}.`)) bad.push(`state ${ms.machine} (expected ${e.state})`);
      if (e.flags !== undefined && ms.flags !== e.flags) bad.push(`flags ${flagNames(ms.flags)} (expected ${flagNames(e.flags)})`);
      if (e.map !== undefined && !bitmapEqual(ms.subsectionMap, e.map)) bad.push(`map ${bitmapToLongs(ms.subsectionMap).join(',')} (expected ${bitmapToLongs(e.map).join(',')})`);
      if (e.usage !== undefined && ms.usage !== e.usage) bad.push(`usage ${ms.usage} (expected ${e.usage})`);
      if (e.memmap !== undefined && ms.memmap !== e.memmap) bad.push(`memmap ${ms.memmap} (expected ${e.memmap})`);
      return bad.length ? `section ${e.nr}: ${bad.join(', ')}` : '';
    }
  }
}
