/**
 * One session recorded by the real tools (test/fixtures/formats/<kernel>/, recorded in QEMU guests
 * by scripts/record-trace-formats.mjs: tracefs trace and trace_pipe, trace-cmd report with its
 * time stamp options, perf script of perf probe events): every format file of every kernel gives
 * the same steps (operation and arguments) as that kernel's tracefs trace.txt, the same number of
 * snapshots, and a check that compares fields and finds no mismatch.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectDialect } from '../inputs/trace/dialect.js';
import { readTrace } from '../inputs/trace/index.js';
import { kernelForRelease, traceToScenario } from '../inputs/trace/to_scenario.js';
import { cli } from './helpers/cli.js';

const FORMATS = fileURLToPath(new URL('./fixtures/formats', import.meta.url));
/** The files of a kernel's directory that are traces, and the tool that printed each. */
const FORMAT_FILE_RE = /^(trace_pipe|trace-cmd-report.*|perf-script.*)\.txt$/;
const kernels = existsSync(FORMATS) ? readdirSync(FORMATS).filter((k) => statSync(`${FORMATS}/${k}`).isDirectory() && existsSync(`${FORMATS}/${k}/trace.txt`)) : [];

function steps(file: string): unknown[] {
  const doc = readTrace(readFileSync(file, 'utf8'), file);
  if (!doc.ok) throw new Error(`${file}: unreadable`);
  const ts = traceToScenario(doc.value, file);
  if (!ts.ok) throw new Error(`${file}: untranslatable`);
  return ts.value.scenario.steps.map((s) => s.op);
}

interface CheckJson {
  steps: number;
  snapshots: number;
  fieldsCompared: number;
  unknownLines: number;
  malformedLines: number;
  mismatches: unknown[];
}

async function check(file: string, kernel: string): Promise<CheckJson> {
  const r = await cli(['check', file, '--kernel', kernel, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as CheckJson;
}

describe.skipIf(kernels.length === 0)('the real tools\' outputs of one session check like its tracefs trace', () => {
  for (const kver of kernels) {
    const dir = `${FORMATS}/${kver}`;
    const kernel = kernelForRelease(kver) ?? kver;
    const files = readdirSync(dir).filter((f) => FORMAT_FILE_RE.test(f)).sort();
    it(`${kver}: trace.txt compares fields and finds no mismatch`, async () => {
      const ref = await check(`${dir}/trace.txt`, kernel);
      expect(ref.steps).toBeGreaterThan(0);
      expect(ref.fieldsCompared).toBeGreaterThan(0);
      expect(ref.mismatches).toEqual([]);
    });
    for (const f of files) {
      it(`${kver}/${f}: ${f.startsWith('perf') ? 'perf' : f.startsWith('trace-cmd') ? 'trace-cmd' : 'ftrace'} dialect, the same steps and snapshots, no mismatch`, async () => {
        const text = readFileSync(`${dir}/${f}`, 'utf8');
        expect(detectDialect(text.split('\n'))).toBe(f.startsWith('perf') ? 'perf' : f.startsWith('trace-cmd') ? 'trace-cmd' : 'ftrace');
        expect(steps(`${dir}/${f}`)).toEqual(steps(`${dir}/trace.txt`));
        const ref = await check(`${dir}/trace.txt`, kernel);
        const j = await check(`${dir}/${f}`, kernel);
        expect(j.steps).toBe(ref.steps);
        expect(j.snapshots).toBe(ref.snapshots);
        expect(j.fieldsCompared).toBeGreaterThan(0);
        expect(j.mismatches).toEqual([]);
        expect(j.malformedLines).toBe(0);
        expect(j.unknownLines).toBe(0);
      });
    }
  }
});
