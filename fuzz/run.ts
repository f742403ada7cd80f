/**
 * `npm run fuzz -- --count N --seed S [--reader NAME…] [--timeout SECONDS] [--binary-sample K]
 * [--out DIR] [--no-expect-viewer-hardening] [--small]` (= `npm run build && node dist/fuzz/run.js`):
 * mutated inputs through every reader of memhp (scenario, iomem, trace, log, viewer), each run
 * in-process in a worker under a watchdog and a sample through bin/memhp.js; prints a table of
 * reader × class and the minimized repros, saves the failing inputs, and exits 1 on any crash,
 * hang or wrong result. Not part of `npm test` (test/fuzz.test.ts runs a short one).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'citty';
import { ROOT } from './corpus.js';
import { runFuzz } from './engine.js';
import { FULL_LIMITS } from './mutate.js';
import { READER_NAMES, makeReader } from './readers/index.js';
import { renderReport } from './report.js';

const argv = process.argv.slice(2);
const args = parseArgs(argv, {
  count: { type: 'string', default: '500' },
  seed: { type: 'string', default: '1' },
  reader: { type: 'string' },
  timeout: { type: 'string', default: '30' },
  'binary-sample': { type: 'string', default: '20' },
  out: { type: 'string' },
  'expect-viewer-hardening': { type: 'boolean', default: true },
  small: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
});
if (args.help) {
  process.stdout.write(`usage: npm run fuzz -- [--count 500] [--seed 1] [--reader ${READER_NAMES.join('|')}]… [--timeout 30] [--binary-sample 20] [--out DIR] [--no-expect-viewer-hardening] [--small]\n`);
  process.exit(0);
}
// --reader may be repeated, or given a comma-separated list.
const wanted = argv.flatMap((a, i) => (a === '--reader' ? [argv[i + 1] ?? ''] : a.startsWith('--reader=') ? [a.slice(9)] : [])).flatMap((s) => s.split(','));
const names = wanted.length ? wanted : [...READER_NAMES];
for (const n of names) if (!(READER_NAMES as readonly string[]).includes(n)) fail(`unknown reader '${n}' (known: ${READER_NAMES.join(', ')})`);
const count = intArg('count', args.count ?? '500', 1);
const seed = intArg('seed', args.seed ?? '1', 0);
const timeout = intArg('timeout', args.timeout ?? '30', 1);
const binarySample = intArg('binary-sample', args['binary-sample'] ?? '20', 0);
const outDir = args.out ?? mkdtempSync(join(tmpdir(), 'memhp-fuzz-'));
const ctx = { root: ROOT, baseDir: join(outDir, 'base'), limits: FULL_LIMITS, small: args.small === true };
const readers = [];
for (const n of names) readers.push(await makeReader(n, ctx));
process.stderr.write(`memhp fuzz: ${count} inputs per reader (${names.join(', ')}), seed ${seed}, watchdog ${timeout} s, ${binarySample} per reader through bin/memhp.js; output in ${outDir}\n`);
const reports = await runFuzz(readers, {
  count,
  seed,
  timeoutMs: timeout * 1000,
  binarySample,
  outDir,
  expectViewerHardening: args['expect-viewer-hardening'] !== false,
  bin: join(ROOT, 'bin/memhp.js'),
  progress: (l) => process.stderr.write(`  ${l}\n`),
});
process.stdout.write(renderReport(reports, outDir));
process.exitCode = reports.some((r) => r.failures.length > 0) ? 1 : 0;

function intArg(name: string, value: string, min: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min) fail(`--${name} must be an integer ≥ ${min}, got '${value}'`);
  return Number(value);
}

function fail(message: string): never {
  process.stderr.write(`memhp fuzz: error: ${message}\n`);
  process.exit(2);
}
