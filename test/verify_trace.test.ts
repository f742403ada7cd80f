/**
 * Run directories memhp verify wrote on Debian's 6.1.0-56 and 7.3.4 kernels (examples/direct-calls.scn,
 * test/fixtures/verify/runs/): the trace reader turns the guest module's `lab_call/` lines back
 * into exactly the scenario's operations, and check compares every return, every pfn_valid /
 * pfn_to_online_page answer and every snapshot — and notices when one answer is changed.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../inputs/scenario.js';
import { readTrace } from '../inputs/trace/index.js';
import { traceToScenario } from '../inputs/trace/to_scenario.js';
import { createProfile } from '../kernel/profile.js';
import { cli } from './helpers/cli.js';

const RUNS = { '6.1.192': 'test/fixtures/verify/runs/6.1.0-56-amd64/direct_calls', '7.3.4': 'test/fixtures/verify/runs/7.3.4+deb13-amd64/direct_calls' } as const;
const RUN = RUNS['6.1.192'];
const tmp = mkdtempSync(join(tmpdir(), 'memhp-verify-trace-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(Object.entries(RUNS))('a verify run directory of %s', (kernel, run) => {
  it('reads back as the scenario it ran: the same operations, in order', () => {
    const doc = readTrace(readFileSync(join(run, 'trace.txt'), 'utf8'), 'trace.txt');
    expect(doc.ok).toBe(true);
    if (!doc.ok) return;
    const ts = traceToScenario(doc.value, 'trace.txt');
    expect(ts.ok).toBe(true);
    const scn = parseScenario(readFileSync('examples/direct-calls.scn', 'utf8'), 'direct-calls.scn', { geometry: createProfile().geometry });
    expect(scn.ok).toBe(true);
    if (!ts.ok || !scn.ok) return;
    expect(ts.value.scenario.steps.map((s) => s.op)).toEqual(scn.value.steps.map((s) => s.op));
    expect(ts.value.rets.map((r) => r.ret)).toEqual([0, 1, 0, null, 1, null, 0, null, 0, 0, null]);
  });

  it('checks with no mismatch, comparing the answers of pfn_valid and pfn_to_online_page', async () => {
    const r = await cli(['check', run, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { fieldsCompared: number; mismatches: unknown[]; kernel: string };
    expect(out.kernel).toBe(kernel);
    expect(out.mismatches).toEqual([]);
    expect(out.fieldsCompared).toBeGreaterThan(100);
  });

});

describe('a changed answer', () => {
  it('a changed pfn_valid answer is a value mismatch at its step', async () => {
    const dir = join(tmp, 'changed');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    for (const f of ['run.json', 'iomem-before.txt']) copyFileSync(join(RUN, f), join(dir, f));
    const text = readFileSync(join(RUN, 'trace.txt'), 'utf8');
    const i = text.indexOf('lab_call/pfn_valid_ret: ret=1');
    expect(i).toBeGreaterThan(0);
    writeFileSync(join(dir, 'trace.txt'), `${text.slice(0, i)}lab_call/pfn_valid_ret: ret=0${text.slice(i + 'lab_call/pfn_valid_ret: ret=1'.length)}`);
    const r = await cli(['check', dir, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { mismatches: Array<{ step: number; field: string; model: string; kernel: string }> };
    expect(out.mismatches).toEqual([expect.objectContaining({ step: 2, field: 'value', model: 'true', kernel: 'false' })]);
  });
});
