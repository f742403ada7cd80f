/**
 * The prefix printk puts in front of every console line (kernel/printk/printk.c
 * info_print_prefix(), 5.10–7.3): the time stamp `[%5lu.%06lu]` when printk.time is on, the
 * caller id `[%6s]` of `T<pid>` / `C<cpu>` with CONFIG_PRINTK_CALLER, then one space when either
 * was printed. Console lines may carry neither.
 */

/** A console line split into its printk prefix and the message. */
export interface PrintkLine {
  /** Seconds since boot from `[    1.234567]`, or null when no time stamp was printed. */
  readonly time: number | null;
  /** The caller id of `[  T123]` (task) / `[    C1]` (CPU, printk from a context without a task), or null. */
  readonly caller: { readonly kind: 'task' | 'cpu'; readonly id: number } | null;
  /** The message, without the prefix. */
  readonly text: string;
}

/** `[%5lu.%06lu]` (print_time): seconds padded to five columns, then microseconds. */
const TIME_RE = /^\[ *(\d+)\.(\d{6})\]/;
/** `[%6s]` of `%c%u` (print_caller): 'T' and the pid, or 'C' and the CPU, padded to six columns. */
const CALLER_RE = /^\[ *([TC])(\d+)\]/;

/** Split `text` into the printk prefix (time stamp, caller id) and the message; lines without one come back whole. */
export function splitPrintk(text: string): PrintkLine {
  let rest = text;
  let time: number | null = null;
  let caller: PrintkLine['caller'] = null;
  const t = TIME_RE.exec(rest);
  if (t !== null) {
    time = Number(t[1]) + Number(t[2]) / 1e6;
    rest = rest.slice(t[0].length);
  }
  const c = CALLER_RE.exec(rest);
  if (c !== null) {
    caller = { kind: c[1] === 'T' ? 'task' : 'cpu', id: Number(c[2]) };
    rest = rest.slice(c[0].length);
  }
  // info_print_prefix() adds exactly one space after the prefix; the message keeps its own spaces.
  if ((time !== null || caller !== null) && rest.startsWith(' ')) rest = rest.slice(1);
  return { time, caller, text: rest };
}

/** The message of a console line, without its printk prefix. */
export function printkText(text: string): string {
  return splitPrintk(text).text;
}
