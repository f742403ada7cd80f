/**
 * The bounds one operation must keep, however it was made (a scenario line, a trace's call, a log
 * record): pfns within the 64-bit physical address space, an altmap within it, a
 * sparse_*_section call within one section, at most MAX_SECTIONS_PER_CALL sections.
 */
import { pfnToSectionNr, type Geometry } from '../machines/geometry.js';
import type { Checked } from './lexer.js';
import { checkBootSections, checkDeviceRanges, checkRunSections, MAX_SECTIONS_PER_CALL } from './limits.js';
import { hex } from './numbers.js';
import { checkEnd, checkSpan, checkStart } from './ranges.js';
import type { InputError, Operation, Scenario } from './types.js';

/** What takes `op` out of those bounds, in words (`pfn=… is past …`), or null. */
export function operationProblem(g: Geometry, op: Operation): string | null {
  const first = (...checks: Array<() => Checked<void>>): string | null => {
    for (const c of checks) {
      const r = c();
      if (!r.ok) return r.problem.message;
    }
    return null;
  };
  let span: [number, number];
  let why: string | null;
  switch (op.kind) {
    case 'online_mem_sections':
    case 'offline_mem_sections': {
      const [s, e] = [op.start_pfn, op.end_pfn];
      why = first(
        () => checkStart(g, 'pfn', `start_pfn=${hex(s)}`, BigInt(s)),
        () => checkEnd(g, 'pfn', `end_pfn=${hex(e)}`, BigInt(e)),
      );
      if (why === null && e < s) why = `end_pfn=${hex(e)} is below start_pfn=${hex(s)}`;
      span = [s, e];
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
      if (why === null && op.kind === 'sparse_remove_section' && op.map_offset > nr) why = `map_offset=${hex(op.map_offset)} is greater than nr_pages=${hex(nr)}`;
      if (why === null && (op.kind === 'sparse_add_section' || op.kind === 'sparse_remove_section') && nr > 0) {
        const boundary = (Math.floor(pfn / g.PAGES_PER_SECTION) + 1) * g.PAGES_PER_SECTION;
        if (pfn + nr > boundary) why = `${op.kind} pfn=${hex(pfn)} nr_pages=${hex(nr)} crosses the section boundary at pfn ${hex(boundary)}: it must lie within one section`;
      }
      span = [pfn, pfn + nr];
    }
  }
  if (why !== null) return why;
  const [start, end] = span;
  const sections = end > start ? pfnToSectionNr(g, end - 1) - pfnToSectionNr(g, start) + 1 : 0;
  if (sections > MAX_SECTIONS_PER_CALL) return `${op.kind} spans ${sections} sections: memhp models at most MAX_SECTIONS_PER_CALL (${MAX_SECTIONS_PER_CALL}) sections per call`;
  return null;
}

/**
 * A scenario made other than by the scenario parser (a trace's calls) held to the parser's bounds:
 * every operation, the sections all of them span (MAX_RUN_SECTIONS) and the boot RAM
 * (MAX_BOOT_SECTIONS); each problem at the line of its step, or of the boot layout.
 */
export function scenarioBoundsErrors(g: Geometry, scenario: Scenario): InputError[] {
  const errors: InputError[] = [];
  for (const s of scenario.steps) {
    const why = operationProblem(g, s.op);
    if (why !== null) errors.push({ code: 'E_RANGE', message: why, file: s.source.file, line: s.source.line });
    if (errors.length >= 20) return errors;
  }
  if (errors.length) return errors;
  const run = checkRunSections(g, scenario.steps);
  if (!run.ok && run.step !== undefined) errors.push({ ...run.problem, file: run.step.source.file, line: run.step.source.line });
  const dev = checkDeviceRanges(scenario.steps);
  if (!dev.ok && dev.step !== undefined) errors.push({ ...dev.problem, file: dev.step.source.file, line: dev.step.source.line });
  const boot = checkBootSections(g, scenario.boot.ranges);
  if (!boot.ok) errors.push({ ...boot.problem, file: scenario.boot.source.file, line: scenario.boot.source.line });
  return errors;
}
