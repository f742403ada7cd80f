/**
 * The fuzz loop: draw every reader's cases from the seed, run each through a worker pool under a
 * watchdog, classify it (fuzz/classify.ts), apply the oracles (a failed `record` leaves nothing,
 * a recorded log prints, the same input gives the same output twice, a flipped log is detected),
 * minimize each failure by dropping mutation steps, and save the failing inputs.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mulberry32 } from '../verify/prng.js';
import { runBinary } from './binary.js';
import { CLASSES, classifyCli, classifyViewer, firstLine } from './classify.js';
import type { FuzzClass, Verdict } from './classify.js';
import { describeSteps } from './mutate.js';
import { createPool } from './pool.js';
import type { Pool } from './pool.js';
import type { FuzzCase, Materialized, Reader } from './types.js';
import type { CliResult } from './worker.js';

/** Options of a fuzz run. */
export interface FuzzOptions {
  readonly count: number;
  readonly seed: number;
  readonly timeoutMs: number;
  /** Cases per reader also run through the binary. */
  readonly binarySample: number;
  readonly outDir: string;
  readonly expectViewerHardening: boolean;
  /** The binary (bin/memhp.js). */
  readonly bin: string;
  /** A module exporting runCli (default: dist/cli/app.js); the self-test plants a buggy one. */
  readonly entry?: string;
  readonly poolSize?: number;
  readonly heapMb?: number;
  /** Progress lines (none by default). */
  readonly progress?: (line: string) => void;
}

/** A failure, minimized: what to run to see it again. */
export interface Failure {
  readonly reader: string;
  readonly index: number;
  readonly label: string;
  readonly mutation: string;
  readonly command: string;
  readonly verdict: Verdict;
  readonly binary: boolean;
  /** Where its input was saved. */
  readonly saved: string;
}

/** One reader's results. */
export interface ReaderReport {
  readonly reader: string;
  readonly counts: Record<FuzzClass, number>;
  readonly binary: Record<FuzzClass, number>;
  readonly ms: number;
  readonly failures: Failure[];
}

/** Run `opts.count` cases of each reader. */
export async function runFuzz(readers: readonly Reader[], opts: FuzzOptions): Promise<ReaderReport[]> {
  const pool = createPool({ size: opts.poolSize ?? 2, heapMb: opts.heapMb ?? 1024 });
  const work = join(opts.outDir, 'work');
  try {
    const reports: ReaderReport[] = [];
    for (const reader of readers) reports.push(await fuzzReader(reader, pool, work, opts));
    return reports;
  } finally {
    await pool.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Seed of a reader's case stream: the run's seed mixed with the reader's name. */
export function readerSeed(seed: number, name: string): number {
  return (seed ^ createHash('sha256').update(name).digest().readUInt32LE(0)) >>> 0;
}

// --- internal ---

async function fuzzReader(reader: Reader, pool: Pool, work: string, opts: FuzzOptions): Promise<ReaderReport> {
  const rng = mulberry32(readerSeed(opts.seed, reader.name));
  const cases: FuzzCase[] = Array.from({ length: opts.count }, (_, index) => ({ reader: reader.name, index, ...reader.draw(rng) }));
  const report: ReaderReport = { reader: reader.name, counts: zero(), binary: zero(), ms: 0, failures: [] };
  const t0 = performance.now();
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    for (let c = cases[next++]; c !== undefined; c = cases[next++]) {
      const dir = join(work, `${reader.name}-${c.index}`);
      const r = await runCase(reader, c, dir, pool, opts);
      report.counts[r.verdict.cls]++;
      if (isFailure(r.verdict)) report.failures.push(await minimize(reader, c, r, pool, opts, work, false));
      if (c.index < opts.binarySample && r.m.run.kind === 'cli') {
        const b = await runCaseBinary(reader, c, dir, opts);
        report.binary[b.verdict.cls]++;
        if (isFailure(b.verdict)) report.failures.push(save(reader, c, b, opts, true));
      }
      rmSync(dir, { recursive: true, force: true });
      if (++done % 100 === 0) opts.progress?.(`${reader.name}: ${done}/${cases.length}`);
    }
  };
  await Promise.all(Array.from({ length: opts.poolSize ?? 2 }, lane));
  report.failures.sort((a, b) => a.index - b.index);
  return { ...report, ms: performance.now() - t0 };
}

interface CaseRun {
  readonly m: Materialized;
  readonly verdict: Verdict;
  readonly dir: string;
}

/** Write a case's files and run it, with its oracles. */
async function runCase(reader: Reader, c: FuzzCase, dir: string, pool: Pool, opts: FuzzOptions): Promise<CaseRun> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const m = reader.materialize(c, dir);
  for (const f of m.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.bytes);
  }
  if (m.run.kind === 'viewer') {
    const o = await pool.run({ kind: 'viewer', input: m.run.input, request: m.run.request, timeoutMs: Math.min(5000, opts.timeoutMs / 2) }, opts.timeoutMs);
    return { m, dir, verdict: classifyViewer(o, m.run.request, { expectHardening: opts.expectViewerHardening }) };
  }
  const before = listing(dir);
  const cli = (argv: readonly string[]) => pool.run({ kind: 'cli', argv, ...(opts.entry === undefined ? {} : { entry: opts.entry }) }, opts.timeoutMs);
  const o = await cli(m.run.argv);
  const verdict = classifyCli(o);
  if (isFailure(verdict) || o.status !== 'done') return { m, dir, verdict };
  const r = o.result as CliResult;
  const wrong = (why: string): CaseRun => ({ m, dir, verdict: { cls: 'wrong', why, code: r.code } });
  if (m.run.oracle === 'detect' && r.code === 0 && !/warning|error/.test(r.stderr)) return wrong('a log with a flipped bit was read without a warning (exit 0)');
  if (m.run.oracle === 'clobber') {
    const changed = m.files.find((f) => !existsSync(join(dir, f.path)) || !readFileSync(join(dir, f.path)).equals(f.bytes));
    if (changed) return wrong(`record -o over its input (exit ${r.code}) changed ${changed.path}`);
  }
  const out = join(dir, 'out.memhp');
  if (m.run.oracle === 'record') {
    if (r.code !== 0 && r.code !== 1) {
      const left = listing(dir).filter((f) => !before.includes(f));
      if (left.length) return wrong(`a failed record (exit ${r.code}) left ${left.join(', ')}`);
    } else {
      const p = classifyCli(await cli(['print', out, '--section', '0']));
      if (p.cls !== 'ok' || p.code !== 0) return wrong(`the log recorded with exit ${r.code} does not print: ${p.cls}: ${p.why}`);
    }
  }
  // Determinism: every record, and one case in four of the others.
  if (m.run.oracle === 'record' || c.index % 4 === 0) {
    const first = existsSync(out) ? readFileSync(out) : null;
    if (first) renameSync(out, `${out}.first`);
    const o2 = await cli(m.run.argv);
    if (o2.status !== 'done') return { m, dir, verdict: classifyCli(o2) };
    const r2 = o2.result as CliResult;
    if (r2.code !== r.code) return wrong(`run twice: exit ${r.code}, then ${r2.code}`);
    if (r2.stdoutHash !== r.stdoutHash) return wrong('run twice: stdout differs');
    if (r2.stderr !== r.stderr) return wrong(`run twice: stderr differs (${firstLine(r.stderr)} / ${firstLine(r2.stderr)})`);
    if (first && !(existsSync(out) && readFileSync(out).equals(first))) return wrong('recorded twice: the log files differ');
  }
  return { m, dir, verdict };
}

/** The case's command through the binary (its files are still in `dir`). */
async function runCaseBinary(reader: Reader, c: FuzzCase, dir: string, opts: FuzzOptions): Promise<CaseRun> {
  const m = reader.materialize(c, dir);
  if (m.run.kind !== 'cli') throw new RangeError('not a CLI case');
  const o = await runBinary(opts.bin, m.run.argv, opts.timeoutMs, opts.heapMb ?? 1024);
  return { m, dir, verdict: o.status === 'hang' ? { cls: 'hang', why: 'watchdog fired (binary)', code: null } : classifyCli(o) };
}

/** Drop mutation steps while the case still fails the same way (at most a few tries for a hang), then save it. */
async function minimize(reader: Reader, c: FuzzCase, r: CaseRun, pool: Pool, opts: FuzzOptions, work: string, binary: boolean): Promise<Failure> {
  let best = c;
  let bestRun = r;
  let tries = r.verdict.cls === 'hang' ? 2 : 8;
  for (let i = 0; i < best.steps.length && best.steps.length > 1 && tries > 0; tries--) {
    const cand: FuzzCase = { ...best, steps: best.steps.filter((_, j) => j !== i) };
    const dir = join(work, `${reader.name}-${c.index}-min`);
    const cr = await runCase(reader, cand, dir, pool, opts);
    rmSync(dir, { recursive: true, force: true });
    if (cr.verdict.cls === r.verdict.cls) {
      best = cand;
      bestRun = cr;
    } else i++;
  }
  return save(reader, best, bestRun, opts, binary);
}

/** Save a failing case's input and a repro.txt under outDir/failures. */
function save(reader: Reader, c: FuzzCase, r: CaseRun, opts: FuzzOptions, binary: boolean): Failure {
  const saved = join(opts.outDir, 'failures', `${reader.name}-${c.index}${binary ? '-bin' : ''}`);
  mkdirSync(saved, { recursive: true });
  const m = reader.materialize(c, saved);
  for (const f of m.files) {
    mkdirSync(dirname(join(saved, f.path)), { recursive: true });
    writeFileSync(join(saved, f.path), f.bytes);
  }
  const command = m.run.kind === 'cli' ? `memhp ${m.run.argv.map(shellWord).join(' ')}` : `raw request (${m.run.request.length} bytes) to the viewer of ${m.run.input}`;
  if (m.run.kind === 'viewer') writeFileSync(join(saved, 'request.bin'), m.run.request);
  const failure: Failure = { reader: reader.name, index: c.index, label: m.label, mutation: describeSteps(c.steps), command, verdict: r.verdict, binary, saved };
  writeFileSync(join(saved, 'repro.txt'), `${JSON.stringify({ ...failure, variant: c.variant, base: c.base }, null, 2)}\n`);
  return failure;
}

function isFailure(v: Verdict): boolean {
  return v.cls === 'crash' || v.cls === 'hang' || v.cls === 'wrong';
}

function zero(): Record<FuzzClass, number> {
  return Object.fromEntries(CLASSES.map((k) => [k, 0])) as Record<FuzzClass, number>;
}

/** Every file under `dir`, relative. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).sort();
}

function shellWord(w: string): string {
  const s = w.length > 200 ? `${w.slice(0, 200)}…` : w;
  return /^[\w./:@%+,=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
