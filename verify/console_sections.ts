/**
 * Cutting a guest's serial console into the files of a run directory, as the lab's
 * run-scenario.py split_sections did: CRLF becomes LF, each `=====LAB X BEGIN=====` …
 * `=====LAB X END=====` section is kept verbatim (TRACE, DMESG, KPROBES, KALLSYMS), and the
 * /proc/iomem of the first snapshot is taken from the trace's `IOMEM label|line` markers.
 * Bytes are handled as latin1 strings, so every byte comes out as it went in.
 */

/** The sections and the files they go to. */
export const SECTIONS = [
  ['TRACE', 'trace.txt'],
  ['DMESG', 'dmesg.txt'],
  ['KPROBES', 'kprobes.txt'],
  ['KALLSYMS', 'kallsyms.txt'],
] as const;

/** A section name. */
export type SectionName = (typeof SECTIONS)[number][0];

/** The console's bytes with CRLF turned into LF, as a latin1 string. */
export function consoleText(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1').replace(/\r\n/g, '\n');
}

/** The bytes between `=====LAB NAME BEGIN=====\n` and the next `=====LAB NAME END=====` (the first such pair), or null. */
export function section(text: string, name: SectionName): string | null {
  const begin = `=====LAB ${name} BEGIN=====\n`;
  const b = text.indexOf(begin);
  if (b < 0) return null;
  const e = text.indexOf(`=====LAB ${name} END=====`, b + begin.length);
  return e < 0 ? null : text.slice(b + begin.length, e);
}

/** The iomem-before.txt text: the `IOMEM` marker lines of the trace's first snapshot label, or null when the trace has none. */
export function iomemBefore(trace: string): string | null {
  const re = /tracing_mark_write: IOMEM ([^|\n]*)\|([^\n]*)/g;
  const lines: Array<[string, string]> = [];
  for (let m = re.exec(trace); m !== null; m = re.exec(trace)) lines.push([m[1]!, m[2]!]);
  if (lines.length === 0) return null;
  const first = lines[0]![0];
  return lines.filter(([label]) => label === first).map(([, l]) => `${l}\n`).join('');
}

/** The `@@LAB KPROBE_FAIL: …` lines' definitions, trimmed. */
export function kprobeFailures(text: string): string[] {
  return [...text.matchAll(/@@LAB KPROBE_FAIL: (.*)/g)].map((m) => m[1]!.trim());
}

/** The first `Linux version …` line's text from `Linux version` on, or null. */
export function versionBanner(text: string): string | null {
  return /(Linux version [^\r\n]*)/.exec(text)?.[1] ?? null;
}

/** The kernel release: from the BOOTED marker (`kernel=R=====`), else the banner's second word, else null. */
export function kernelRelease(text: string): string | null {
  return /=====LAB BOOTED[^\n]*?kernel=(\S+?)=====/.exec(text)?.[1] ?? /Linux version (\S+)/.exec(text)?.[1] ?? null;
}
