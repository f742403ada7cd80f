/**
 * verify/qemu.ts without booting anything: QEMU missing from PATH (E_ENV), and a shell script
 * standing in for QEMU (test/fixtures/verify/fake-qemu.sh) for the console, the host commands,
 * the timeout, a panic, the KVM fall-back to TCG, and no process left behind — also when the Node
 * process running the guest exits or is killed with SIGTERM.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { liveChildren } from '../verify/child_reaper.js';
import { guestFailure } from '../verify/guest_outcome.js';
import { qemuArgv } from '../verify/qemu_args.js';
import { runGuest, type GuestRun, type RunGuestOptions } from '../verify/qemu.js';

const FAKE = fileURLToPath(new URL('./fixtures/verify/fake-qemu.sh', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'memhp-qemu-fast-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const bin = join(work, 'bin');
mkdirSync(bin);
const qemu = join(bin, 'qemu-system-x86_64');
copyFileSync(FAKE, qemu);
chmodSync(qemu, 0o755);

const MACHINE = { machine: 'pc', mem: '2G', devices: ['-object', 'memory-backend-file,id=nv1,mem-path={tmp}/nvdimm1.img,size=1G'] } as const;

function opts(append: string, extra: Partial<RunGuestOptions> = {}): RunGuestOptions {
  return { kernel: join(work, 'vmlinuz'), initrd: join(work, `initrd-${append}`), append, machine: MACHINE, timeoutS: 20, consolePath: join(work, `${append}.log`), qemu, accel: 'tcg', ...extra };
}

/** Processes whose command line names `text` (other than this one). */
function processesNaming(text: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('runGuest', () => {
  it('is E_ENV with one line when qemu-system-x86_64 is not on PATH', async () => {
    const saved = process.env.PATH;
    process.env.PATH = join(work, 'empty');
    try {
      const r = await runGuest({ ...opts('x'), qemu: undefined });
      expect(r).toEqual({ ok: false, code: 'E_ENV', message: 'qemu-system-x86_64 not found on PATH (Debian/Ubuntu: apt-get install qemu-system-x86; Fedora: dnf install qemu-system-x86-core)' });
    } finally {
      process.env.PATH = saved;
    }
  });

  it('writes the console as it comes, tells each line, and types the QMP answer back (here: QMP is not there)', async () => {
    const lines: string[] = [];
    const r = await runGuest(opts('host', { onLine: (l) => lines.push(l) }));
    if (!r.ok) throw new Error(r.message);
    expect(r.value).toMatchObject({ exit: 0, signal: null, timedOut: false, booted: true, completed: true, panicked: false, accel: 'tcg', kvmNote: null });
    expect(r.value.hostCommands).toHaveLength(1);
    expect(r.value.hostCommands[0]).toMatchObject({ cmd: 'info version', answer: expect.stringMatching(/^ERROR runner: QMP socket: connect E/) });
    expect(lines).toEqual(['Linux version 9.9-fake (x)', '=====LAB BOOTED kernel=9.9-fake=====', '@@HOST@@ info version', `guest got: ${r.value.hostCommands[0]!.answer}`, '=====LAB DONE=====']);
    expect(readFileSync(join(work, 'host.log'), 'utf8')).toBe(`Linux version 9.9-fake (x)\r\n=====LAB BOOTED kernel=9.9-fake=====\r\n@@HOST@@ info version\r\nguest got: ${r.value.hostCommands[0]!.answer}\r\n=====LAB DONE=====\r\n`);
    expect(r.value.lastLines.at(-1)).toBe('=====LAB DONE=====');
  });

  it('kills the guest at the timeout and leaves no process or temporary directory', async () => {
    const before = readdirSync(tmpdir()).filter((d) => d.startsWith('memhp-qemu-run-'));
    const r = await runGuest(opts('sleep', { timeoutS: 1 }));
    if (!r.ok) throw new Error(r.message);
    expect(r.value).toMatchObject({ exit: null, signal: 'SIGKILL', timedOut: true, booted: true, completed: false });
    expect(r.value.durationS).toBeGreaterThanOrEqual(1);
    expect(r.value.durationS).toBeLessThan(5);
    expect(processesNaming(join(work, 'initrd-sleep'))).toEqual([]);
    expect(liveChildren()).toBe(0);
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith('memhp-qemu-run-'))).toEqual(before);
  });

  it('says the guest panicked, and an unterminated last line is still read', async () => {
    const p = await runGuest(opts('panic'));
    expect(p.ok && p.value).toMatchObject({ panicked: true, booted: false, exit: 0 });
    const d = await runGuest(opts('done-no-newline'));
    expect(d.ok && d.value).toMatchObject({ completed: true });
  });

  it('keeps QEMU\'s own errors (stderr) in the console and its exit status', async () => {
    const r = await runGuest(opts('fail'));
    expect(r.ok && r.value).toMatchObject({ exit: 1, booted: false, lastLines: ['qemu-system-x86_64: -kernel nope: could not open kernel file'] });
  });

  it('falls back to TCG when a KVM guest prints nothing in time', async () => {
    const r = await runGuest(opts('kvmstuck', { accel: 'auto', kvmUsable: true, kvmBootS: 1 }));
    if (!r.ok) throw new Error(r.message);
    expect(r.value).toMatchObject({ accel: 'tcg', completed: true, kvmNote: 'KVM attempted first: no kernel output within 1 s; fell back to TCG' });
    expect(r.value.argv.slice(1, 5)).toEqual(['-accel', 'tcg', '-cpu', 'max']);
    expect(processesNaming(join(work, 'initrd-kvmstuck'))).toEqual([]);
  });

  it('builds the lab\'s command line, {tmp} replaced in the devices', () => {
    const argv = qemuArgv({ qemu: 'q', accel: 'kvm', machine: MACHINE, qmpSocket: '/t/qmp.sock', kernel: 'K', initrd: 'I', append: 'A B', tmp: '/t' });
    expect(argv.join(' ')).toBe(
      'q -enable-kvm -cpu host -machine pc -m 2G -smp 2 -nographic -nic none -no-reboot -serial stdio -monitor none -qmp unix:/t/qmp.sock,server=on,wait=off -kernel K -initrd I -append A B -object memory-backend-file,id=nv1,mem-path=/t/nvdimm1.img,size=1G',
    );
  });
});

describe('no orphan QEMU when the Node process ends', () => {
  const script = join(work, 'guest.mjs');
  buildSync({ entryPoints: [fileURLToPath(new URL('../verify/qemu.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', outfile: join(work, 'qemu.mjs'), logLevel: 'silent' });
  writeFileSync(
    script,
    `import { runGuest } from './qemu.mjs';
const [how, tag] = process.argv.slice(2);
runGuest({ kernel: 'K', initrd: tag, append: 'sleep', machine: { machine: 'pc', mem: '2G', devices: [] }, timeoutS: 60, consolePath: ${JSON.stringify(join(work, 'orphan.log'))}, qemu: ${JSON.stringify(qemu)}, accel: 'tcg', onLine: (l) => {
  if (!l.includes('BOOTED')) return;
  if (how === 'exit') process.exit(3);
  else process.kill(process.pid, 'SIGTERM');
} });
`,
  );

  for (const how of ['exit', 'SIGTERM'] as const) {
    it(`kills QEMU when the process running it ${how === 'exit' ? 'calls process.exit' : 'gets SIGTERM'}`, async () => {
      const tag = join(work, `orphan-${how}`);
      const child = spawn(process.execPath, [script, how, tag], { stdio: 'ignore' });
      const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.on('exit', (c, s) => r([c, s])));
      expect(how === 'exit' ? code : signal).toBe(how === 'exit' ? 3 : 'SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      expect(processesNaming(tag)).toEqual([]);
      // the fake really was running: its console was written
      expect(execFileSync('cat', [join(work, 'orphan.log')]).toString()).toContain('LAB BOOTED');
    });
  }
});

describe('guestFailure', () => {
  const base: GuestRun = { exit: 0, signal: null, timedOut: false, completed: true, booted: true, panicked: false, lastLines: ['=====LAB DONE====='], durationS: 9, accel: 'tcg', kvmNote: null, argv: [], hostCommands: [] };

  it('is null for a completed run and one E_ENV line otherwise', () => {
    expect(guestFailure(base, 60, 'c.log')).toBeNull();
    expect(guestFailure({ ...base, completed: false, timedOut: true, exit: null, signal: 'SIGKILL', lastLines: ['step 3', ''] }, 60, 'c.log')).toEqual({
      ok: false,
      code: 'E_ENV',
      message: 'the guest timed out within 60 s (TCG; raise --timeout?); last console line: step 3; see c.log',
    });
    expect(guestFailure({ ...base, completed: false, booted: false, timedOut: true, exit: null, lastLines: [] }, 20, 'c.log')?.message).toBe('the guest did not boot within 20 s (TCG; raise --timeout?); the guest printed nothing; see c.log');
    expect(guestFailure({ ...base, completed: false, booted: false, panicked: true, lastLines: ['[ 1.2] Kernel panic - not syncing: No working init found.', 'x'] }, 20, 'c.log')?.message).toBe(
      'the guest kernel panicked (Kernel panic - not syncing: No working init found.); see c.log',
    );
    expect(guestFailure({ ...base, completed: false, booted: false, exit: 1, lastLines: ['qemu: bad'] }, 20, 'c.log')?.message).toBe('QEMU exited with status 1 before the guest booted; last console line: qemu: bad; see c.log');
    expect(guestFailure({ ...base, completed: false, lastLines: ['sh: x'] }, 20, 'c.log')?.message).toBe('the guest powered off without finishing (no =====LAB DONE=====); last console line: sh: x; see c.log');
  });
});
