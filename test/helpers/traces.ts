/** The real-kernel traces beside the repository (../shared/traces, as in CI; /work/shared/traces otherwise). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The traces' root directory. */
export const TRACES = [fileURLToPath(new URL('../../../shared/traces', import.meta.url)), '/work/shared/traces'].find((d) => existsSync(d)) ?? '../shared/traces';

/** Every recorded run: its release directory and scenario name, sorted. */
export function recordedRuns(): Array<{ release: string; run: string }> {
  return readdirSync(TRACES)
    .filter((k) => statSync(`${TRACES}/${k}`).isDirectory())
    .flatMap((k) => readdirSync(`${TRACES}/${k}`).map((s) => ({ release: k, run: s })))
    .filter((r) => existsSync(`${TRACES}/${r.release}/${r.run}/trace.txt`))
    .sort((a, b) => `${a.release}/${a.run}`.localeCompare(`${b.release}/${b.run}`));
}
