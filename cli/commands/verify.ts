/**
 * `memhp verify SCENARIO`: run the scenario on a real kernel in a QEMU guest (verify/verify.ts),
 * then `check` the run directory it wrote against the model. `memhp verify --random N` runs
 * generated sequences instead (cli/verify_random.ts). Exit 0 agree, 1 mismatch, 2 usage or environment.
 */
import { basename, extname, join } from 'node:path';
import { defineCommand } from 'citty';
import type { KernelSource } from '../../verify/environment.js';
import type { Accel } from '../../verify/qemu_args.js';
import { coverageLines } from '../../verify/probe_coverage.js';
import { verifyScenario, type VerifyRun } from '../../verify/verify.js';
import { inputArgs } from '../args.js';
import { UserError } from '../errors.js';
import type { Io } from '../io.js';
import { openInput } from '../input_file.js';
import { loadOptions, parseInput } from '../load.js';
import { checkOne } from './check_one.js';
import { runVerifyRandom } from '../verify_random.js';

/** The `verify` command's definition (meta and arguments). */
export const verifyCommandDef = defineCommand({
  meta: { name: 'verify', description: 'Run a scenario on a real Linux kernel under QEMU and check the model against what it did' },
  args: {
    scenario: { type: 'positional', required: false, description: 'scenario file (docs/scenario-format.md); omit with --random', valueHint: 'SCENARIO' },
    'kernel-dir': { type: 'string', description: 'a kernel unpacked by scripts/fetch-debian-kernel.sh (its memhp-kernel.env)', valueHint: 'DIR' },
    'kernel-image': { type: 'string', description: 'the kernel image to boot (a bzImage with BTF); default: the machine\'s own /boot/vmlinuz-$(uname -r)', valueHint: 'FILE' },
    modules: { type: 'string', description: 'its modules directory (/lib/modules/RELEASE); needed with --kernel-image', valueHint: 'DIR' },
    headers: { type: 'string', description: 'its headers to build the guest module against (default: MODULES/build)', valueHint: 'DIR' },
    out: { type: 'string', alias: 'o', description: 'the run directory (default: memhp-verify/NAME)', valueHint: 'DIR' },
    timeout: { type: 'string', description: 'seconds before the guest is killed (default 600)', valueHint: 'S' },
    accel: { type: 'string', description: 'auto (KVM when /dev/kvm works, else TCG), tcg or kvm; default auto', valueHint: 'auto|tcg|kvm' },
    'model-kernel': { type: 'string', description: "check against the model of this release instead of the booted kernel's (e.g. 5.3: would that release's rules give what this kernel did?)", valueHint: 'VERSION' },
    random: { type: 'string', description: 'run N generated sequences of direct calls instead of a scenario', valueHint: 'N' },
    seed: { type: 'string', description: 'the seed of --random (default 1)', valueHint: 'S' },
    ops: { type: 'string', description: 'calls per --random sequence (default 30)', valueHint: 'K' },
    json: inputArgs.json,
    verbose: { type: 'boolean', alias: 'v', description: 'also print the guest plan and what the check skipped' },
  },
});

/** The arguments of `verify`. */
export interface VerifyArgs {
  scenario?: string;
  'kernel-dir'?: string;
  'kernel-image'?: string;
  modules?: string;
  headers?: string;
  out?: string;
  timeout?: string;
  accel?: string;
  'model-kernel'?: string;
  random?: string;
  seed?: string;
  ops?: string;
  json?: boolean;
  verbose?: boolean;
}

/** Execute `memhp verify`; returns the exit code. */
export async function runVerify(io: Io, args: VerifyArgs): Promise<number> {
  const kernel = kernelSource(args);
  const timeoutS = positiveInt(args.timeout, '--timeout', 600);
  const accel = accelArg(args.accel);
  if (args.random !== undefined) {
    if (args.scenario !== undefined) throw new UserError('E_USAGE', 'give a scenario or --random N, not both');
    return runVerifyRandom(io, { kernel, timeoutS, accel, n: positiveInt(args.random, '--random', 1), seed: nonNegativeInt(args.seed, '--seed', 1), ops: positiveInt(args.ops, '--ops', 30), modelKernel: args['model-kernel'], out: args.out ?? join('memhp-verify', 'random'), json: args.json ?? false });
  }
  if (args.scenario === undefined) throw new UserError('E_USAGE', 'missing SCENARIO (or --random N)', [], 'memhp verify examples/partial-cycle.scn --kernel-dir .kernels/6.1.0-56-amd64');
  if (args.seed !== undefined || args.ops !== undefined) throw new UserError('E_USAGE', '--seed and --ops go with --random');
  const input = openInput(io, args.scenario);
  if (input.kind !== 'scenario') throw new UserError('E_USAGE', `${input.path} is not a scenario file`, [], 'verify runs a scenario; a recorded trace is checked with memhp check');
  const parsed = parseInput(io, input, loadOptions({}));
  const outDir = args.out ?? join('memhp-verify', basename(input.path, extname(input.path)));
  const progress = (what: string): void => {
    if (!args.json) io.err(`memhp verify: ${what}\n`);
  };
  const r = await verifyScenario({ scenario: parsed.scenario, kernel, outDir, timeoutS, accel, onProgress: progress });
  if (!r.ok) throw new UserError('E_ENV', r.message, [], r.runDir === null ? undefined : `the run directory is kept: ${r.runDir}`);
  return reportRun(io, r.value, args);
}

/** Print the run's plan and timings, then the check of its run directory; returns check's exit code. */
export function reportRun(io: Io, v: VerifyRun, args: { json?: boolean; verbose?: boolean; 'model-kernel'?: string }): number {
  const model = args['model-kernel'] === undefined ? {} : { kernel: args['model-kernel'] };
  const skipped = v.plan.steps.filter((s) => 'notVerifiable' in s);
  const actions = v.plan.steps.length - skipped.length;
  const t = v.timings;
  if (args.json) {
    const out: string[] = [];
    const code = checkOne({ ...io, out: (s) => out.push(s) }, v.runDir, { json: true, ...model });
    const check: unknown = JSON.parse(out.join(''));
    io.out(`${JSON.stringify({ runDir: v.runDir, kernel: v.env.kernel.kver, accel: v.run.accel, machine: v.plan.machine, append: v.plan.append, sections: v.plan.sections, actions, notVerifiable: skipped.map((s) => ({ step: s.step, line: s.source.line, why: 'notVerifiable' in s ? s.notVerifiable : '' })), notes: v.plan.notes, refusedProbes: v.refused, timings: t, check })}\n`);
    return code;
  }
  const c = io.color;
  io.out(`${c.bold('memhp verify')} ${v.plan.steps[0]?.source.file ?? ''} on ${v.env.kernel.kver} under QEMU (${v.run.accel})\n`);
  io.out(`  guest: -m ${v.plan.machine.mem}${v.plan.append.length ? `, ${v.plan.append.join(' ')}` : ''}; sections watched: ${v.plan.sections.join(' ') || 'none'}\n`);
  for (const n of v.plan.notes) io.out(`  ${c.yellow('note')}: ${n}\n`);
  for (const n of coverageLines(v.refused)) io.out(`  ${c.yellow('probes')}: ${n}\n`);
  if (args.verbose) for (const n of v.probeNotes) io.out(`  ${c.yellow('note')}: probes: ${n}\n`);
  for (const s of skipped) io.out(`  ${c.yellow('not verifiable')}: ${s.source.file}:${s.source.line}: step ${s.step}: ${'notVerifiable' in s ? s.notVerifiable : ''}\n`);
  if (args.verbose) for (const s of v.plan.steps) if ('action' in s) io.out(`  step ${s.covers.join('+')}: ${s.action}\n`);
  const fmt = (x: number | null): string => (x === null ? '?' : `${x.toFixed(1)} s`);
  const per = t.planS === null || actions === 0 ? '' : ` (${((t.planS / actions) * 1000).toFixed(0)} ms an action)`;
  io.out(`  ${actions} guest actions; prepared in ${fmt(t.prepareS)}, booted in ${fmt(t.bootS)}, plan ran in ${fmt(t.planS)}${per}\n`);
  io.out(`  run directory: ${v.runDir}\n`);
  return checkOne(io, v.runDir, { ...model, ...(args.verbose ? { verbose: true } : {}) });
}

// --- internal ---

function kernelSource(a: VerifyArgs): KernelSource {
  if (a['kernel-dir'] !== undefined) {
    if (a['kernel-image'] !== undefined || a.modules !== undefined || a.headers !== undefined) throw new UserError('E_USAGE', '--kernel-dir names the image, modules and headers: give it alone');
    return { kind: 'fetched', dir: a['kernel-dir'] };
  }
  if (a['kernel-image'] !== undefined) {
    if (a.modules === undefined) throw new UserError('E_USAGE', '--kernel-image needs --modules DIR (its /lib/modules/RELEASE)');
    return { kind: 'paths', image: a['kernel-image'], modulesDir: a.modules, ...(a.headers === undefined ? {} : { headersDir: a.headers }) };
  }
  if (a.modules !== undefined || a.headers !== undefined) throw new UserError('E_USAGE', '--modules and --headers go with --kernel-image');
  return { kind: 'host' };
}

function accelArg(v: string | undefined): Accel | 'auto' {
  if (v === undefined || v === 'auto' || v === 'tcg' || v === 'kvm') return v ?? 'auto';
  throw new UserError('E_USAGE', `--accel ${v}: expected auto, tcg or kvm`);
}

function positiveInt(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^[1-9]\d{0,6}$/.test(v)) throw new UserError('E_USAGE', `${name} ${v}: expected a whole number from 1 to 9999999`);
  return Number(v);
}

function nonNegativeInt(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d{1,10}$/.test(v) || Number(v) > 0xffffffff) throw new UserError('E_USAGE', `${name} ${v}: expected a whole number from 0 to 4294967295`);
  return Number(v);
}
