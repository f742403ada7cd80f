/**
 * The start-up part of `npm run bench`: wall-clock milliseconds of whole `node bin/memhp.js …`
 * processes (spawned, output discarded) against `node -e 0` measured in the same run, interleaved
 * round by round so that load on the machine falls on all of them alike. Targets (issue 16):
 * `memhp --help` ≤ 150 ms and `memhp run` of a small example ≤ 400 ms; the rows also give what
 * memhp adds to node's own start.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtMs, fmtRatio, median } from './measure.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The start-up targets, in milliseconds. */
export const STARTUP_TARGETS = { help: 150, run: 400 } as const;

/** One measured command line. */
interface Case {
  readonly label: string;
  readonly argv: readonly string[];
  readonly target?: number;
}

/** Rows for the bench table, and one verdict per target (name, pass, value). */
export function benchStartup(opts: { runs: number; progress: (what: string) => void }): { rows: string[][]; verdicts: Array<{ name: string; ok: boolean; value: string }> } {
  const bin = join(ROOT, 'bin', 'memhp.js');
  const cases: Case[] = [
    { label: 'node -e 0', argv: ['-e', '0'] },
    { label: 'memhp --help', argv: [bin, '--help'], target: STARTUP_TARGETS.help },
    { label: 'memhp --version', argv: [bin, '--version'] },
    { label: 'memhp run --help', argv: [bin, 'run', '--help'] },
    { label: 'memhp run examples/partial-cycle.scn', argv: [bin, 'run', join(ROOT, 'examples', 'partial-cycle.scn')], target: STARTUP_TARGETS.run },
    { label: 'memhp run examples/seed-pmem-shared-section.scn', argv: [bin, 'run', join(ROOT, 'examples', 'seed-pmem-shared-section.scn')], target: STARTUP_TARGETS.run },
  ];
  const times = cases.map(() => [] as number[]);
  // One untimed round warms the file cache; then each round runs every case once.
  for (let round = 0; round <= opts.runs; round++) {
    opts.progress(`start-up: round ${round} of ${opts.runs}${round === 0 ? ' (warm-up)' : ''}`);
    cases.forEach((c, i) => {
      const ms = timeProcess(c.argv);
      if (round > 0) times[i]?.push(ms);
    });
  }
  const node = median(times[0] ?? [NaN]);
  const rows: string[][] = [];
  const verdicts: Array<{ name: string; ok: boolean; value: string }> = [];
  cases.forEach((c, i) => {
    const ms = median(times[i] ?? [NaN]);
    if (i === 0) {
      rows.push([`start-up: ${c.label} (×${opts.runs})`, fmtMs(ms), 'node alone', '', '']);
      return;
    }
    rows.push([`  ${c.label}`, `${fmtMs(ms)} (node + ${fmtMs(ms - node)})`, `node -e 0: ${fmtMs(node)}`, fmtRatio(ms / node), c.target === undefined ? '' : `≤${c.target} ms`]);
    if (c.target !== undefined) verdicts.push({ name: `${c.label} ≤${c.target} ms`, ok: ms <= c.target, value: `${fmtMs(ms)}, node -e 0 ${fmtMs(node)}` });
  });
  return { rows, verdicts };
}

// --- internal ---

/** Milliseconds a process takes from spawn to exit (it must exit 0). */
function timeProcess(argv: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`start-up bench: node ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}
