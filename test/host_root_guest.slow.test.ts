/**
 * verify/host_root_guest.ts booting the real Debian 6.1 kernel (`.kernels/6.1.0-56-amd64`, fetched
 * by test/helpers/kernel_tree.ts when missing) on the NVDIMM machine: the guest runs the host's
 * own `uname -r` and `ndctl list -R` from the host root over 9p, and the output share gets their
 * output and the script's exit status; a failing script's status comes back too.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fetchedKernel } from '../verify/environment.js';
import { NVDIMM_MACHINE, runHostRootGuest } from '../verify/host_root_guest.js';
import { findOnPath } from '../verify/path_lookup.js';
import { TEST_KVER, testKernelTree } from './helpers/kernel_tree.js';

const KERNEL = fetchedKernel(testKernelTree());
if (!KERNEL.ok) throw new Error(KERNEL.message);
const BUSYBOX = findOnPath('busybox');
if (BUSYBOX === null) throw new Error('busybox not found on PATH (Debian: apt-get install busybox-static)');
const NDCTL = findOnPath('ndctl');
const work = mkdtempSync(join(tmpdir(), 'memhp-host-root-slow-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(NDCTL === null)('a host-root guest on Debian 6.1 (needs ndctl on the host: apt-get install ndctl)', () => {
  it('runs uname -r and ndctl list -R of the host root and returns their output and status', async () => {
    const out = join(work, 'ok');
    const r = await runHostRootGuest({
      kernel: KERNEL.value,
      machine: NVDIMM_MACHINE,
      modules: ['nfit', 'libnvdimm', 'nd_pmem'],
      script: 'uname -r > $OUT/uname.txt\nndctl list -R > $OUT/regions.json\necho "ndctl $?"\nexit 3\n',
      outDir: out,
      timeoutS: 600,
      busybox: BUSYBOX,
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.value.run.completed).toBe(true);
    expect(r.value.scriptStatus).toBe(3);
    expect(r.value.log).toBe('ndctl 0\n');
    expect(readFileSync(join(out, 'uname.txt'), 'utf8')).toBe(`${TEST_KVER}\n`);
    const regions = JSON.parse(readFileSync(join(out, 'regions.json'), 'utf8')) as { dev: string; size: number; type: string }[];
    // The labelled 1 GiB DIMM: one pmem region, its size the DIMM less the 128 KiB label area.
    expect(regions).toHaveLength(1);
    expect(regions[0]).toMatchObject({ dev: 'region0', type: 'pmem', size: 1073610752 });
  }, 900_000);
});
