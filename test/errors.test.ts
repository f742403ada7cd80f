/**
 * The error table (kernel/errors.ts): docs/errors.md lists exactly its codes, exit statuses and
 * meanings; every code the source names is in it and every code in it is made somewhere; and the
 * real CLI shows the code of what went wrong, with that code's exit status.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ERRORS, exitStatus, type ErrorCode } from '../kernel/errors.js';
import { ROOT, cli, spawnCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'memhp-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The layers' source folders (every file that can make an error). */
const SOURCE_DIRS = ['kernel', 'inputs', 'model', 'log', 'query', 'present', 'viewer', 'verify', 'cli', 'bench', 'fuzz'];

/** Every .ts file under `d`, recursively. */
function tsFiles(d: string): string[] {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const sources = SOURCE_DIRS.flatMap((d) => tsFiles(join(ROOT, d))).filter((p) => !p.endsWith(join('kernel', 'errors.ts')));

/** The codes a text names: `'E_…'` strings (the table's spelling) and the values of `code: '…'`. */
function namedCodes(text: string): { table: string[]; other: string[] } {
  const table = [...text.matchAll(/'(E_[A-Z0-9_]+)'/g)].map((m) => m[1] as string);
  const other = [...text.matchAll(/\bcode: '([^']*)'/g)].map((m) => m[1] as string).filter((c) => !c.startsWith('E_'));
  return { table, other };
}

describe('docs/errors.md lists the table', () => {
  const doc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \| (\d+) \| (.+) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3]]);

  it('every code with its exit status and meaning, in the order of kernel/errors.ts, and no other', () => {
    expect(rows).toEqual(Object.entries(ERRORS).map(([code, e]) => [code, e.status, e.meaning]));
  });

  it('exit statuses are the ones the doc explains (1 a check failed, 2 could not run, 70 a bug)', () => {
    expect(new Set(Object.values(ERRORS).map((e) => e.status))).toEqual(new Set([1, 2, 70]));
    for (const s of [0, 1, 2, 70]) expect(doc).toContain(`- **${s}**: `);
  });
});

describe('the source names only codes of the table', () => {
  const named = sources.map((p) => ({ p, ...namedCodes(readFileSync(p, 'utf8')) }));

  it('every E_ code in the source is in the table', () => {
    const unknown = named.flatMap(({ p, table }) => table.filter((c) => !(c in ERRORS)).map((c) => `${p.slice(ROOT.length)}: ${c}`));
    expect(unknown).toEqual([]);
  });

  it("any other `code: '…'` is a system errno (node's, e.g. ENOSPC), not an error of memhp", () => {
    const other = named.flatMap(({ p, other: o }) => o.map((c) => `${p.slice(ROOT.length)}: ${c}`));
    for (const o of other) expect(o).toMatch(/: E[A-Z0-9]+$/);
  });

  it('every code of the table is made somewhere', () => {
    const used = new Set(named.flatMap(({ table }) => table));
    expect(Object.keys(ERRORS).filter((c) => !used.has(c))).toEqual([]);
  });

  it('the scanner finds codes in both spellings (it can fail)', () => {
    expect(namedCodes("fail('E_RANGE', 'x'); ({ code: 'E_NOPE', message }); Object.assign(e, { code: 'ENOSPC' })")).toEqual({ table: ['E_RANGE', 'E_NOPE'], other: ['ENOSPC'] });
  });
});

describe('the CLI shows the code of what went wrong, and exits with its status', () => {
  const scn = (name: string, text: string): string => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  const status = (code: ErrorCode): number => exitStatus(code);

  it('exit 0: nothing to report, no code shown', async () => {
    const r = await cli(['run', 'examples/partial-cycle.scn']);
    expect(r.code).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toContain('error[');
  });

  it('exit 2, an input line: file:line: error[E_PARSE] (the real binary)', () => {
    const f = scn('parse.scn', 'ram 0x100000000 1G\n__add_pages nid=0 pfn=0x200000 nr_pages\n');
    const r = spawnCli(['run', f]);
    expect(r.code).toBe(status('E_PARSE'));
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(`${f}:2: error[E_PARSE]: expected key=value, got "nr_pages"`);
  });

  it('exit 2, no input line: memhp: error[E_IO] for a missing file, memhp: error[E_USAGE] for a bad option (the real binary)', () => {
    const missing = spawnCli(['run', join(dir, 'no-such.scn')]);
    expect(missing.code).toBe(status('E_IO'));
    expect(missing.stderr).toBe(`memhp: error[E_IO]: cannot read ${join(dir, 'no-such.scn')}: no such file\n`);
    const usage = spawnCli(['run', 'examples/partial-cycle.scn', '--bogus']);
    expect(usage.code).toBe(status('E_USAGE'));
    expect(usage.stderr).toBe("memhp: error[E_USAGE]: unknown option '--bogus' for 'run'\n  hint: see memhp run --help\n");
  });

  it('exit 1: a failed expect line shows error[E_EXPECT] at its line', async () => {
    const f = scn('fail.scn', 'ram 0x100000000 1G\n__add_pages nid=0 pfn=0x200000 nr_pages=0x200\nexpect ret=-EEXIST\n');
    const r = await cli(['run', f]);
    expect(r.code).toBe(status('E_EXPECT'));
    expect(r.stdout).toContain(`${f}:3: error[E_EXPECT]: expect ret=-EEXIST: ret is 0, expected -EEXIST\n`);
  });

  it('exit 1: a check mismatch shows error[E_MISMATCH], and --json gives each mismatch its code', async () => {
    const trace = join(ROOT, 'test/fixtures/traces/6.1.0-56-amd64/sparse_error_paths');
    const r = await cli(['check', trace, '--kernel', '5.3']);
    expect(r.code).toBe(status('E_MISMATCH'));
    expect(r.stdout).toMatch(/^\[step \d+ trace\.txt:\d+\] error\[E_MISMATCH\]: section 8 flags: /m);
    const j = JSON.parse((await cli(['check', trace, '--kernel', '5.3', '--json'])).stdout) as { mismatches: Array<{ code: string }> };
    expect(j.mismatches.length).toBeGreaterThan(0);
    expect(j.mismatches.every((m) => m.code === 'E_MISMATCH')).toBe(true);
  });

  it('exit 1: a --until predicate that never holds shows error[E_NEVER]', async () => {
    const r = await cli(['bisect', 'examples/partial-cycle.scn', '--until', 'error']);
    expect(r.code).toBe(status('E_NEVER'));
    expect(r.stdout).toContain('error[E_NEVER]: no step in 0-8 matches error (');
  });
});
