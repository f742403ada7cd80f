/** `memhp compare FILE --kernels V1,V2,…`: one scenario under several profiles, step by step. */
import { defineCommand } from 'citty';
import type { Scenario } from '../../inputs/types.js';
import { resolveProfile } from '../../kernel/profile.js';
import { parseVersion } from '../../kernel/versions.js';
import { recordScenario } from '../../log/record.js';
import { inputArgsWithout } from '../args.js';
import { compareRuns } from '../../query/compare.js';
import type { ProfileRun } from '../../query/compare_types.js';
import { EXIT_OK, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput, parseConfigArg, parsePagingArg } from '../load.js';
import { compareLines } from '../../present/render_compare.js';

/** The `compare` command's definition (meta and arguments). */
export const compareCommandDef = defineCommand({
  meta: { name: 'compare', description: 'Run one scenario under several kernels and show where they diverge' },
  args: {
    // --kernels in place of --kernel; every state is kept (checkpoint every step).
    ...inputArgsWithout('kernel', 'checkpoint-every'),
    kernels: { type: 'string', description: 'required: two or more kernel versions, comma-separated (e.g. 5.2,5.3,6.1,newest)', valueHint: 'V1,V2,…' },
  },
});

/** Execute `memhp compare`; returns the exit code. */
export function runCompare(io: Io, args: { file: string; kernels?: string; arch?: string; config?: string; iomem?: string; paging?: string; json?: boolean }): number {
  const kernels = parseKernelList(args.kernels);
  // The comparison reads the state after every step: keep them all (they share structure).
  const loaded = loadInput(io, args.file, { kernel: kernels[0], arch: args.arch, checkpointEvery: '1', config: args.config, iomem: args.iomem, paging: args.paging });
  const runs: ProfileRun[] = [{ profile: loaded.profile, log: loaded.log }];
  // Parse once per geometry: an architecture's section size can change with the release (arm64 5.12).
  const parsed = new Map<string, Scenario>([[JSON.stringify(loaded.profile.geometry), loaded.scenario]]);
  for (const kernel of kernels.slice(1)) {
    const r = resolveProfile({ kernel, arch: args.arch, config: parseConfigArg(args.config), paging: parsePagingArg(args.paging) });
    if (!r.ok) throw new UserError(r.code, `--kernels: ${r.message}`, [], HINT);
    const scenario = parsed.get(JSON.stringify(r.profile.geometry));
    if (scenario) {
      runs.push({ profile: r.profile, log: recordScenario(scenario, r.profile, EVERY_STEP) });
    } else {
      const other = loadInput(io, args.file, { kernel, arch: args.arch, checkpointEvery: '1', config: args.config, iomem: args.iomem, paging: args.paging });
      parsed.set(JSON.stringify(other.profile.geometry), other.scenario);
      runs.push({ profile: other.profile, log: other.log });
    }
  }
  const cmp = compareRuns(runs);
  if (args.json) io.out(`${JSON.stringify({ file: loaded.file, ...cmp })}\n`);
  else io.out(`${compareLines(loaded.file, cmp, io.color).join('\n')}\n`);
  return EXIT_OK;
}

// --- internal ---

const EVERY_STEP = { checkpointEvery: 1 } as const;
const HINT = 'see memhp profiles for the releases and the changes each one carries';

/** Split and check `--kernels`: at least two, each a release memhp models, no duplicates. */
export function parseKernelList(value: string | undefined): string[] {
  if (value === undefined) throw new UserError('E_USAGE', "missing --kernels for 'compare'", [], 'e.g. memhp compare FILE --kernels 5.2,5.3');
  const kernels = value.split(',').map((k) => k.trim());
  if (kernels.some((k) => k === '')) throw new UserError('E_USAGE', `--kernels has an empty entry: '${value}'`, [], 'e.g. --kernels 5.2,5.3');
  if (kernels.length < 2) throw new UserError('E_USAGE', `--kernels needs at least two kernels to compare, got '${value}'`, [], 'e.g. --kernels 5.2,5.3');
  const seen = new Map<string, string>();
  for (const k of kernels) {
    const v = parseVersion(k);
    if (!v) {
      const r = resolveProfile({ kernel: k });
      throw new UserError(r.ok ? 'E_PROFILE' : r.code, `--kernels: ${r.ok ? `kernel ${k} is not a release memhp models` : r.message}`, [], HINT);
    }
    const key = `${v.major}.${v.minor}.${v.patch}`;
    const dup = seen.get(key);
    if (dup !== undefined) throw new UserError('E_USAGE', `--kernels lists ${dup === k ? `${k} twice` : `${dup} and ${k}, the same release`}`, [], 'give each kernel once');
    seen.set(key, k);
  }
  return kernels;
}
