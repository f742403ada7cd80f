/**
 * What `memhp capture` and `memhp capture --script` (under busybox sh) wrote in QEMU guests of
 * Debian's 6.1.0-56 and 7.3.4+deb13 around `ndctl create-namespace -f -r region0 -s 512M -m devdax
 * -M mem -a 2M` on a labelled 1 GiB NVDIMM (test/capture_guest.slow.test.ts with
 * MEMHP_CAPTURE_KEEP; test/fixtures/capture/README.md), kept byte for byte:
 *
 *   before (sync)  ndctl: memremap_pages → __add_pages → move_pfn_range_to_zone   after (sync)
 *        ^                         ^ secstate on the return of __add_pages and memremap_pages
 *
 * Expect each run directory to check with 0 mismatches and more than 0 fields, every line read, the
 * section snapshots taken at both returns as well as at both syncs, and the Node and sh recorders
 * to give the same steps and the same comparison on each kernel.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from './helpers/cli.js';

const KERNELS = [
  ['6.1.0-56-amd64', '6.1.192'],
  ['7.3.4+deb13-amd64', '7.3.4'],
] as const;
type CheckJson = { kernel: string; steps: number; snapshots: number; sections: number; fieldsCompared: number; mismatches: unknown[]; unknownLines: number; malformedLines: number };

/** `memhp check DIR --json` of a fixture run. */
async function check(dir: string): Promise<{ code: number; stderr: string; json: CheckJson }> {
  const r = await cli(['check', dir, '--json']);
  return { code: r.code, stderr: r.stderr, json: JSON.parse(r.stdout) as CheckJson };
}

describe.each(KERNELS)('capture of ndctl create-namespace (devdax) on %s', (release, version) => {
  const dirs = ['devdax_node', 'devdax_script'].map((d) => join(ROOT, 'test/fixtures/capture', release, d));

  it.each(dirs.map((d) => [d.split('/').pop(), d]))('%s: checks with no mismatch, every line read', async (_name, dir) => {
    const r = await check(dir);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ kernel: version, mismatches: [], unknownLines: 0, malformedLines: 0, sections: 6 });
    expect(r.json.fieldsCompared).toBeGreaterThan(0);
    expect(r.json.steps).toBeGreaterThan(0);
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { exit: number; kernel_release: string; lost_events: number };
    expect(run).toMatchObject({ exit: 0, kernel_release: release, lost_events: 0 });
  });

  it('the sections are snapshotted at both syncs and on the return of __add_pages and memremap_pages', () => {
    for (const dir of dirs) {
      const sites = [...readFileSync(join(dir, 'trace.txt'), 'utf8').matchAll(/secstate\d+: \((?:\S+ <- (\w+)|(ksys_sync)\+\S+)\)/g)].map((m) => m[1] ?? m[2]);
      expect(sites.filter((s) => s === 'ksys_sync').length, dir).toBeGreaterThanOrEqual(2);
      expect(sites, dir).toContain('__add_pages');
      expect(sites, dir).toContain('memremap_pages');
    }
  });

  it('the Node recorder and the sh recorder give the same steps and the same comparison', async () => {
    const [a, b] = await Promise.all(dirs.map((d) => check(d)));
    expect({ ...a!.json, file: undefined }).toEqual({ ...b!.json, file: undefined });
  });
});
