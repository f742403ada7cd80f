/**
 * `memhp capture` and `memhp capture --script` against a fake tracefs (test/helpers/fake_tracefs.ts):
 * the probes are defined in a group of the run's own and enabled only in its instance, the top-level
 * settings stay as they were, the run directory is what `memhp check` reads, and the instance and
 * every definition are gone afterwards — after a normal run, a failing COMMAND, a refused set-up,
 * SIGINT and SIGTERM, for the Node recorder and for the script run by busybox sh.
 * The kernel's part (the ring buffer) is played by the COMMAND: it copies a recorded 6.1 trace into
 * the instance's `trace`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBtf } from '../inputs/btf/btf.js';
import { guestProbes, SNAPSHOT_RETURNS } from '../verify/probes.js';
import { cli, ROOT, spawnCli } from './helpers/cli.js';
import { fakeTracefs, liveProbes, recordedTrace, treeOf } from './helpers/fake_tracefs.js';

const BTF = join(ROOT, 'test/fixtures/btf/6.1.0-56-amd64.btf.gz');
const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A scratch directory (removed after the file's tests). */
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'memhp-capture-'));
  dirs.push(d);
  return d;
}

/** A fake tracefs removed after the file's tests. */
function tracefs(): string {
  const t = fakeTracefs();
  dirs.push(t);
  return t;
}

/** The top-level files of a fake tracefs but kprobe_events (which a capture appends to and restores by `-:` lines). */
function settings(t: string): Record<string, string> {
  const all = treeOf(t);
  delete all.kprobe_events;
  return all;
}

/** A COMMAND that plays the kernel: the recorded trace into the instance, the instance's files listed into `seen`; then exits with `rc`. */
function kernelCommand(trace: string, seen: string, rc = 0): string[] {
  return ['sh', '-c', `cat "${trace}" > "$MEMHP_CAPTURE_INSTANCE/trace"; (cd "$MEMHP_CAPTURE_INSTANCE" && find . -type f | sort | while read -r f; do echo "$f=$(cat "$f" | head -c 40)"; done) > "${seen}"; exit ${rc}`];
}

describe('guestProbes for capture', () => {
  const r = parseBtf(gunzipSync(readFileSync(BTF)));
  if (!r.ok) throw new Error(r.message);
  const btf = r.value;

  it('names the group it is given, and snapshots on the return of the top-level hotplug functions with the same fetch arguments as the sync snapshot', () => {
    const p = guestProbes(btf, [31, 32], { group: 'memhp_7', returnSnapshots: true });
    if (!p.ok) throw new Error(p.message);
    const lines = p.value.kprobeEvents;
    expect(lines.every((l) => /^[pr]:memhp_7(_\w+)?\//.test(l))).toBe(true);
    const sync = lines.find((l) => l.startsWith('p:memhp_7/secstate0 ksys_sync '));
    expect(sync).toBeDefined();
    const fetch = sync!.split(' ').slice(2).join(' ');
    for (const fn of ['__add_pages', '__remove_pages', 'memremap_pages']) expect(lines).toContain(`r:memhp_7_${fn}/secstate0 ${fn} ${fetch}`);
    expect(lines.filter((l) => l.startsWith('r:') && l.includes('/secstate')).length).toBe(SNAPSHOT_RETURNS.length);
  });

  it('keeps the guests\' lab group by default and refuses a group that is no name', () => {
    const p = guestProbes(btf, [31]);
    if (!p.ok) throw new Error(p.message);
    expect(p.value.kprobeEvents.every((l) => /^[pr]:lab\//.test(l))).toBe(true);
    expect(p.value.kprobeEvents.some((l) => l.startsWith('r:') && l.includes('/secstate'))).toBe(false);
    expect(guestProbes(btf, [31], { group: 'a-b' }).ok).toBe(false);
  });
});

describe('memhp capture on a fake tracefs', () => {
  it('defines its probes in its own group, enables them only in its instance, writes the run directory that check reads, and leaves nothing behind', async () => {
    const t = tracefs();
    const s = scratch();
    const before = settings(t);
    const out = join(s, 'run');
    const seen = join(s, 'seen.txt');
    const r = await cli(['capture', '--tracefs', t, '--btf', BTF, '--sections', '31-35', '-o', out, '--', ...kernelCommand(recordedTrace(s), seen)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`capture: ${out}: `);
    // While the command ran: the run's groups enabled in its instance, printk:console too, tracing on there.
    const group = `memhp_${process.pid}`;
    const inside = readFileSync(seen, 'utf8');
    expect(inside).toContain(`./events/${group}/enable=1`);
    expect(inside).toContain(`./events/${group}___add_pages/enable=1`);
    expect(inside).toContain('./events/printk/console/enable=1');
    expect(inside).toContain('./tracing_on=1');
    expect(inside).toContain('./trace_marker=LAB_SECSTATE_SECTIONS 31 32 33 34 35 spr');
    // The top level untouched, the instance gone, every definition removed again (the other user's kept).
    expect(settings(t)).toEqual(before);
    expect(readdirSync(join(t, 'instances'))).toEqual([]);
    expect(liveProbes(t)).toEqual(['other/do_sys_open']);
    const written = readFileSync(join(t, 'kprobe_events'), 'utf8').split('\n');
    expect(written.filter((l) => l.startsWith(`p:${group}/`)).length).toBeGreaterThan(20);
    expect(written.filter((l) => /^[pr]:/.test(l) && !l.startsWith('p:other/')).every((l) => l.slice(2).startsWith(group))).toBe(true);
    // The layout, and check reading it.
    expect(readdirSync(out).sort()).toEqual(['iomem-before.txt', 'kprobes.txt', 'run.json', 'trace.txt']);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(run.exit).toBe(0);
    expect(run.signal).toBe(null);
    expect(run.refused).toEqual([]);
    expect(run.secstate_sections).toEqual([31, 32, 33, 34, 35]);
    expect(run.kernel_release).toEqual(expect.any(String));
    expect((run.probes as string[]).length).toBe(readFileSync(join(out, 'kprobes.txt'), 'utf8').trim().split('\n').length);
    const check = await cli(['check', out, '--kernel', '6.1.192']);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/ 0 mismatches/);
    // A second run works (same pid, same instance name and groups).
    const again = await cli(['capture', '--tracefs', t, '--btf', BTF, '--sections', '31', '-o', join(s, 'run2'), '--', 'true']);
    expect(again.code).toBe(0);
    expect(liveProbes(t)).toEqual(['other/do_sys_open']);
  });

  it('returns a failing COMMAND\'s exit status, with the run written and everything removed', async () => {
    const t = tracefs();
    const s = scratch();
    const out = join(s, 'run');
    const r = await cli(['capture', '--tracefs', t, '--btf', BTF, '--sections', '31', '-o', out, '--', ...kernelCommand(recordedTrace(s), join(s, 'seen'), 3)]);
    expect(r.code).toBe(3);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).exit).toBe(3);
    expect(readdirSync(join(t, 'instances'))).toEqual([]);
    expect(liveProbes(t)).toEqual(['other/do_sys_open']);
  });

  it('removes the instance when the kernel refuses every probe, and says so as an error', async () => {
    const t = tracefs();
    rmSync(join(t, 'kprobe_events'));
    // A directory in its place: every write to it fails, as on a kernel that refuses them all.
    spawnSync('mkdir', [join(t, 'kprobe_events')]);
    const s = scratch();
    const r = await cli(['capture', '--tracefs', t, '--btf', BTF, '-o', join(s, 'run'), '--', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memhp: error\[E_ENV\]: capture stopped: .*refused every probe/);
    expect(readdirSync(join(t, 'instances'))).toEqual([]);
  });

  it('refuses an instance of its name that exists (a capture killed with SIGKILL), and leaves that instance alone', async () => {
    const t = tracefs();
    const s = scratch();
    const left = join(t, 'instances', `memhp-${process.pid}`);
    spawnSync('mkdir', [left]);
    writeFileSync(join(left, 'trace'), 'not ours\n');
    const r = await cli(['capture', '--tracefs', t, '--btf', BTF, '-o', join(s, 'run'), '--', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memhp: error\[E_ENV\]: cannot create the tracefs instance .*EEXIST/);
    expect(r.stderr).toMatch(/\n  hint: capture needs root/);
    expect(readFileSync(join(left, 'trace'), 'utf8')).toBe('not ours\n');
    expect(liveProbes(t)).toEqual(['other/do_sys_open']);
    expect(existsSync(join(s, 'run'))).toBe(false);
  });

  it('refuses a tracefs without kprobe_events, and an output directory with files in it', async () => {
    const s = scratch();
    expect((await cli(['capture', '--tracefs', s, '--btf', BTF, '--', 'true'])).stderr).toMatch(/^memhp: error\[E_ENV\]: .* has no instances\//);
    const t = tracefs();
    writeFileSync(join(s, 'x'), '');
    const r = await cli(['capture', '--tracefs', t, '--btf', BTF, '-o', s, '--', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memhp: error\[E_USAGE\]: .* exists and is not empty/);
    expect(readdirSync(join(t, 'instances'))).toEqual([]);
  });
});

let script31: string | null = null;
/** The --script recorder for section 31 (made once: it parses the BTF). */
async function scriptFor31(): Promise<string> {
  if (script31 === null) {
    const gen = await cli(['capture', '--script', '--btf', BTF, '--sections', '31']);
    expect(gen.code).toBe(0);
    script31 = gen.stdout;
  }
  return script31;
}

/** Start a recorder (argv), wait for its line saying it records, send `signal`; its exit code and output. */
function signalled(argv: readonly string[], signal: NodeJS.Signals): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const c = spawn(argv[0] ?? '', argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    const take = (d: Buffer): void => {
      out += d.toString();
      if (!sent && /capture: (recording|running)/.test(out)) {
        sent = true;
        c.kill(signal);
      }
    };
    c.stdout.on('data', take);
    c.stderr.on('data', take);
    c.on('close', (code) => done({ code, out }));
  });
}

describe.each([
  ['memhp capture', 'node'],
  ['busybox sh capture.sh', 'sh'],
] as const)('%s ended by a signal', (_name, kind) => {
  it.skipIf(kind === 'sh' && BUSYBOX === undefined).each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s, with and without a COMMAND: the run written up to then, exit 128+N, the fake tracefs clean', async (signal, code) => {
    for (const command of [['--', 'sleep', '60'], []]) {
      const t = tracefs();
      const s = scratch();
      const out = join(s, 'run');
      let argv: string[];
      if (kind === 'node') argv = [process.execPath, join(ROOT, 'bin/memhp.js'), 'capture', '-v', '--tracefs', t, '--btf', BTF, '--sections', '31', '-o', out, ...command];
      else {
        const script = join(s, 'capture.sh');
        writeFileSync(script, await scriptFor31());
        argv = [BUSYBOX ?? 'busybox', 'sh', script, '-o', out, '-t', t, ...command];
      }
      const before = settings(t);
      const r = await signalled(argv, signal);
      expect(r.code, r.out).toBe(code);
      expect(readdirSync(join(t, 'instances'))).toEqual([]);
      expect(liveProbes(t)).toEqual(['other/do_sys_open']);
      expect(settings(t)).toEqual(before);
      expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).signal).toBe(signal);
    }
  }, 240_000);
});

describe.skipIf(BUSYBOX === undefined)('memhp capture --script run by busybox sh', () => {
  it('records as the Node recorder does: its own group and instance, the same layout, check reads it, nothing left', async () => {
    const t = tracefs();
    const s = scratch();
    const gen = spawnCli(['capture', '--script', '--btf', BTF, '--sections', '31-35']);
    expect(gen.code).toBe(0);
    expect(gen.stdout.startsWith('#!/bin/sh\n')).toBe(true);
    const script = join(s, 'capture.sh');
    writeFileSync(script, gen.stdout);
    const before = settings(t);
    const out = join(s, 'run');
    const seen = join(s, 'seen.txt');
    const r = spawnSync(BUSYBOX ?? 'busybox', ['sh', script, '-o', out, '-t', t, '--', ...kernelCommand(recordedTrace(s), seen, 5)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(5);
    const inside = readFileSync(seen, 'utf8');
    expect(inside).toMatch(/\.\/events\/memhp_\d+\/enable=1/);
    expect(inside).toMatch(/\.\/events\/memhp_\d+___remove_pages\/enable=1/);
    expect(settings(t)).toEqual(before);
    expect(readdirSync(join(t, 'instances'))).toEqual([]);
    expect(liveProbes(t)).toEqual(['other/do_sys_open']);
    expect(readdirSync(out).sort()).toEqual(['iomem-before.txt', 'kprobes.txt', 'run.json', 'trace.txt']);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(run.exit).toBe(5);
    expect((run.command as string[])[0]).toBe('sh');
    expect(run.secstate_sections).toEqual([31, 32, 33, 34, 35]);
    const check = await cli(['check', out, '--kernel', '6.1.192']);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/ 0 mismatches/);
  });

  it('refuses --script together with what the script takes itself (-o, the COMMAND)', async () => {
    expect((await cli(['capture', '--script', '--btf', BTF, '-o', 'x'])).code).toBe(2);
    expect((await cli(['capture', '--script', '--btf', BTF, '--', 'true'])).code).toBe(2);
  });
});
