/**
 * Kernel oops splats in console text: the first line of each (the page-fault line of
 * arch/x86/mm/fault.c show_fault_oops(), `kernel BUG at` of lib/bug.c report_bug(), or the die
 * header of arch/x86/kernel/dumpstack.c __die_header()), the function of its first kernel
 * `RIP: 0010:` line (show_ip()), and the PID of its `CPU: … PID: … Comm:` line (lib/dump_stack.c).
 */
import type { SourceLoc } from '../../kernel/operation.js';
import type { OopsRecord } from './types.js';

/** arch/x86/mm/fault.c show_fault_oops() (5.10–7.3): `BUG: kernel NULL pointer dereference, address: %px` / `BUG: unable to handle page fault for address: %px`. */
const FAULT_RE = /^BUG: (?:kernel NULL pointer dereference, address|unable to handle page fault for address): [0-9a-f]+$/;
/** lib/bug.c report_bug(): `kernel BUG at %s:%u!` (7.3 also `kernel BUG at %pB [verbose debug info unavailable]`). */
const BUG_RE = /^kernel BUG at \S+/;
/** __die_header(): `%s: %04lx [#%d]…` up to 6.1, `Oops: %s: %04lx [#%d]…` from 6.12 (str: "Oops", "general protection fault…", "invalid opcode"). */
const DIE_RE = /^(?:Oops: )?.+?: [0-9a-f]{4} \[#\d+\]/;
/** show_ip(): `RIP: %04x:%pS`; 0010 is __KERNEL_CS (a user RIP reads `0033:`). */
const RIP_RE = /^RIP: 0010:([^\s+]+)/;
/** dump_stack_print_info(): `CPU: %d PID: %d Comm: …` (5.10, 6.1), `CPU: %d UID: %u PID: %d Comm: …` (6.12, 7.3). */
const CPU_PID_RE = /^CPU: \d+ (?:UID: \d+ )?PID: (\d+) Comm: /;
const END_RE = /^---\[ end trace/;

/** A console message (printk prefix removed) with where it is. */
export interface ConsoleLine {
  readonly text: string;
  readonly source: SourceLoc;
}

/** True when `text` is the first line of an oops splat. */
export function isOopsStart(text: string): boolean {
  return FAULT_RE.test(text) || BUG_RE.test(text) || DIE_RE.test(text);
}

/** The oopses in console lines, in order: one record per splat, at its first line. */
export function findOopses(lines: readonly ConsoleLine[]): OopsRecord[] {
  const out: OopsRecord[] = [];
  let open: { source: SourceLoc; line: string; func: string | null; rip: SourceLoc | null; pid: number | null; die: boolean } | null = null;
  const close = (): void => {
    if (open !== null) out.push({ kind: 'oops', source: open.source, line: open.line, func: open.func, rip: open.rip, pid: open.pid });
    open = null;
  };
  for (const l of lines) {
    const text = l.text;
    const die = DIE_RE.test(text);
    if (FAULT_RE.test(text) || BUG_RE.test(text) || (die && (open === null || open.die))) {
      // A page-fault or BUG line starts a splat; its die header follows and belongs to it.
      close();
      open = { source: l.source, line: text.trimEnd(), func: null, rip: null, pid: null, die };
      continue;
    }
    if (open === null) continue;
    if (die) {
      open.die = true;
      continue;
    }
    const rip = open.func === null ? RIP_RE.exec(text) : null;
    if (rip !== null) {
      open.func = rip[1] ?? null;
      open.rip = l.source;
      continue;
    }
    const pid = open.pid === null ? CPU_PID_RE.exec(text) : null;
    if (pid !== null) open.pid = Number(pid[1]);
    else if (END_RE.test(text)) close();
  }
  close();
  return out;
}
