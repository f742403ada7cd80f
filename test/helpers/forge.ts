/**
 * Forging log files: the hash chain of a log (log/serialize.ts) proves a file is whole, not who
 * wrote it — anyone can edit a record and seal the chain again. A line's hash is
 * sha256(previous line's hash + the line's JSON without its `"hash"`), the header's previous hash
 * being ''; the hash is appended as the line's last key. These helpers do that, independently of
 * memhp's own code, so tests (and the fuzz harness) can hand memhp well-chained files whose
 * contents memhp did not write.
 */
import { createHash } from 'node:crypto';

/** A log line as a JSON object (its `hash` key, if any, is dropped and computed again). */
export type ForgedLine = Record<string, unknown>;

/** The text of a log file whose lines are `lines` (header first), chained and sealed as memhp does, each ending in a newline. */
export function forgeLog(lines: readonly ForgedLine[]): string {
  let prev = '';
  let out = '';
  for (const l of lines) {
    const { hash: _old, ...rest } = l;
    const content = JSON.stringify(rest);
    const hash = createHash('sha256').update(prev + content).digest('hex');
    out += `${content.slice(0, -1)},"hash":"${hash}"}\n`;
    prev = hash;
  }
  return out;
}

/** The lines of a log file's text as objects (header first; blank lines skipped). */
export function logObjects(text: string): ForgedLine[] {
  return text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ForgedLine);
}

/** `text` (a log file) with line `index` (0 = header, s + 1 = step s) rewritten by `edit`, the chain sealed again. */
export function forgeLine(text: string, index: number, edit: (line: ForgedLine) => ForgedLine): string {
  const lines = logObjects(text);
  const line = lines[index];
  if (line === undefined) throw new RangeError(`forgeLine: no line ${index} (the log has ${lines.length})`);
  lines[index] = edit(structuredClone(line));
  return forgeLog(lines);
}
