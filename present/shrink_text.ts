/**
 * The scenario file `memhp shrink` writes: the input's text with the header and boot layout kept
 * as written (comments included), then only the kept operations, each followed by its own expect
 * lines and ending in a comment naming its original line; the lines of dropped operations, their
 * expect lines and the comments between operations are left out. Expect lines are the original's:
 * one that no longer holds in the shorter run says so in a comment.
 */
import type { Scenario, ScenarioStep } from '../inputs/types.js';
import { append } from './widest.js';

/**
 * The hand-editable text of the shrunk scenario; `header` lines become leading `#` comments, and an
 * expect line listed in `failing` (by its original line) gets a comment saying what the shorter run found.
 */
export function shrunkScenarioText(text: string, scenario: Scenario, kept: readonly ScenarioStep[], header: readonly string[], failing: ReadonlyMap<number, string>): string {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const firstOp = scenario.steps[0]?.source.line ?? lines.length + 1;
  const out = header.map((h) => `# ${h}`);
  append(out, lines.slice(0, firstOp - 1));
  // The comments right above the first operation describe it, not the boot: drop them with it.
  while (out.length > header.length && /^\s*(#.*)?$/.test(out[out.length - 1] ?? '')) out.pop();
  out.push('');
  for (const s of kept) {
    const seq = scenario.steps.indexOf(s) + 1;
    out.push(`${lines[s.source.line - 1] ?? s.text}  # ${s.source.file}:${s.source.line} (step ${seq})`);
    for (const e of s.expects) {
      const why = failing.get(e.source.line);
      out.push(`${lines[e.source.line - 1] ?? e.text}${why === undefined ? '' : `  # does not hold in this run: ${why}`}`);
    }
  }
  return `${out.join('\n')}\n`;
}
