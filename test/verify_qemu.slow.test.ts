/**
 * verify/qemu.ts booting the real Debian 6.1 kernel of the repo-relative `.kernels/6.1.0-56-amd64`
 * tree (scripts/fetch-debian-kernel.sh) with small busybox initramfs images: a happy boot that
 * prints the LAB markers, asks the host one HMP command and powers off (completed, and the run
 * directory splits), a guest without /init (the kernel panics), and one that sleeps past a 20 s
 * timeout (QEMU killed). After each, no QEMU of the run is left.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { liveChildren } from '../verify/child_reaper.js';
import { guestFailure } from '../verify/guest_outcome.js';
import { buildInitramfs, type GuestFile } from '../verify/initramfs.js';
import { NVDIMM_MODULES, resolveModules, type ModuleFile } from '../verify/modules.js';
import { findOnPath } from '../verify/path_lookup.js';
import { runGuest, type GuestRun } from '../verify/qemu.js';
import { writeRunDir } from '../verify/run_dir.js';
import { TEST_KVER, testKernelTree } from './helpers/kernel_tree.js';
import { fetchedKernel } from '../verify/environment.js';

const KVER = TEST_KVER;
const TREE = testKernelTree();
const KERNEL = fetchedKernel(TREE);
if (!KERNEL.ok) throw new Error(KERNEL.message);
const IMAGE = KERNEL.value.image;
const BUSYBOX = findOnPath('busybox');
if (BUSYBOX === null) throw new Error('busybox not found on PATH (Debian: apt-get install busybox-static)');

const work = mkdtempSync(join(tmpdir(), 'memhp-qemu-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const APPEND = 'console=ttyS0 panic=-1 ftrace_dump_on_oops nokaslr';

/** An initramfs at WORK/NAME.cpio.gz with these files (the ones a test asks, no /init when none is given). */
function initrd(name: string, files: GuestFile[], modules: ModuleFile[] = []): string {
  const r = buildInitramfs({ busybox: BUSYBOX!, kver: KVER, files, modules });
  if (!r.ok) throw new Error(r.message);
  const p = join(work, `${name}.cpio.gz`);
  writeFileSync(p, r.value);
  return p;
}

function init(body: string): GuestFile {
  const head = '#!/bin/sh\nexport PATH=/bin\nmount -t proc proc /proc\nmount -t sysfs sysfs /sys\nmount -t tracefs tracefs /sys/kernel/tracing\nstty -echo </dev/console 2>/dev/null\n';
  return { path: '/init', content: { bytes: Buffer.from(head + body) }, mode: 0o755 };
}

/** The processes whose command line names `path` (a run's initrd): none once a run is over. */
function processesNaming(path: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(path)) pids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function boot(name: string, files: GuestFile[], timeoutS: number, modules: ModuleFile[] = []): Promise<{ run: GuestRun; consolePath: string; initrdPath: string }> {
  const initrdPath = initrd(name, files, modules);
  const consolePath = join(work, `${name}.console.log`);
  const r = await runGuest({ kernel: IMAGE, initrd: initrdPath, append: APPEND, machine: { machine: 'pc', mem: '2G', devices: [] }, timeoutS, consolePath, accel: 'tcg' });
  if (!r.ok) throw new Error(r.message);
  process.stderr.write(`[verify_qemu.slow] ${name}: ${r.value.durationS} s, exit ${r.value.exit}, accel ${r.value.accel}\n`);
  return { run: r.value, consolePath, initrdPath };
}

describe('runGuest on the Debian 6.1 kernel (TCG)', () => {
  it('a guest that loads the nvdimm/dax modules, prints the markers and powers off completes, answers a host command, and its run dir splits', async () => {
    const mods = resolveModules(KERNEL.value.modulesDir, [...NVDIMM_MODULES]);
    if (!mods.ok) throw new Error(mods.message);
    const { run, consolePath, initrdPath } = await boot(
      'happy',
      [
        init(
          [
            'echo "=====LAB BOOTED kernel=$(uname -r)====="',
            'for m in $(cat /memhp/modules.order); do insmod $m || echo "@@LAB insmod failed: $m"; done',
            'echo "@@LAB modules: $(cut -d" " -f1 /proc/modules | sort | tr "\\n" " ")"',
            'echo "@@HOST@@ info version"',
            'read -r ans',
            'echo "@@LAB host: $ans"',
            'T=/sys/kernel/tracing',
            'echo "LAB_SNAP_BEGIN before" > $T/trace_marker',
            'echo "IOMEM before|00000000-00000fff : Reserved" > $T/trace_marker',
            'echo "IOMEM before|00100000-7ffdffff : System RAM" > $T/trace_marker',
            'echo "LAB_SNAP_END before" > $T/trace_marker',
            'echo "IOMEM after|00000000-00000fff : Reserved" > $T/trace_marker',
            'echo "@@LAB KPROBE_FAIL: p:lab/nope nope"',
            'echo "=====LAB TRACE BEGIN====="; cat $T/trace; echo "=====LAB TRACE END====="',
            'echo "=====LAB DMESG BEGIN====="; dmesg | tail -3; echo "=====LAB DMESG END====="',
            'echo "=====LAB DONE====="',
            'poweroff -f',
          ].join('\n') + '\n',
        ),
      ],
      180,
      mods.value,
    );
    expect(run).toMatchObject({ exit: 0, timedOut: false, booted: true, completed: true, panicked: false, accel: 'tcg' });
    expect(run.hostCommands).toHaveLength(1);
    expect(run.hostCommands[0]!.answer).toMatch(/^OK \d+\.\d+\.\d+/);
    const log = readFileSync(consolePath, 'utf8');
    expect(log).toContain(`@@LAB host: ${run.hostCommands[0]!.answer}`);
    expect(log).not.toContain('insmod failed');
    expect(log).toMatch(/@@LAB modules: dax_pmem device_dax kmem libnvdimm nd_btt nd_e820 nd_pmem \r?\n/);
    expect(run.argv.slice(1, 5)).toEqual(['-accel', 'tcg', '-cpu', 'max']);
    expect(processesNaming(initrdPath)).toEqual([]);
    expect(liveChildren()).toBe(0);

    const out = join(work, 'happy-run');
    const w = writeRunDir({ consolePath, outDir: out, scenario: 'happy', run, kernelCmdline: APPEND, qemuVersion: 'QEMU test' });
    expect(w.ok).toBe(true);
    const trace = readFileSync(join(out, 'trace.txt'), 'utf8');
    expect(trace).toMatch(/tracing_mark_write: LAB_SNAP_BEGIN before\n/);
    expect(readFileSync(join(out, 'iomem-before.txt'), 'utf8')).toBe('00000000-00000fff : Reserved\n00100000-7ffdffff : System RAM\n');
    const json = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({ scenario: 'happy', kernel_release: KVER, completed: true, timed_out: false, qemu_exit: 0, kprobe_failures: ['p:lab/nope nope'] });
  });

  it('a guest without /init panics and QEMU exits (-no-reboot)', async () => {
    const { run, initrdPath, consolePath } = await boot('panic', [], 180);
    expect(run).toMatchObject({ timedOut: false, booted: false, completed: false, panicked: true, exit: 0 });
    expect(guestFailure(run, 180, consolePath)?.message).toMatch(/^the guest kernel panicked \(Kernel panic - not syncing: (VFS: Unable to mount root|No working init found)/);
    expect(guestFailure(run, 180, consolePath)).toMatchObject({ code: 'E_ENV' });
    expect(run.lastLines.join('\n')).toMatch(/Kernel panic - not syncing: (VFS: Unable to mount root|No working init found)/);
    expect(processesNaming(initrdPath)).toEqual([]);
  });

  it('a guest that sleeps past the timeout is killed at 20 s', async () => {
    const { run, initrdPath, consolePath } = await boot('sleep', [init('echo "=====LAB BOOTED kernel=$(uname -r)====="\nwhile :; do sleep 1000; done\n')], 20);
    expect(run).toMatchObject({ timedOut: true, completed: false, panicked: false, exit: null, signal: 'SIGKILL' });
    expect(run.durationS).toBeGreaterThanOrEqual(20);
    expect(run.durationS).toBeLessThan(30);
    expect(guestFailure(run, 20, consolePath)?.message).toMatch(/^the guest (timed out|did not boot) within 20 s \(TCG; raise --timeout\?\); /);
    expect(processesNaming(initrdPath)).toEqual([]);
    expect(liveChildren()).toBe(0);
  });
});
