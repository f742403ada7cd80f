/**
 * The kernel function a probe event names, read from the event's name alone: what a line tells
 * when its probe site is a bare address (trace-cmd report and perf script print a kprobe's ip with
 * the event format's `(%lx)`, so the site names no function).
 *   - kprobe_events' default names (kernel/trace/trace_kprobe.c __trace_kprobe_create():
 *     `p_%s_%ld` / `r_%s_%ld`, the symbol and the offset): `p___add_pages_0`, `r___add_pages_0`;
 *   - perf probe's names (tools/perf/util/probe-event.c): `__add_pages`, `__add_pages__return`
 *     (the `probe:` group is taken off with the perf line's header);
 *   - the names memhp probes gives: `__add_pages`, `__add_pages_ret`.
 */

const DEFAULT_NAME_RE = /^[pr]_(.+)_\d+$/;

/** The function a probe event of this name probes (the name itself when it follows no known pattern). */
export function probedFunction(event: string): string {
  const d = DEFAULT_NAME_RE.exec(event);
  if (d !== null) return d[1] ?? event;
  if (event.endsWith('__return') && event.length > 8) return event.slice(0, -8);
  if (event.endsWith('_ret') && event.length > 4) return event.slice(0, -4);
  return event;
}
