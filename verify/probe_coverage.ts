/**
 * What a guest run could not probe, read back from its console: each function tracefs
 * `kprobe_events` refused (`@@LAB KPROBE_FAIL:`), and how it was covered instead — a kretprobe of
 * memhp_guest.ko (`lab_kmod/REGISTERED SYM`), or nothing because it is not in kallsyms (inlined:
 * `LAB_NOSYM SYM`), so its effect shows only in the snapshots.
 */
import { kprobeFailures } from './console_sections.js';

/** How a refused function was covered. */
export type Coverage = 'kretprobe' | 'inlined' | 'none';

/** One refused function. */
export interface RefusedProbe {
  readonly fn: string;
  readonly coverage: Coverage;
}

/** The functions kprobe_events refused in `consoleText`, in the order refused, with their coverage. */
export function refusedProbes(consoleText: string): RefusedProbe[] {
  const refused: string[] = [];
  for (const def of kprobeFailures(consoleText)) {
    const fn = def.split(/\s+/)[1];
    if (fn !== undefined && !refused.includes(fn)) refused.push(fn);
  }
  const registered = new Set([...consoleText.matchAll(/lab_kmod\/REGISTERED (\S+)/g)].map((m) => m[1] as string));
  const nosym = new Set([...consoleText.matchAll(/LAB_NOSYM (\S+)/g)].map((m) => m[1] as string));
  return refused.map((fn) => ({ fn, coverage: registered.has(fn) ? 'kretprobe' : nosym.has(fn) ? 'inlined' : 'none' }));
}

/** One line per kind of coverage, saying what the check loses (empty when nothing was refused). */
export function coverageLines(refused: readonly RefusedProbe[]): string[] {
  const of = (c: Coverage): string => refused.filter((r) => r.coverage === c).map((r) => r.fn).join(', ');
  const out: string[] = [];
  if (of('kretprobe')) out.push(`${of('kretprobe')}: refused by kprobe_events (no ftrace site), probed by memhp_guest.ko's kretprobes instead`);
  if (of('inlined')) out.push(`${of('inlined')}: not in kallsyms (inlined): not probed, their effect is compared only through the section snapshots`);
  if (of('none')) out.push(`${of('none')}: refused by kprobe_events and not covered: their calls are not compared`);
  return out;
}
