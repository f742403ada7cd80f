/**
 * `memhp capture` on a real kernel, as a user runs it: a QEMU guest of the verify test bed whose
 * userland is the host's root (verify/host_root_guest.ts: this checkout's bin/memhp.js with the
 * host's node, ndctl and busybox) on Debian's 6.1.0-56 (CI fetches it to .kernels/; set
 * MEMHP_CAPTURE_KERNEL_DIR to another fetched tree, e.g. 7.3.4+deb13, to run it there), with a
 * labelled 1 GiB NVDIMM at 4 GiB (sections 32..39). MEMHP_CAPTURE_KEEP=DIR keeps what the guest wrote.
 *
 *   guest:  memhp capture -o $OUT/node --sections 31-36 -- ndctl create-namespace … -m devdax -M mem
 *           ndctl destroy-namespace -f all
 *           memhp capture --script --running --sections 31-36 > capture.sh
 *           busybox sh capture.sh -o $OUT/script -- ndctl create-namespace … (the same)
 *   host:   memhp check $OUT/node, memhp check $OUT/script
 *
 * Expect each directory to check with 0 mismatches and more than 0 fields compared, every step
 * and snapshot read (no unknown or malformed line, nothing on stderr), and the guest's tracefs
 * left as it was found: no kprobe definition, no instance.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchedKernel } from '../verify/environment.js';
import { NVDIMM_MACHINE, runHostRootGuest } from '../verify/host_root_guest.js';
import { findOnPath } from '../verify/path_lookup.js';
import { FORMATS_MODULES } from '../verify/record_formats.js';
import { cli, ROOT } from './helpers/cli.js';
import { testKernelTree } from './helpers/kernel_tree.js';

const TREE = process.env.MEMHP_CAPTURE_KERNEL_DIR ?? testKernelTree();
const NAMESPACE = 'ndctl create-namespace -f -r region0 -s 512M -m devdax -M mem -a 2M';
const SECTIONS = '31-36';

/** The guest's script: the Node recorder, then the sh recorder, each around the same ndctl call. */
function guestScript(node: string): string {
  return [
    'set -u',
    `cd '${ROOT}'`,
    'T=/sys/kernel/tracing',
    // A labelled DIMM (ndctl can size namespaces), hot-added memory left offline (7.3 auto-onlines).
    'ndctl disable-region all && ndctl init-labels -f all && ndctl enable-region all',
    'echo offline > /sys/devices/system/memory/auto_online_blocks',
    `'${node}' bin/memhp.js capture -o $OUT/node --sections ${SECTIONS} -- ${NAMESPACE} > $OUT/node.out 2> $OUT/node.err; echo rc=$? >> $OUT/node.err`,
    'ndctl destroy-namespace -f all > /dev/null 2>&1',
    `'${node}' bin/memhp.js capture --script --running --sections ${SECTIONS} > $OUT/capture.sh 2> $OUT/script-gen.err; echo rc=$? >> $OUT/script-gen.err`,
    `busybox sh $OUT/capture.sh -o $OUT/script -- ${NAMESPACE} > $OUT/script.out 2> $OUT/script.err; echo rc=$? >> $OUT/script.err`,
    'ndctl destroy-namespace -f all > /dev/null 2>&1',
    'cat $T/kprobe_events > $OUT/kprobe_events.after',
    'ls $T/instances > $OUT/instances.after',
    '',
  ].join('\n');
}

type CheckJson = { steps: number; snapshots: number; fieldsCompared: number; mismatches: unknown[]; unknownLines: number; malformedLines: number };

// MEMHP_CAPTURE_KEEP=DIR keeps the guest's output there (the run directories, capture.sh, the logs).
const keep = process.env.MEMHP_CAPTURE_KEEP;
const out = keep ?? mkdtempSync(join(tmpdir(), 'memhp-capture-guest-'));
afterAll(() => {
  if (keep === undefined) rmSync(out, { recursive: true, force: true });
});

beforeAll(async () => {
  const kernel = fetchedKernel(TREE);
  if (!kernel.ok) throw new Error(kernel.message);
  const busybox = findOnPath('busybox');
  if (busybox === null) throw new Error('busybox not found on PATH (Debian: apt-get install busybox-static)');
  const r = await runHostRootGuest({ kernel: kernel.value, machine: NVDIMM_MACHINE, modules: FORMATS_MODULES, script: guestScript(process.execPath), outDir: out, timeoutS: 600, busybox, shared: [ROOT] });
  if (!r.ok) throw new Error(r.message);
  if (r.value.scriptStatus === null) throw new Error(`the guest ended before its script did: ${r.value.run.lastLines.slice(-5).join(' | ')}`);
}, 700_000);

/** `memhp check DIR --json`, with its stderr and exit code. */
async function check(dir: string): Promise<{ code: number; stderr: string; json: CheckJson }> {
  const r = await cli(['check', dir, '--json']);
  return { code: r.code, stderr: r.stderr, json: JSON.parse(r.stdout) as CheckJson };
}

function expectClean(r: { code: number; stderr: string; json: CheckJson }): void {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.json.mismatches).toEqual([]);
  expect(r.json.fieldsCompared).toBeGreaterThan(0);
  expect(r.json.steps).toBeGreaterThan(0);
  expect(r.json.snapshots).toBeGreaterThanOrEqual(2);
  expect([r.json.unknownLines, r.json.malformedLines]).toEqual([0, 0]);
}

describe(`memhp capture in a guest on ${TREE.split('/').pop()}`, () => {
  it('capture -- ndctl create-namespace: the directory checks with no mismatch', async () => {
    expect(readFileSync(join(out, 'node.err'), 'utf8')).toMatch(/rc=0\s*$/);
    expectClean(await check(join(out, 'node')));
  });

  it('capture --script run by busybox sh: the directory checks with no mismatch', async () => {
    expect(readFileSync(join(out, 'script-gen.err'), 'utf8')).toBe('rc=0\n');
    expect(readFileSync(join(out, 'script.err'), 'utf8')).toMatch(/rc=0\s*$/);
    expectClean(await check(join(out, 'script')));
  });

  it('the same steps from both recorders, and tracefs left clean (no kprobe definition, no instance)', async () => {
    const [a, b] = await Promise.all([check(join(out, 'node')), check(join(out, 'script'))]);
    expect(a.json.steps).toBe(b.json.steps);
    expect(readFileSync(join(out, 'kprobe_events.after'), 'utf8')).toBe('');
    expect(readFileSync(join(out, 'instances.after'), 'utf8')).toBe('');
  });
});
