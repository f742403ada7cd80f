/**
 * verify/module_build.ts against a real kernel: memhp_guest.ko built against the Debian 6.1 headers
 * of `.kernels/6.1.0-56-amd64` (test/helpers/kernel_tree.ts fetches it when missing). modinfo must show the module's
 * kretprobe parameters and the kernel's release.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGuestModule } from '../verify/module_build.js';
import { fetchedKernel } from '../verify/environment.js';
import { TEST_KVER, testKernelTree } from './helpers/kernel_tree.js';

const KVER = TEST_KVER;
const TREE = testKernelTree();
const FETCH = `scripts/fetch-debian-kernel.sh ${KVER} .kernels/${KVER}`;

const out = mkdtempSync(join(tmpdir(), 'memhp-module-build-slow-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe(`memhp_guest.ko against ${KVER}`, () => {
  it('builds, and modinfo shows probe0..probe7 and the release', () => {
    const tree = fetchedKernel(TREE);
    if (!tree.ok) throw new Error(`${tree.message} (${FETCH})`);
    const k = tree.value;
    const r = buildGuestModule({ headers: k.headersDir, ...(k.cc === undefined ? {} : { cc: k.cc }), makeArgs: k.makeArgs, outDir: out });
    if (!r.ok) throw new Error(r.message);
    expect(r.ko).toBe(join(out, 'memhp_guest.ko'));
    expect(existsSync(r.ko)).toBe(true);

    const info = spawnSync('modinfo', [r.ko], { encoding: 'utf8' });
    if (info.error !== undefined) throw new Error('modinfo not found on PATH (Debian: apt-get install kmod)');
    const params = [...info.stdout.matchAll(/^parm:\s+(\w+):/gm)].map((m) => m[1]).sort();
    expect(params).toEqual(['probe0', 'probe1', 'probe2', 'probe3', 'probe4', 'probe5', 'probe6', 'probe7']);
    expect(info.stdout).toMatch(new RegExp(`^vermagic:\\s+${KVER.replace(/\./g, '\\.')} `, 'm'));
    expect(info.stdout).toMatch(/^license:\s+GPL$/m);
  });
});
