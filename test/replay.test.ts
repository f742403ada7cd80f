/**
 * A recorded kernel trace as input: `memhp replay TRACE` gives the same time-travel log `memhp run`
 * gives a scenario, and state / diff / run take the trace too (issue: replay real traces).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT as ROOT_DIR, cli } from './helpers/cli.js';
import { TRACES } from './helpers/traces.js';

/** The recorded traces (test/fixtures/traces). */
const ROOT = TRACES;
const RUN = `${ROOT}/6.1.0-56-amd64/sparse_error_paths`;

describe('memhp replay TRACE', () => {
  it('turns the 6.1.192 sparse_error_paths trace into steps labelled with the LAB_STEP text, under the recording kernel', async () => {
    const r = await cli(['replay', RUN]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('linux 6.1.192 x86_64');
    // The LAB_STEP label heads its steps; the row shows the operation with its arguments.
    expect(r.stdout).toMatch(/^── E1: __add_pages with a span that is not sub-section aligned.*\n\[step \d+ trace\.txt:\d+\] +__add_pages nid=0 pfn=0x40100 nr_pages=0x100 +-EINVAL +1 /m);
    expect(r.stdout).toContain('WARNING WARN __add_pages (mm/memory_hotplug.c): Misaligned __add_pages start: 0x40100 end: #401ff');
  });

  it('state and diff take the trace too: section 8 after pmem A is mapped carries the ZONE_DEVICE taint', async () => {
    const s = await cli(['state', RUN, '--at', '2', '--section', '8', '--json']);
    const j = JSON.parse(s.stdout) as { sections: Array<{ nr: number; flags: string; subsection_map: string[] }> };
    expect(j.sections).toEqual([expect.objectContaining({ nr: 8, flags: 'PRESENT|HAS_MEM_MAP|ONLINE|EARLY|TAINT_ZONE_DEVICE', subsection_map: ['0xffffffffffffffff'] })]);
    const d = await cli(['diff', RUN, '0', '2']);
    expect(d.stdout).toContain('section 8: early.boot → early.grown; flags +TAINT_ZONE_DEVICE; bits +0-31');
  });

  it('refuses a scenario file with a hint to use run (exit 2)', async () => {
    const r = await cli(['replay', 'examples/partial-cycle.scn']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('examples/partial-cycle.scn is not a recorded trace');
  });

  it('a reader that closes the pipe early ends the process quietly (EPIPE)', () => {
    // 3000 query rows (~300 KB) overflow the pipe, so `head -1` closes it while memhp still writes.
    const dir = mkdtempSync(join(tmpdir(), 'memhp-pipe-'));
    const file = join(dir, 'big.scn');
    writeFileSync(file, `ram 0x100000000 1G\n${'pfn_valid pfn=0x100000\n'.repeat(3000)}`);
    const r = spawnSync('bash', ['-c', `set -o pipefail; node ${ROOT_DIR}bin/memhp.js run ${file} | head -1`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^memhp run /);
  });
});
