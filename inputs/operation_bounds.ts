/**
 * The bounds one operation must keep, however it was made (a scenario line, a trace's call, a log
 * record): pfns within the 64-bit physical address space, an altmap within it, a
 * sparse_*_section call within one section, at most MAX_SECTIONS_PER_CALL sections.
 */
import type { Geometry } from '../kernel/geometry.js';
import type { Checked, Problem } from './lexer.js';
import { checkBootSections, checkDeviceRanges, checkRunSections, MAX_SECTIONS_PER_CALL, sectionsSpanned } from './limits.js';
import { hex } from './numbers.js';
import { checkEnd, checkSpan, checkStart } from './ranges.js';
import type { BootRange, Operation, SourceLoc } from '../kernel/operation.js';
import type { InputError, Scenario, ScenarioStep } from './types.js';

/** What takes `op` out of those bounds (`pfn=… is past …`), or null. */
export function operationProblem(g: Geometry, op: Operation): Problem | null {
  const first = (...checks: Array<() => Checked<void>>): Problem | null => {
    for (const c of checks) {
      const r = c();
      if (!r.ok) return r.problem;
    }
    return null;
  };
  const range = (message: string): Problem => ({ code: 'E_RANGE', message });
  let why: Problem | null;
  switch (op.kind) {
    case 'online_mem_sections':
    case 'offline_mem_sections': {
      const [s, e] = [op.start_pfn, op.end_pfn];
      why = first(
        () => checkStart(g, 'pfn', `start_pfn=${hex(s)}`, BigInt(s)),
        () => checkEnd(g, 'pfn', `end_pfn=${hex(e)}`, BigInt(e)),
      );
      if (why === null && e < s) why = range(`end_pfn=${hex(e)} is below start_pfn=${hex(s)}`);
      break;
    }
    case 'pfn_valid':
    case 'pfn_to_online_page':
      return first(() => checkStart(g, 'pfn', `pfn=${hex(op.pfn)}`, BigInt(op.pfn)));
    default: {
      const { pfn, nr_pages: nr } = op;
      why = first(() => checkSpan(g, 'pfn', `pfn=${hex(pfn)}`, BigInt(pfn), `pfn=${hex(pfn)} + nr_pages=${hex(nr)}`, BigInt(nr)));
      if (why === null && 'altmap' in op && op.altmap !== null) {
        const a = op.altmap;
        why = first(() => checkSpan(g, 'pfn', `altmap base_pfn ${hex(a.base_pfn)}`, BigInt(a.base_pfn), `altmap base_pfn ${hex(a.base_pfn)} + reserve ${hex(a.reserve)} + free ${hex(a.free)}`, BigInt(a.reserve) + BigInt(a.free)));
      }
      if (why === null && op.kind === 'sparse_remove_section' && op.map_offset > nr) why = range(`map_offset=${hex(op.map_offset)} is greater than nr_pages=${hex(nr)}`);
      if (why === null && (op.kind === 'sparse_add_section' || op.kind === 'sparse_remove_section') && nr > 0) {
        const boundary = (Math.floor(pfn / g.PAGES_PER_SECTION) + 1) * g.PAGES_PER_SECTION;
        if (pfn + nr > boundary) why = range(`${op.kind} pfn=${hex(pfn)} nr_pages=${hex(nr)} crosses the section boundary at pfn ${hex(boundary)}: it must lie within one section`);
      }
    }
  }
  if (why !== null) return why;
  const sections = sectionsSpanned(g, op);
  if (sections > MAX_SECTIONS_PER_CALL) return { code: 'E_LIMIT', message: `${op.kind} spans ${sections} sections: memhp models at most MAX_SECTIONS_PER_CALL (${MAX_SECTIONS_PER_CALL}) sections per call` };
  return null;
}

/**
 * What a whole run may not pass, each at the line that passes it: the sections all operations span
 * (MAX_RUN_SECTIONS), the distinct ZONE_DEVICE ranges (MAX_DEVICE_RANGES) and the boot RAM
 * (MAX_BOOT_SECTIONS, at the boot layout's line when it has one).
 */
export function runBoundsErrors(g: Geometry, boot: { readonly ranges: readonly BootRange[]; readonly source: SourceLoc | null }, steps: readonly ScenarioStep[]): InputError[] {
  const errors: InputError[] = [];
  for (const c of [checkRunSections(g, steps), checkDeviceRanges(steps)]) {
    if (!c.ok && c.step !== undefined) errors.push({ ...c.problem, file: c.step.source.file, line: c.step.source.line });
  }
  const size = checkBootSections(g, boot.ranges);
  if (!size.ok && boot.source !== null) errors.push({ ...size.problem, file: boot.source.file, line: boot.source.line });
  return errors;
}

/** A scenario made other than by the scenario parser (a trace's calls) held to the parser's bounds: every operation, then the whole run. */
export function scenarioBoundsErrors(g: Geometry, scenario: Scenario): InputError[] {
  const errors: InputError[] = [];
  for (const s of scenario.steps) {
    const why = operationProblem(g, s.op);
    if (why !== null) errors.push({ ...why, file: s.source.file, line: s.source.line });
    if (errors.length >= 20) return errors;
  }
  return errors.length ? errors : runBoundsErrors(g, scenario.boot, scenario.steps);
}
