/**
 * A guest whose userland is the host's own root file system: the host `/` shared read-only over
 * virtio-9p (tag `hostroot`) and one host directory shared read-write (tag `out`), a small busybox
 * initramfs with the 9p modules and the caller's, whose /init (verify/guest/host_root_init) mounts
 * the host root at /host, chroots into it and runs the caller's script as `sh $OUT/guest.sh`
 * (OUT: where the guest mounts the output directory), so the guest runs the host's
 * ndctl, trace-cmd, perf and node. The script's output lands in OUT/guest.log, its exit status
 * in OUT/guest.status.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EnvResult } from './env_result.js';
import { kvmUsable, type KernelTree } from './environment.js';
import { buildInitramfs, type GuestFile } from './initramfs.js';
import { guestSourceDir } from './module_build.js';
import { resolveModules } from './modules.js';
import { runGuest, type GuestRun } from './qemu.js';
import type { GuestMachine } from './qemu_args.js';

/** The modules a guest needs to mount 9p over virtio (those built in are skipped; netfs comes as a dependency where 9p needs it). */
export const HOST_ROOT_MODULES: readonly string[] = ['virtio_pci', '9pnet_virtio', '9p'];

/** The kernel command line of a host-root guest. */
export const HOST_ROOT_CMDLINE = 'console=ttyS0 panic=-1 nokaslr';

/** A labelled 1 GiB NVDIMM at 4 GiB (sections 32..39) next to 2 GiB of RAM; ndctl can size namespaces on it. */
export const NVDIMM_MACHINE: GuestMachine = {
  machine: 'pc,nvdimm=on',
  mem: '2G,slots=2,maxmem=4G',
  devices: [
    '-object', 'memory-backend-file,id=nv0,share=on,mem-path={tmp}/nvdimm0,size=1G',
    '-device', 'nvdimm,id=nvdimm0,memdev=nv0,label-size=128K',
  ],
};

/** What to run and where. */
export interface HostRootGuestOptions {
  readonly kernel: KernelTree;
  readonly machine: GuestMachine;
  /** Modules to load after the 9p ones, with their dependencies (e.g. nfit libnvdimm nd_pmem dax_pmem device_dax kmem). */
  readonly modules: readonly string[];
  /** The shell script the guest runs (with the host's /bin/sh, in the host root). */
  readonly script: string;
  /** The host directory shared read-write; created; guest.sh, guest.log, guest.status and console.txt go here. */
  readonly outDir: string;
  readonly timeoutS: number;
  /** A static busybox on the host. */
  readonly busybox: string;
  /** Told each console line as it comes. */
  readonly onLine?: (line: string) => void;
  /** Whether /dev/kvm can be used (default: verify/environment.ts kvmUsable()); QEMU falls back to TCG. */
  readonly kvmUsable?: boolean;
  /**
   * Host directories the guest must see at their own path although the guest mounts a tmpfs over
   * theirs (the temporary and run directories: a checkout there, whose bin/memhp.js the script runs); shared
   * read-only. Elsewhere the host root shows them already.
   */
  readonly shared?: readonly string[];
}

/** How the run went and what the script returned. */
export interface HostRootRun {
  readonly run: GuestRun;
  /** The exit status of guest.sh, or null when the guest did not get to write it. */
  readonly scriptStatus: number | null;
  /** OUT/guest.log: what the script printed. */
  readonly log: string;
}

/** The guest's files: its /init. */
export function hostRootFiles(initPath: string = guestInitPath()): GuestFile[] {
  return [{ path: '/init', content: { hostPath: initPath }, mode: 0o755 }];
}

/** The device arguments sharing the host root read-only (tag hostroot), `outDir` read-write (tag out) and each `shared` directory read-only (tags share0, share1, …). */
export function hostRootShares(outDir: string, shared: readonly string[] = []): string[] {
  const extra = shared.flatMap((d, i) => ['-virtfs', `local,path=${resolve(d)},mount_tag=share${i},security_model=none,readonly=on,multidevs=remap`]);
  return [
    '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
    '-virtfs', `local,path=${resolve(outDir)},mount_tag=out,security_model=none`,
  ].concat(extra);
}

/** The `shares.txt` the guest's init reads: `TAG PATH` a line, for the `shared` directories. */
export function sharesFile(shared: readonly string[]): string {
  return shared.map((d, i) => `share${i} ${resolve(d)}\n`).join('');
}

/** The machine with the shares added to its devices. */
export function withHostRootShares(machine: GuestMachine, outDir: string, shared: readonly string[] = []): GuestMachine {
  return { ...machine, devices: machine.devices.concat(hostRootShares(outDir, shared)) };
}

/** Boot the guest, run the script, power off; E_ENV when the modules, busybox or QEMU are missing. */
export async function runHostRootGuest(o: HostRootGuestOptions): Promise<EnvResult<HostRootRun>> {
  const mods = resolveModules(o.kernel.modulesDir, HOST_ROOT_MODULES.concat(o.modules));
  if (!mods.ok) return mods;
  const initrd = buildInitramfs({ busybox: o.busybox, kver: o.kernel.kver, files: hostRootFiles(), modules: mods.value });
  if (!initrd.ok) return initrd;
  mkdirSync(o.outDir, { recursive: true });
  for (const f of ['guest.log', 'guest.status']) rmSync(join(o.outDir, f), { force: true });
  writeFileSync(join(o.outDir, 'guest.sh'), o.script);
  writeFileSync(join(o.outDir, 'shares.txt'), sharesFile(o.shared ?? []));
  const initrdPath = join(o.outDir, 'initrd.cpio.gz');
  writeFileSync(initrdPath, initrd.value);
  const run = await runGuest({
    kernel: o.kernel.image,
    initrd: initrdPath,
    append: HOST_ROOT_CMDLINE,
    machine: withHostRootShares(o.machine, o.outDir, o.shared ?? []),
    timeoutS: o.timeoutS,
    consolePath: join(o.outDir, 'console.txt'),
    ...(o.onLine === undefined ? {} : { onLine: o.onLine }),
    kvmUsable: o.kvmUsable ?? kvmUsable(),
  });
  rmSync(initrdPath, { force: true });
  if (!run.ok) return run;
  const statusFile = join(o.outDir, 'guest.status');
  const status = existsSync(statusFile) ? Number.parseInt(readFileSync(statusFile, 'utf8').trim(), 10) : NaN;
  const logFile = join(o.outDir, 'guest.log');
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  return { ok: true, value: { run: run.value, scriptStatus: Number.isNaN(status) ? null : status, log } };
}

/** verify/guest/host_root_init of this installation (beside the guest scripts of memhp verify). */
export function guestInitPath(): string {
  return join(guestSourceDir() ?? 'verify/guest', 'host_root_init');
}
