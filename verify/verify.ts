/**
 * One guest run of `memhp verify`: check the host (verify/environment.ts), plan the scenario
 * (verify/plan.ts), generate the probes from the kernel's own BTF (verify/probes.ts), build the
 * guest module against its headers (verify/module_build.ts), pack the initramfs, boot QEMU
 * (verify/qemu.ts) and cut the console into a run directory (verify/run_dir.ts). The check of that
 * directory against the model is the caller's (cli/commands/verify.ts runs `check` on it).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Scenario } from '../inputs/types.js';
import { envError, type EnvResult } from './env_result.js';
import type { KernelSource, VerifyEnvironment } from './environment.js';
import { prepareGuestKit, type GuestKit } from './guest_kit.js';
import { guestFailure } from './guest_outcome.js';
import { buildInitramfs, type GuestFile } from './initramfs.js';
import { guestSourceDir } from './module_build.js';
import { NVDIMM_MODULES, resolveModules, type ModuleFile } from './modules.js';
import { planGuest, planScriptFor, type GuestPlan } from './plan.js';
import { guestProbes } from './probes.js';
import { runGuest, type GuestRun } from './qemu.js';
import type { Accel } from './qemu_args.js';
import { qemuVersion } from './programs.js';
import { refusedProbes, type RefusedProbe } from './probe_coverage.js';
import { writeRunDir } from './run_dir.js';

/** The kernel command line every guest boots with (the scenario's memmap= words follow). */
export const BASE_CMDLINE = 'console=ttyS0 panic=-1 ftrace_dump_on_oops nokaslr';

/** What to run and where. */
export interface VerifyOptions {
  readonly scenario: Scenario;
  readonly kernel: KernelSource;
  /** The run directory (created; files of an earlier run in it are replaced). */
  readonly outDir: string;
  readonly timeoutS: number;
  readonly accel?: Accel | 'auto';
  /** Told what is being done (`building memhp_guest.ko`, `booting …`), for a progress display. */
  readonly onProgress?: (what: string) => void;
  /** A plan to run instead of planGuest(scenario) (verify --random builds its own). */
  readonly plan?: GuestPlan;
  /** The kernel's environment, BTF and guest module when already made (verify --random: once for all boots); else made and disposed here. */
  readonly kit?: GuestKit;
}

/** Seconds spent in each part of a run. */
export interface VerifyTimings {
  /** Host side: BTF, module build, initramfs. */
  readonly prepareS: number;
  /** QEMU start to `=====LAB BOOTED`. */
  readonly bootS: number | null;
  /** `=====LAB BOOTED` to the dumps (`=====LAB KPROBES BEGIN`): setup and plan.sh. */
  readonly planS: number | null;
  readonly totalS: number;
}

/** A finished guest run. */
export interface VerifyRun {
  readonly env: VerifyEnvironment;
  readonly plan: GuestPlan;
  readonly runDir: string;
  readonly run: GuestRun;
  /** Probe arguments the kernel's prototypes lack (from verify/probes.ts). */
  readonly probeNotes: readonly string[];
  /** The functions kprobe_events refused, and how each was covered. */
  readonly refused: readonly RefusedProbe[];
  readonly timings: VerifyTimings;
}

/** A failed run: the E_ENV error, and the run directory kept with what the guest printed (null when nothing ran). */
export type VerifyFailed = { readonly ok: false; readonly code: 'E_ENV'; readonly message: string; readonly runDir: string | null };

/** Run `o.scenario` on the kernel in a QEMU guest and write the run directory. */
export async function verifyScenario(o: VerifyOptions): Promise<{ readonly ok: true; readonly value: VerifyRun } | VerifyFailed> {
  const t0 = Date.now();
  if (o.kit !== undefined) return runOnKit(o, o.kit, t0);
  const made = prepareGuestKit(o.kernel, o.onProgress);
  if (!made.ok) return { ...made, runDir: null };
  try {
    return await runOnKit(o, made.value, t0);
  } finally {
    made.value.dispose();
  }
}

// --- internal ---

/** Plan, probes, initramfs, boot and run directory, with the kernel's kit made; `t0` when the run started. */
async function runOnKit(o: VerifyOptions, kit: GuestKit, t0: number): Promise<{ readonly ok: true; readonly value: VerifyRun } | VerifyFailed> {
  const fail = (e: { message: string }, runDir: string | null = null): VerifyFailed => ({ ok: false, code: 'E_ENV', message: e.message, runDir });
  const progress = o.onProgress ?? ((): void => undefined);
  const env = kit.env;
  const k = env.kernel;
  const plan = o.plan ?? planGuest(o.scenario);
  const probes = guestProbes(kit.btf, plan.sections);
  if (!probes.ok) return fail(probes);

  const work = mkdtempSync(join(tmpdir(), 'memhp-verify-'));
  try {
    const usesNamespaces = plan.steps.some((s) => 'action' in s && /^ns_/.test(s.action));
    let modules: ModuleFile[] = [];
    if (usesNamespaces) {
      const m = resolveModules(k.modulesDir, NVDIMM_MODULES);
      if (!m.ok) return fail(m);
      modules = m.value;
    }
    const files = guestFiles(plan, probes.value, kit.ko);
    if (!files.ok) return fail(files);
    progress('packing the initramfs');
    const initrd = buildInitramfs({ busybox: env.programs.busybox, kver: k.kver, files: files.value, modules });
    if (!initrd.ok) return fail(initrd);
    const initrdPath = join(work, 'initramfs.cpio.gz');
    writeFileSync(initrdPath, initrd.value);

    const outDir = resolve(o.outDir);
    mkdirSync(outDir, { recursive: true });
    const consolePath = join(outDir, 'console.log');
    const append = [BASE_CMDLINE, ...plan.append].join(' ');
    const prepareS = (Date.now() - t0) / 1000;
    const tBoot = Date.now();
    let booted: number | null = null;
    let dumped: number | null = null;
    progress(`booting ${k.kver} under QEMU`);
    const run = await runGuest({
      kernel: k.image,
      initrd: initrdPath,
      append,
      machine: plan.machine,
      timeoutS: o.timeoutS,
      consolePath,
      accel: o.accel ?? 'auto',
      kvmUsable: env.kvm,
      qemu: env.programs.qemu,
      onLine: (line) => {
        if (booted === null && line.includes('=====LAB BOOTED')) {
          booted = Date.now();
          progress('running the plan');
        } else if (dumped === null && line.includes('=====LAB KPROBES BEGIN')) dumped = Date.now();
      },
    });
    if (!run.ok) return fail(run);
    const dir = writeRunDir({
      consolePath,
      outDir,
      scenario: o.scenario.file,
      run: run.value,
      kernelCmdline: append,
      qemuVersion: versionLine(env.programs.qemu),
      memhp: { plan: plan.steps, sections: plan.sections, notes: plan.notes, probe_notes: probes.value.notes, offsets: probes.value.offsets },
    });
    if (!dir.ok) return fail(envError(dir.message), outDir);
    const failed = guestFailure(run.value, o.timeoutS, consolePath);
    if (failed !== null) return fail(failed, outDir);
    const bootS = booted === null ? null : ((booted as number) - tBoot) / 1000;
    const planS = booted === null || dumped === null ? null : ((dumped as number) - (booted as number)) / 1000;
    return {
      ok: true,
      value: { env, plan, runDir: outDir, run: run.value, probeNotes: probes.value.notes, refused: refusedProbes(readFileSync(consolePath, 'latin1')), timings: { prepareS, bootS, planS, totalS: (Date.now() - t0) / 1000 } },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `qemu --version`'s first line, or 'unknown'. */
function versionLine(qemu: string): string {
  const v = qemuVersion(qemu);
  return v.ok ? v.value : 'unknown';
}

/** /init, lib.sh, plan.sh, the probe files and the module, as guest files. */
function guestFiles(plan: GuestPlan, probes: { kprobeEvents: readonly string[]; kretprobes: readonly string[]; spr: number }, ko: string): EnvResult<GuestFile[]> {
  const src = guestSourceDir();
  if (src === null) return envError('cannot find verify/guest/ (the guest scripts) beside memhp: is the installation complete?');
  const text = (s: string): { bytes: Uint8Array } => ({ bytes: new TextEncoder().encode(s) });
  try {
    return {
      ok: true,
      value: [
        { path: '/init', content: { bytes: readFileSync(join(src, 'init')) }, mode: 0o755 },
        { path: '/memhp/lib.sh', content: { bytes: readFileSync(join(src, 'lib.sh')) }, mode: 0o644 },
        { path: '/memhp/plan.sh', content: text(planScriptFor(plan, probes.spr)), mode: 0o644 },
        { path: '/memhp/kprobe_events', content: text(`${probes.kprobeEvents.join('\n')}\n`), mode: 0o644 },
        { path: '/memhp/kretprobes', content: text(`${probes.kretprobes.join('\n')}\n`), mode: 0o644 },
        { path: '/memhp/memhp_guest.ko', content: { hostPath: ko }, mode: 0o644 },
      ],
    };
  } catch (e) {
    return envError(`cannot read the guest scripts in ${src}: ${(e as Error).message}`);
  }
}
