/**
 * `memhp compare FILE --kernels V1,V2,…`: one scenario under several profiles, step by step. Exit 1
 * (E_EXPECT, as `run`) when an expect line failed under a kernel whose expectations are checked:
 * every kernel compared, or only those of `--expects-for` (a file's expect lines are often written
 * for one release, and the others are there to show how they differ: `npm run demo`).
 */
import { defineCommand } from 'citty';
import type { Scenario } from '../../inputs/types.js';
import { resolveProfile } from '../../kernel/profile.js';
import { parseVersion } from '../../kernel/versions.js';
import { inputArgsWithout } from '../args.js';
import { compareRuns } from '../../query/compare.js';
import type { ProfileRun } from '../../query/compare_types.js';
import { exitStatus } from '../../kernel/errors.js';
import { EXIT_OK, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput, parseConfigArg, parsePagingArg } from '../load.js';
import { recordWithProgress } from '../progress_record.js';
import { compareLines } from '../../present/render_compare.js';

/** The `compare` command's definition (meta and arguments). */
export const compareCommandDef = defineCommand({
  meta: { name: 'compare', description: 'Run one scenario under several kernels and show where they diverge' },
  args: {
    // --kernels in place of --kernel; every state is kept (checkpoint every step).
    ...inputArgsWithout('kernel', 'checkpoint-every'),
    kernels: { type: 'string', description: 'required: two or more kernel versions, comma-separated (e.g. 5.2,5.3,6.1,newest)', valueHint: 'V1,V2,…' },
    'expects-for': {
      type: 'string',
      description: 'check the expect lines under these of the --kernels only (default: under every one); a failed expect line under them exits 1',
      valueHint: 'V1,V2,…',
    },
  },
});

/** Execute `memhp compare`; returns the exit code. */
export function runCompare(io: Io, args: { file: string; kernels?: string; 'expects-for'?: string; arch?: string; config?: string; iomem?: string; paging?: string; json?: boolean }): number {
  const kernels = parseKernelList(args.kernels);
  const checked = parseExpectsFor(args['expects-for'], kernels);
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
      runs.push({ profile: r.profile, log: recordWithProgress(io, `${loaded.file} under ${kernel}`, scenario, r.profile, EVERY_STEP) });
    } else {
      const other = loadInput(io, args.file, { kernel, arch: args.arch, checkpointEvery: '1', config: args.config, iomem: args.iomem, paging: args.paging });
      parsed.set(JSON.stringify(other.profile.geometry), other.scenario);
      runs.push({ profile: other.profile, log: other.log });
    }
  }
  const cmp = compareRuns(runs);
  const failedUnder = cmp.totals.filter((t, i) => checked.has(kernels[i] ?? '') && t.expectsHeld < t.expects).map((t) => t.kernel);
  const expectations = { checkedUnder: kernels.filter((k) => checked.has(k)), failedUnder };
  if (args.json) io.out(`${JSON.stringify({ file: loaded.file, ...cmp, expectations })}\n`);
  else io.out(`${compareLines(loaded.file, cmp, io.color).join('\n')}\n${expectationsLine(io, cmp.totals, kernels, checked)}\n`);
  return failedUnder.length ? exitStatus('E_EXPECT') : EXIT_OK;
}

// --- internal ---

const EVERY_STEP = { checkpointEvery: 1 } as const;
const HINT = 'see memhp profiles for the releases and the changes each one carries';

/** The closing line on the expect lines: under which kernels they were checked, and where they failed. */
function expectationsLine(io: Io, totals: ReadonlyArray<{ kernel: string; expects: number; expectsHeld: number }>, kernels: readonly string[], checked: ReadonlySet<string>): string {
  const expects = totals[0]?.expects ?? 0;
  if (expects === 0) return 'expectations: none in the file';
  const failed = totals.filter((t, i) => checked.has(kernels[i] ?? '') && t.expectsHeld < t.expects);
  const unchecked = kernels.filter((k) => !checked.has(k));
  const skip = unchecked.length ? ` (not checked under ${unchecked.join(', ')}: --expects-for)` : '';
  if (!failed.length) return `expectations: all ${expects} held under ${kernels.filter((k) => checked.has(k)).join(', ')}${skip}`;
  const what = failed.map((t) => `${t.expects - t.expectsHeld} of ${t.expects} under ${t.kernel}`).join(', ');
  return io.color.red(`expectations failed: ${what}${skip} (exit 1; --expects-for V checks them only under the kernels they were written for)`);
}

/** `--expects-for`: a subset of `--kernels` (matched as releases: 6.1 is v6.1); every kernel when not given. */
export function parseExpectsFor(value: string | undefined, kernels: readonly string[]): Set<string> {
  if (value === undefined) return new Set(kernels);
  const keyOf = (k: string): string => {
    const v = parseVersion(k);
    return v ? `${v.major}.${v.minor}.${v.patch}` : k;
  };
  const out = new Set<string>();
  for (const k of value.split(',').map((x) => x.trim())) {
    const match = kernels.find((x) => keyOf(x) === keyOf(k));
    if (k === '' || match === undefined) throw new UserError('E_USAGE', `--expects-for names '${k}', which is not one of --kernels ${kernels.join(',')}`, [], 'give the kernels the expect lines were written for, from --kernels');
    out.add(match);
  }
  return out;
}

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
