/**
 * The fuzz harness (fuzz/, `npm run fuzz`): a planted bug is classified as the crash, hang or
 * wrong answer it is; a short fixed-seed run over every reader finds no crash, hang or wrong
 * result and reaches both `ok` and `clean error`; a forged log verifies as unchanged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../fuzz/corpus.js';
import { runFuzz } from '../fuzz/engine.js';
import type { ReaderReport } from '../fuzz/engine.js';
import { forgeLog } from '../fuzz/forge.js';
import { applySteps, parseSteps } from '../fuzz/mutate.js';
import { READER_NAMES, makeReader } from '../fuzz/readers/index.js';
import type { Reader } from '../fuzz/types.js';
import { readLogLines, textLines } from '../log/logfile.js';
import { cli } from './helpers/cli.js';

const OUT = mkdtempSync(join(tmpdir(), 'memhp-fuzz-test-'));
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

/** A CLI with planted bugs, as a module the workers import: argv[0] says what to do. */
const PLANTED = `data:text/javascript,${encodeURIComponent(`
export async function runCli(argv, io) {
  switch (argv[0]) {
    case 'ok': io.out('fine\\n'); return 0;
    case 'clean': io.err('memhp: error[E_USAGE]: planted\\n  hint: none\\n'); return 2;
    case 'throw': throw new Error('planted bug');
    case 'loop': for (;;) {}
    case 'exit70': io.err('memhp: error[E_INTERNAL]: internal error (a bug in memhp, please report it):\\nError: x\\n    at f (x.js:1:2)\\n'); return 70;
    case 'alloc': { const a = []; for (;;) a.push(new Array(1e6).fill(1)); }
    case 'flaky': io.out(String(Math.random())); return 0;
  }
  return 3;
}`)}`;

/** A reader whose n-th case runs the planted command WORDS[n]. */
function plantedReader(words: readonly string[]): Reader {
  let n = 0;
  return {
    name: 'planted',
    draw: () => ({ base: n++ % words.length, steps: [], variant: 0 }),
    materialize: (c) => ({ label: words[c.base] ?? '', files: [], run: { kind: 'cli', argv: [words[c.base] ?? ''], oracle: 'none' } }),
  };
}

describe('fuzz harness self-test', () => {
  it('classifies planted bugs: a throw, exit 70, an unbounded allocation are crashes, a loop is a hang, a changing output is wrong', async () => {
    // flaky is case 4: one case in four is run twice to compare.
    const words = ['ok', 'clean', 'throw', 'loop', 'flaky', 'exit70', 'alloc', 'bogus'];
    const [r] = await runFuzz([plantedReader(words)], { count: words.length, seed: 1, timeoutMs: 3000, binarySample: 0, outDir: join(OUT, 'planted'), expectViewerHardening: true, bin: '', entry: PLANTED, heapMb: 64 });
    const cls = Object.fromEntries(r?.failures.map((f) => [f.label, f.verdict.cls]) ?? []);
    expect(cls).toEqual({ throw: 'crash', loop: 'hang', exit70: 'crash', alloc: 'crash', flaky: 'wrong', bogus: 'crash' });
    expect(r?.counts).toMatchObject({ ok: 1, 'clean error': 1, crash: 4, hang: 1, wrong: 1 });
  });

  it('forgeLog re-chains an edited log so it verifies as an unchanged one', async () => {
    const log = join(OUT, 'seed.memhp');
    expect((await cli(['record', join(ROOT, 'examples/partial-cycle.scn'), '--format', '2', '-o', log])).code).toBe(0);
    const text = readFileSync(log, 'utf8');
    const forged = forgeLog(text, (lines) => {
      const rec = lines[2] as { text: string };
      rec.text = 'forged';
    });
    expect(forged).not.toBe(text);
    const r = readLogLines(textLines(forged), 'forged.memhp');
    expect(r.ok && r.value.damage).toBe(null);
    expect(r.ok && r.value.log.step(1).text).toBe('forged');
    expect(forgeLog(text, () => undefined)).toBe(text);
  });

  it('mutations are deterministic and replayable from their description', () => {
    const input = readFileSync(join(ROOT, 'examples/partial-cycle.scn'));
    const steps = parseSteps('flip@1 long-line@2 number@3 repeat-line@4 bad-utf8@5');
    expect(applySteps(input, steps, [input]).equals(applySteps(input, steps, [input]))).toBe(true);
    expect(applySteps(input, steps, [input]).equals(input)).toBe(false);
  });
});

describe('fuzz short run', () => {
  it('500 inputs per reader (seed 12): no crash, no hang, no wrong result; every reader reaches ok and clean error', async () => {
    const ctx = { root: ROOT, baseDir: join(OUT, 'base'), limits: { longLine: 20_000, repeat: 1000 }, small: true };
    const readers = await Promise.all(READER_NAMES.map((n) => makeReader(n, ctx)));
    // One worker: vitest runs the other test files (the browser's among them) on the other core.
    const reports: ReaderReport[] = await runFuzz(readers, { count: 500, seed: 12, timeoutMs: 20_000, binarySample: 0, outDir: join(OUT, 'short'), expectViewerHardening: true, bin: join(ROOT, 'bin/memhp.js'), poolSize: 1 });
    const summary = reports.map((r) => ({ reader: r.reader, ...r.counts, failures: r.failures.slice(0, 3).map((f) => `${f.label} ${f.mutation}: ${f.command}: ${f.verdict.cls}: ${f.verdict.why}`) }));
    // Every reader's failures at once (the other readers' results are not hidden by the first).
    expect(summary.filter((r) => r.crash + r.hang + r.wrong > 0 || r.ok === 0 || r['clean error'] === 0)).toEqual([]);
  }, 300_000);
});
