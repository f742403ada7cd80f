/** Touched sections as runs: consecutive sections in the same state merged (`64-95 full-hotplug, 96 early.grown`), shared by `run` and `compare`. */
import { ranges } from '../kernel/format.js';
import type { SectionStateValue } from '../kernel/types.js';
import type { Colors } from './colors.js';
import { stateColor } from './state_color.js';

/** One run of consecutive sections that ended in the same state. */
export interface SectionRun {
  readonly nrs: number[];
  readonly state: SectionStateValue;
}

/** Consecutive section numbers with the same state merged into runs, in the order given. */
export function sectionRuns(list: Iterable<{ readonly nr: number; readonly state: SectionStateValue }>): SectionRun[] {
  const runs: SectionRun[] = [];
  for (const s of list) {
    const last = runs[runs.length - 1];
    if (last && last.state === s.state && (last.nrs[last.nrs.length - 1] ?? -2) + 1 === s.nr) last.nrs.push(s.nr);
    else runs.push({ nrs: [s.nr], state: s.state });
  }
  return runs;
}

/**
 * The runs as text, plain and coloured, at most `max` characters: what does not fit ends in `…`
 * and, with `countRest`, the number of sections left out (`…, +12 sections`).
 */
export function sectionRunsText(runs: readonly SectionRun[], c: Colors, max: number, countRest = false): { plain: string; shown: string } {
  let plain = '';
  let shown = '';
  let done = 0;
  let total = 0;
  for (const r of runs) total += r.nrs.length;
  for (const r of runs) {
    const sep = plain ? ', ' : '';
    const label = `${ranges(r.nrs)} `;
    if ((plain + sep + label + r.state).length > max) {
      const more = countRest ? `${sep}… +${total - done} section(s)` : `${sep}…`;
      return { plain: plain + more, shown: shown + more };
    }
    plain += sep + label + r.state;
    shown += sep + label + stateColor(c, r.state)(r.state);
    done += r.nrs.length;
  }
  return { plain: plain || '-', shown: shown || '-' };
}
