/**
 * `memhp verify` on the command line, without booting anything: usage errors, and the environment
 * errors that stop a run before QEMU starts (one line, exit 2, E_ENV).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, spawnCli } from './helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'memhp-verify-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('memhp verify: usage', () => {
  it.each([
    [['verify'], 'missing SCENARIO'],
    [['verify', 'examples/partial-cycle.scn', '--random', '3'], 'not both'],
    [['verify', '--random', '0'], '--random 0'],
    [['verify', 'examples/partial-cycle.scn', '--seed', '3'], '--seed and --ops go with --random'],
    [['verify', 'examples/partial-cycle.scn', '--kernel-image', '/nonexistent'], '--kernel-image needs --modules'],
    [['verify', 'examples/partial-cycle.scn', '--kernel-dir', 'x', '--modules', 'y'], 'give it alone'],
    [['verify', 'examples/partial-cycle.scn', '--accel', 'hvf'], 'expected auto, tcg or kvm'],
    [['verify', 'test/fixtures/traces/6.1.0-56-amd64/sparse_error_paths/trace.txt'], 'is not a scenario file'],
  ])('%j → E_USAGE (%s)', async (args, text) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[E_USAGE]');
    expect(r.stderr).toContain(text);
  });
});

describe('memhp verify: the environment', () => {
  it('a kernel tree that does not exist: one E_ENV line naming it, exit 2', () => {
    const r = spawnCli(['verify', 'examples/partial-cycle.scn', '--kernel-dir', join(tmp, 'nowhere')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memhp: error\[E_ENV\]: .*nowhere/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('qemu missing from PATH: one E_ENV line saying what to install, exit 2, nothing booted', () => {
    const k = join(tmp, 'kernel');
    mkdirSync(join(k, 'modules', 'build'), { recursive: true });
    writeFileSync(join(k, 'vmlinuz'), 'not a kernel');
    writeFileSync(join(k, 'modules', 'build', 'Makefile'), '');
    const empty = join(tmp, 'empty-path');
    mkdirSync(empty, { recursive: true });
    const r = spawnCli(['verify', 'examples/partial-cycle.scn', '--kernel-image', join(k, 'vmlinuz'), '--modules', join(k, 'modules'), '-o', join(tmp, 'run')], { PATH: empty });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[E_ENV\]: qemu-system-x86_64 not found on PATH \(Debian\/Ubuntu: apt-get install qemu-system-x86/);
    expect(r.stderr.trim().split('\n').filter((l) => l.includes('error['))).toHaveLength(1);
  });
});
