/**
 * `memhp check RUN…`: several recorded runs of test/fixtures (traces, capture, formats, verify runs)
 * checked at once, in-process (--jobs 1) and on worker threads through the built CLI (bin/memhp.js:
 * the worker is dist/bundle/check_worker.js). Expect each row and each --json entry to be what
 * `memhp check RUN` says of that run alone, the order to be the order given (a corpus: sorted by
 * path) whatever the number of workers, and a damaged run to be its own row with a non-zero exit
 * without hiding the others.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CORPUS_DEPTH, runsOf } from '../cli/check_corpus.js';
import { checkRuns, scheduleOf } from '../cli/check_pool.js';
import { ROOT, cli, spawnCli } from './helpers/cli.js';

/** Real runs of several kinds: lab traces of three kernels, captures (two with mismatches), a formats run, a verify run. */
const RUNS = [
  'test/fixtures/traces/5.10.0-32-amd64/dimm_unaligned',
  'test/fixtures/traces/6.1.0-56-amd64/devdax_kmem',
  'test/fixtures/traces/7.3.4+deb13-amd64/sparse_add_beyond_maxphys',
  'test/fixtures/capture/6.1.0-56-amd64/pmem_rebind',
  'test/fixtures/capture/7.3.4+deb13-amd64/devdax_script',
  'test/fixtures/formats/6.1.0-56-amd64',
  'test/fixtures/verify/runs/7.3.4+deb13-amd64/direct_calls/trace.txt',
];

type Entry = { path: string; kernel: string; steps: number; sections: number; fieldsCompared: number; mismatches: unknown[]; error?: { code: string } };
type Many = { runs: Entry[]; total: { runs: number; agree: number; mismatched: number; errors: number; steps: number; fieldsCompared: number; mismatches: number }; status: number };

/** What `memhp check RUN --json` says of each run alone. */
const single = new Map<string, { code: number; json: Omit<Entry, 'path'> }>();

beforeAll(async () => {
  for (const r of RUNS) {
    const s = await cli(['check', r, '--json']);
    single.set(r, { code: s.code, json: JSON.parse(s.stdout) as Omit<Entry, 'path'> });
  }
});

/** A table row's cells. */
function cells(line: string): string[] {
  return line.trim().split(/\s{2,}/);
}

describe('check of several runs', () => {
  it('--json: each entry is the run\'s own check --json plus its path, in the order given, on 2 workers', () => {
    const r = spawnCli(['check', ...RUNS, '--json', '--jobs', '2']);
    const j = JSON.parse(r.stdout) as Many;
    expect(j.runs.map((e) => e.path)).toEqual(RUNS);
    for (const e of j.runs) expect(e).toEqual({ path: e.path, ...single.get(e.path)?.json });
    const alone = [...single.values()];
    expect(j.total).toEqual({
      runs: RUNS.length,
      agree: alone.filter((s) => s.json.mismatches.length === 0).length,
      mismatched: alone.filter((s) => s.json.mismatches.length > 0).length,
      errors: 0,
      steps: alone.reduce((a, s) => a + s.json.steps, 0),
      fieldsCompared: alone.reduce((a, s) => a + s.json.fieldsCompared, 0),
      mismatches: alone.reduce((a, s) => a + s.json.mismatches.length, 0),
    });
    // pmem_rebind differs from the model: the exit status is check's mismatch status.
    expect(j.total.mismatched).toBeGreaterThan(0);
    expect(j.status).toBe(1);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
  });

  it('the table: one row per run as check says it alone, then the total line; the same with --jobs 1, --jobs 2 and in-process', async () => {
    const two = spawnCli(['check', ...RUNS, '--jobs', '2']);
    const one = spawnCli(['check', ...RUNS, '--jobs', '1']);
    const inProcess = await cli(['check', ...RUNS, '--jobs', '1']);
    expect(one).toEqual(two);
    expect(inProcess).toEqual(two);
    const lines = two.stdout.trimEnd().split('\n');
    expect(cells(lines[0] ?? '')).toEqual(['run', 'kernel', 'steps', 'sections', 'fields', 'mismatches', 'verdict']);
    expect(lines).toHaveLength(RUNS.length + 2);
    RUNS.forEach((run, i) => {
      const s = single.get(run)!.json;
      const n = s.mismatches.length;
      expect(cells(lines[i + 1] ?? '')).toEqual([run, s.kernel, String(s.steps), String(s.sections), String(s.fieldsCompared), String(n), n === 0 ? 'agree' : `${n} mismatches`]);
    });
    expect(lines.at(-1)).toMatch(new RegExp(`^${RUNS.length} runs: \\d+ agree, 1 with mismatches, 0 errors; \\d+ steps, \\d+ fields compared, 17 mismatches$`));
  });

  it('the unbundled CLI (dist/cli/main.js, tsc output) starts its workers from dist/cli/check_worker.js and prints the same', () => {
    const r = spawnSync(process.execPath, ['dist/cli/main.js', 'check', ...RUNS, '--jobs', '2'], { cwd: ROOT, encoding: 'utf8' });
    expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual(spawnCli(['check', ...RUNS, '--jobs', '1']));
  });

  it('runs that all agree exit 0; one run alone prints exactly what it printed before', async () => {
    const agree = RUNS.filter((r) => single.get(r)!.code === 0);
    expect(spawnCli(['check', ...agree, '--jobs', '2']).code).toBe(0);
    const alone = await cli(['check', RUNS[1]!]);
    expect(alone.stdout).toMatch(/^memhp check test\/fixtures\/traces\/6.1.0-56-amd64\/devdax_kmem\/trace.txt — linux 6.1.192 /);
    expect(alone.stdout).toMatch(/\n20 steps, 10 snapshots, 6 sections, 269 fields compared, 0 mismatches\n$/);
  });

  it('an option no run could be checked with is one error, not a row each', async () => {
    const kernel = await cli(['check', ...RUNS, '--kernel', '9.9', '--jobs', '1']);
    expect(kernel).toMatchObject({ code: 2, stdout: '' });
    expect(kernel.stderr).toMatch(/^memhp: error\[E_PROFILE\]: kernel 9.9 is not a release memhp models[^\n]*\n  hint: [^\n]*\n$/);
    const paging = await cli(['check', ...RUNS, '--paging', '7', '--jobs', '1']);
    expect(paging).toMatchObject({ code: 2, stdout: '' });
    expect(paging.stderr).toMatch(/^memhp: error\[E_USAGE\]: --paging must be 4 or 5/);
  });

  it('--jobs takes a whole number ≥ 1', async () => {
    for (const bad of ['0', 'two', '-1', '1.5']) {
      const r = await cli(['check', ...RUNS.slice(0, 2), `--jobs=${bad}`]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/^memhp: error\[E_USAGE\]: --jobs takes a whole number/);
    }
  });

  it('any order of any runs gives the rows of that order, each as the run alone says it (fast-check, in-process)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(RUNS, { minLength: 2 }), async (runs) => {
        const r = await cli(['check', ...runs, '--json', '--jobs', '1']);
        const j = JSON.parse(r.stdout) as Many;
        expect(j.runs.map((e) => e.path)).toEqual(runs);
        for (const e of j.runs) expect(e).toEqual({ path: e.path, ...single.get(e.path)?.json });
        expect(r.code).toBe(runs.reduce((a, x) => Math.max(a, single.get(x)!.code), 0));
      }),
      { numRuns: 8 },
    );
  });
});

describe('the pool: one shared queue, largest trace first, this thread and jobs − 1 workers', () => {
  /** The worker tsc emits (dist/cli/): vitest runs cli/check_pool.ts from its source, which has none beside it. */
  const workerUrl = new URL('../dist/cli/check_worker.js', import.meta.url);
  const sizes = (paths: readonly string[]): number[] => scheduleOf(paths).map(([i]) => statSync(traceOf(paths[i]!)).size);
  const traceOf = (run: string): string => (run.endsWith('.txt') ? run : join(run, 'trace.txt'));

  it('scheduleOf: every run once, with its index, the largest trace first, ties in the order given', () => {
    const all = runsOf(['test/fixtures/traces', 'test/fixtures/capture']).runs;
    const doubled = [...all, ...all, 'no-such-run'];
    const order = scheduleOf(doubled);
    expect(order.map(([i]) => i).sort((a, b) => a - b)).toEqual(doubled.map((_, i) => i));
    for (const [i, p] of order) expect(p).toBe(doubled[i]);
    const s = sizes(doubled.slice(0, -1));
    expect(s).toEqual([...s].sort((a, b) => b - a));
    // A run that cannot be read sorts last (size 0); equal sizes keep the order given.
    expect(order.at(-1)).toEqual([doubled.length - 1, 'no-such-run']);
    const firstOf = (i: number): number => order.findIndex(([k]) => k === i);
    for (let i = 0; i < all.length; i++) expect(firstOf(i)).toBeLessThan(firstOf(i + all.length));
  });

  it('the same outcomes in the order given with 1, 2 and 3 jobs and on workers alone, onDone counting every run', async () => {
    const runs = [...RUNS, join(ROOT, 'no-such-run'), ...RUNS.slice(0, 3)];
    const one = await checkRuns(runs, {}, { jobs: 1, color: false });
    expect(one.map((o) => o.path)).toEqual(runs);
    expect(one[RUNS.length]).toMatchObject({ json: null, error: { code: 'E_IO' }, status: 2 });
    for (const jobs of [2, 3]) {
      const counts: number[] = [];
      const got = await checkRuns(runs, {}, { jobs, color: false, workerUrl, onDone: (n) => counts.push(n) });
      expect(got, `${jobs} jobs`).toEqual(one);
      expect(counts).toEqual(runs.map((_, i) => i + 1));
    }
    for (const jobs of [1, 2]) expect(await checkRuns(runs, {}, { jobs, workersOnly: true, color: false, workerUrl }), `${jobs} workers alone`).toEqual(one);
  });

  it('a worker entry that is missing is an E_IO error; one that fails rejects, whatever this thread was doing', async () => {
    await expect(checkRuns(RUNS, {}, { jobs: 2, color: false, workerUrl: new URL('./no-such-worker.js', workerUrl) })).rejects.toMatchObject({ code: 'E_IO' });
    const dir = mkdtempSync(join(tmpdir(), 'memhp-check-pool-'));
    try {
      writeFileSync(join(dir, 'bad_worker.mjs'), "throw new Error('the worker failed');\n");
      await expect(checkRuns(RUNS, {}, { jobs: 2, color: false, workerUrl: pathToFileURL(join(dir, 'bad_worker.mjs')) })).rejects.toThrow('the worker failed');
      await expect(checkRuns(RUNS, {}, { jobs: 2, workersOnly: true, color: false, workerUrl: pathToFileURL(join(dir, 'bad_worker.mjs')) })).rejects.toThrow('the worker failed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('check of a corpus (a directory of run directories)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'memhp-check-many-'));
    // Runs two and three levels down, a damaged one, and one deeper than the search goes.
    cpSync('test/fixtures/traces/6.1.0-56-amd64/devdax_kmem', join(dir, '6.1.0-56-amd64/devdax_kmem'), { recursive: true });
    cpSync('test/fixtures/traces/6.1.0-56-amd64/dimm_unaligned', join(dir, '6.1.0-56-amd64/dimm_unaligned'), { recursive: true });
    cpSync('test/fixtures/capture/7.3.4+deb13-amd64/devdax_node', join(dir, 'capture/7.3.4+deb13-amd64/devdax_node'), { recursive: true });
    writeFileSync(join(dir, '6.1.0-56-amd64/dimm_unaligned/trace.txt'), '');
    const deep = join(dir, ...Array.from({ length: MAX_CORPUS_DEPTH }, (_, i) => `d${i}`), 'run');
    mkdirSync(deep, { recursive: true });
    cpSync('test/fixtures/traces/6.1.0-56-amd64/devdax_kmem/trace.txt', join(deep, 'trace.txt'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the run directories to the depth limit, sorted by path', () => {
    expect(runsOf([dir])).toEqual({
      runs: ['6.1.0-56-amd64/devdax_kmem', '6.1.0-56-amd64/dimm_unaligned', 'capture/7.3.4+deb13-amd64/devdax_node'].map((r) => join(dir, r)),
      corpus: true,
    });
    // A run directory is one run, and its own subdirectories are not searched.
    expect(runsOf([join(dir, '6.1.0-56-amd64/devdax_kmem')])).toEqual({ runs: [join(dir, '6.1.0-56-amd64/devdax_kmem')], corpus: false });
    expect(runsOf(['test/fixtures/capture']).runs).toEqual(['6.1.0-56-amd64/devdax_node', '6.1.0-56-amd64/devdax_script', '6.1.0-56-amd64/pmem_rebind', '6.1.0-56-amd64/pmem_rebind_node', '7.3.4+deb13-amd64/devdax_node', '7.3.4+deb13-amd64/devdax_script'].map((r) => `test/fixtures/capture/${r}`));
  });

  it('a damaged run is its own row and its usual error line, the others are checked, the exit is non-zero', () => {
    const r = spawnCli(['check', dir, '--jobs', '2']);
    expect(r.code).toBe(2);
    const rows = r.stdout.trimEnd().split('\n').slice(1, -1).map(cells);
    expect(rows.map((c) => [c[0], c.at(-1)])).toEqual([
      [join(dir, '6.1.0-56-amd64/devdax_kmem'), 'agree'],
      [join(dir, '6.1.0-56-amd64/dimm_unaligned'), 'error[E_PARSE]'],
      [join(dir, 'capture/7.3.4+deb13-amd64/devdax_node'), 'agree'],
    ]);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^3 runs: 2 agree, 0 with mismatches, 1 error; /);
    const alone = spawnCli(['check', join(dir, '6.1.0-56-amd64/dimm_unaligned')]);
    expect(alone.code).toBe(2);
    expect(r.stderr).toBe(alone.stderr);
    expect(r.stderr).toMatch(/dimm_unaligned\/trace.txt:1: error\[E_PARSE\]: /);

    const j = JSON.parse(spawnCli(['check', dir, '--json']).stdout) as Many;
    expect(j.status).toBe(2);
    expect(j.runs[1]).toMatchObject({ path: join(dir, '6.1.0-56-amd64/dimm_unaligned'), error: { code: 'E_PARSE', errors: [{ code: 'E_PARSE', line: 1 }] } });
    expect(j.total).toMatchObject({ runs: 3, agree: 2, errors: 1 });
  });

  it('a missing run among others is an E_IO row', async () => {
    const r = await cli(['check', RUNS[1]!, join(dir, 'no-such-run'), '--jobs', '1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/no-such-run\s+-\s+-\s+-\s+-\s+-\s+error\[E_IO\]\n/);
    expect(r.stderr).toMatch(/^memhp: error\[E_IO\]: cannot read .*no-such-run/);
  });
});

// script(1) (util-linux) runs the binary on a pseudo-terminal: stderr is a TTY there.
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!hasScript)('check of several runs on a terminal (script -qfc)', () => {
  const agree = RUNS.filter((r) => !r.includes('pmem_rebind'));
  /** What the terminal showed for `memhp check RUNS ARGS`, the bar's delay at 0, stdout to /dev/null. */
  const onTty = (args: string): string => {
    const r = spawnSync('script', ['-qfec', `node bin/memhp.js check ${agree.join(' ')} ${args} > /dev/null`, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, MEMHP_PROGRESS_AFTER_MS: '0' } });
    expect(r.status, r.stdout).toBe(0);
    return r.stdout;
  };

  it('draws a bar of the runs checked, then erases it; never with --json', () => {
    const out = onTty('--jobs 2');
    expect(out).toMatch(new RegExp(`memhp: checking ${agree.length} runs \\[[=-]+\\] \\d+% \\d+/${agree.length} runs`));
    expect(out.slice(out.lastIndexOf('\u001b[2K') + 4)).not.toContain('memhp: checking');
    expect(onTty('--jobs 2 --json')).not.toContain('memhp: checking');
  });
});
