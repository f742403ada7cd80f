/**
 * `memhp verify` end to end on Debian's 6.1.0-56 kernel under QEMU (TCG): a scenario with direct
 * calls, two legacy pmem namespaces and snapshots agrees with the model; a --random sequence
 * checked against another release's model disagrees, is shrunk on the kernel, and is written as a
 * scenario; the shrunk run still disagrees with that release's model and agrees with its own.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { testKernelTree } from './helpers/kernel_tree.js';

const tree = testKernelTree();
const tmp = mkdtempSync(join(tmpdir(), 'memhp-verify-e2e-'));
/** A boot is 10-60 s under TCG; the shrink below boots five times. */
const BOOTS = { timeout: 600_000 };
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('memhp verify on a real kernel', () => {
  it('sparse-error-paths.scn: namespaces bound, direct calls made, every snapshot agrees', BOOTS, async () => {
    const out = join(tmp, 'sep');
    const r = await cli(['verify', 'examples/sparse-error-paths.scn', '--kernel-dir', tree, '-o', out, '--json']);
    expect(r.stderr).toBe('');
    const v = JSON.parse(r.stdout) as { actions: number; notVerifiable: unknown[]; append: string[]; check: { fieldsCompared: number; mismatches: unknown[]; steps: number; snapshots: number } };
    expect(v.append).toEqual(['memmap=64M!0x40000000', 'memmap=64M!0x4c000000']);
    expect(v.notVerifiable).toEqual([]);
    expect(v.check.mismatches).toEqual([]);
    expect(v.check.fieldsCompared).toBeGreaterThan(300);
    expect(v.check.snapshots).toBe(v.actions + 1);
    expect(r.code).toBe(0);
    for (const f of ['console.log', 'trace.txt', 'dmesg.txt', 'kprobes.txt', 'iomem-before.txt', 'run.json']) expect(existsSync(join(out, f)), f).toBe(true);
    // The guest ran the WARNs of the scenario: the kernel printed them.
    expect(readFileSync(join(out, 'dmesg.txt'), 'latin1')).toContain('Misaligned __add_pages start: 0x40100 end: #401ff');
  });

  it('--random with another release\'s model: the disagreement is shrunk on the kernel and written as a scenario', BOOTS, async () => {
    const out = join(tmp, 'random');
    const r = await cli(['verify', '--random', '1', '--ops', '8', '--seed', '3', '--model-kernel', '5.3', '--kernel-dir', tree, '-o', out, '--json']);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout) as { sequences: number; calls: number; mismatchingSequences: number; mismatches: Array<{ scenario: string; kept: number }> };
    expect(s).toMatchObject({ sequences: 1, calls: 8, mismatchingSequences: 1 });
    const m = s.mismatches[0]!;
    expect(m.kept).toBeLessThan(8);
    expect(readdirSync(out)).toContain('mismatch-seed3-seq0.scn');
    // The scenario is what the kernel did (trace-to-scenario of the shrunk run): it parses and runs.
    const run = await cli(['run', m.scenario]);
    expect(run.code, run.stderr).not.toBe(2);
    expect(readFileSync(m.scenario, 'utf8')).toMatch(/^# mismatch after call \d+: /m);
    // The shrunk run still disagrees with 5.3's rules, and agrees with the booted kernel's own.
    const shrunk = join(out, 'shrunk-0');
    expect((await cli(['check', shrunk, '--kernel', '5.3'])).code).toBe(1);
    expect((await cli(['check', shrunk])).code).toBe(0);
  });
});
