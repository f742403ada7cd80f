/**
 * A kprobe_events definition (`p:GROUP/EVENT FUNC ARGS`, `r:GROUP/EVENT FUNC ARGS`) as the probe
 * spec `perf probe -a` takes for the same probe (tools/perf/Documentation/perf-probe.txt:
 * `[EVENT=]FUNC[%return] [ARG …]`, raw fetch arguments passed through): entries keep perf's default
 * event name (the function, so `probe:FUNC`), returns become `FUNC%return` (`probe:FUNC__return`),
 * and an event not named for its function (the `secstateN` snapshots) keeps its name (`probe:secstateN`).
 */

/** The `perf probe -a` spec of one kprobe_events line, or null for a comment, a blank or a malformed line. */
export function perfProbeSpec(line: string): string | null {
  const m = /^([pr])\d*:(?:[\w.]+\/)?([\w.]+)\s+([\w.]+)(?:\s+(.*))?$/.exec(line.trim());
  if (m === null) return null;
  const [, kind = 'p', event = '', func = '', args = ''] = m;
  const named = event === func || event === `${func}_ret` ? '' : `${event}=`;
  const site = kind === 'r' ? `${func}%return` : func;
  return `${named}${site}${args === '' ? '' : ` ${args.trim()}`}`;
}
