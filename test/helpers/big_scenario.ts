/** A long scenario as text: the bench's generated workload (every kind of operation and outcome) of `n` steps. */
import { createProfile } from '../../kernel/index.js';
import { generateWorkload } from '../../bench/generate.js';

/** The text of a generated scenario of `n` operations after boot over `sections` sections (seeded: the same text each time). */
export function bigScenario(n: number, sections = 256): string {
  const g = createProfile({ kernel: '5.3', arch: 'x86_64' }).geometry;
  const s = generateWorkload(g, { seed: 17, steps: n, firstSection: 32, sections }).scenario;
  const hex = (x: number): string => `0x${x.toString(16)}`;
  const ram = s.boot.ranges.map((r) => `ram ${hex(r.startPfn * 4096)}-${hex(r.endPfn * 4096 - 1)} nid=${r.nid}`);
  return `kernel 5.3\n${ram.join('\n')}\n${s.steps.map((st) => st.text).join('\n')}\n`;
}
