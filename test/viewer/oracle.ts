/** Browser tests' oracle: the model's own recording of an input and of its sections, and generated inputs as scenario files. */
import { join } from 'node:path';
import pc from 'picocolors';
import { readTextFile } from '../../cli/io.js';
import type { Io } from '../../cli/io.js';
import { loadInput } from '../../cli/load.js';
import type { Loaded } from '../../cli/load.js';
import type { Scenario } from '../../inputs/types.js';
import { bitmapTest } from '../../kernel/bitmap.js';
import { zeroSection } from '../../kernel/zero_section.js';
import { getSection } from '../../model/model.js';
import { createProfile } from '../../kernel/profile.js';
import { DEFAULT_WORKLOAD, generateWorkload } from '../../bench/generate.js';
import type { MemSection } from '../../kernel/types.js';
import { opText } from '../helpers/scenario_build.js';
import { ROOT } from '../helpers/cli.js';
import { TRACES } from '../helpers/traces.js';

/** The seed example the browser tests open. */
export const SEED = join(ROOT, 'examples/seed-pmem-shared-section.scn');
/** A recorded trace of the seed example's situation (6.1, legacy pmem sharing a section). */
export const TRACE = join(TRACES, '6.1.0-56-amd64/legacy_pmem_shared_section');

/** An Io that prints nothing. */
export const quiet: Io = { out: () => undefined, err: () => undefined, color: pc.createColors(false), readFile: readTextFile };

/** The model's own recording of an input (the oracle). */
export const model = (file: string): Loaded => loadInput(quiet, file, {});

/** Section `nr` after `step` as the model has it (a zero section when absent). */
export const section = (l: Loaded, step: number, nr: number): MemSection => getSection(l.profile, l.log.stateAt(step), nr) ?? zeroSection(l.profile.geometry, nr);
/** The set sub-section bits of a section among its first `n`. */
export const bitsOf = (ms: MemSection, n: number): number[] => Array.from({ length: n }, (_, i) => i).filter((i) => bitmapTest(ms.subsectionMap, i));
/** Sub-sections whose bit or memmap backing differ between two versions of a section. */
export const differing = (a: MemSection, b: MemSection, n: number): number[] =>
  Array.from({ length: n }, (_, i) => i).filter((i) => bitmapTest(a.subsectionMap, i) !== bitmapTest(b.subsectionMap, i) || a.memmap[i] !== b.memmap[i]);

/** Each sub-section's origin as the model has it: boot map bit, inside a ZONE_DEVICE range, else hot-added ('.' when clear). */
export const origins = (ms: MemSection, devices: ReadonlyArray<readonly [number, number]>, n: number): string =>
  Array.from({ length: n }, (_, i) => {
    if (!bitmapTest(ms.subsectionMap, i)) return '.';
    if (ms.bootMap && bitmapTest(ms.bootMap, i)) return 'B';
    const lo = ms.nr * 32768 + i * 512;
    return devices.some(([s, e]) => s < lo + 512 && e > lo) ? 'D' : 'H';
  }).join('');

/** bench/generate.ts's random __add_pages / __remove_pages workload over 1024 sections, as a scenario file. */
export function workloadFile(steps: number): string {
  const hex = (n: number): string => `0x${n.toString(16)}`;
  const wl = generateWorkload(createProfile().geometry, { ...DEFAULT_WORKLOAD, steps });
  const ram = wl.boot.ranges.map((r) => `ram ${hex(r.startPfn * 4096)}-${hex(r.endPfn * 4096 - 1)} nid=${r.nid}`);
  return ['kernel 5.3', ...ram, ...wl.ops.map((op) => opText(op))].join('\n') + '\n';
}

/** Text with each line prefixed by its 1-based number and ':'. */
export function numbered(text: string): string {
  return text
    .split('\n')
    .map((l, i) => `${i + 1}:${l}`)
    .join('\n');
}

/** A generated scenario as a scenario file: its boot RAM as `ram` lines, each operation as its kernel call. */
export function scenarioFile(s: Scenario): string {
  const hex = (n: number): string => `0x${n.toString(16)}`;
  const ram = s.boot.ranges.map((r) => `ram ${hex(r.startPfn * 4096)}-${hex(r.endPfn * 4096 - 1)} nid=${r.nid}`);
  return ['kernel 5.3', ...ram, ...s.steps.map((st) => opText(st.op, st.inject))].join('\n') + '\n';
}
