/**
 * The verify part of `npm run bench`: seconds to prepare a guest (BTF, guest module, initramfs), to
 * boot it, and per guest action, for examples/direct-calls.scn on the kernel tree of --kernel-dir
 * (default `.kernels/6.1.0-56-amd64`, made by scripts/fetch-debian-kernel.sh), against the model's
 * own run of the same scenario measured in the same run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario } from '../inputs/scenario.js';
import { createProfile, resolveProfile } from '../kernel/profile.js';
import { recordScenario } from '../log/record.js';
import { verifyScenario } from '../verify/verify.js';
import { fmtMs, fmtRatio, fmtUs, median, timeRuns } from './measure.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The default kernel tree of the bench (the one the tests use). */
export const DEFAULT_VERIFY_KERNEL = join(ROOT, '.kernels', '6.1.0-56-amd64');

/** Rows for the bench table: prepare, boot and per-action seconds (median of `runs` guest runs). */
export async function benchVerify(opts: { kernelDir: string; runs: number; progress: (s: string) => void }): Promise<string[][]> {
  const file = join(ROOT, 'examples', 'direct-calls.scn');
  if (!existsSync(join(opts.kernelDir, 'memhp-kernel.env'))) {
    return [['verify', `not measured: no kernel tree at ${opts.kernelDir}`, 'scripts/fetch-debian-kernel.sh 6.1.0-56-amd64 .kernels/6.1.0-56-amd64', '', '']];
  }
  const parsed = parseScenario(readFileSync(file, 'utf8'), file, { geometry: createProfile().geometry });
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  const scenario = parsed.value;
  const prepare: number[] = [];
  const boot: number[] = [];
  const action: number[] = [];
  let kver = '';
  let actions = 0;
  for (let i = 0; i < opts.runs; i++) {
    opts.progress(`verify: guest run ${i + 1} of ${opts.runs}`);
    const out = mkdtempSync(join(tmpdir(), 'memhp-bench-verify-'));
    try {
      const r = await verifyScenario({ scenario, kernel: { kind: 'fetched', dir: opts.kernelDir }, outDir: out, timeoutS: 600, accel: 'tcg' });
      if (!r.ok) return [['verify', `failed: ${r.message}`, '', '', '']];
      const t = r.value.timings;
      kver = r.value.env.kernel.kver;
      actions = r.value.plan.steps.filter((s) => 'action' in s).length;
      prepare.push(t.prepareS);
      if (t.bootS !== null) boot.push(t.bootS);
      if (t.planS !== null) action.push(t.planS / actions);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  const profile = resolveProfile({ kernel: '6.1.192' });
  if (!profile.ok) throw new Error(profile.message);
  const model = timeRuns(5, () => undefined, () => recordScenario(scenario, profile.profile));
  const modelUs = (model.ms * 1000) / (scenario.steps.length + 1);
  const actionMs = median(action) * 1000;
  return [
    [`verify ${kver}: prepare`, `${median(prepare).toFixed(1)} s (BTF, guest module, initramfs)`, '', '', ''],
    ['  boot to /init (TCG)', `${median(boot).toFixed(1)} s`, '', '', ''],
    [`  a guest action (${actions} in direct-calls.scn)`, `${fmtMs(actionMs)} with its snapshot`, `model: ${fmtUs(modelUs)}/step`, fmtRatio((actionMs * 1000) / modelUs), ''],
  ];
}
