/**
 * Writing outputs loses nothing: a disk that fills up (a small tmpfs where the machine lets the test
 * mount one, and always an injected short write / ENOSPC / EDQUOT / EIO) leaves the old target byte
 * for byte and no temporary file, exit 2; no command writes over any file its run read (the input, a
 * trace directory's files, --iomem, a scenario's iomem file, links to them); SIGINT, SIGTERM and
 * SIGHUP during `record` remove the temporary file and exit 128 + the signal's number.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE_WRITE_FS } from '../log/write_atomic.js';
import type { WriteFs } from '../log/write_atomic.js';
import { ROOT, cli } from './helpers/cli.js';
import { TRACES } from './helpers/traces.js';

const dir = mkdtempSync(join(tmpdir(), 'memhp-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CYCLE = `${ROOT}examples/partial-cycle.scn`;
const OLD = 'the old target, kept byte for byte\n';

/** A scenario of `n` operations after boot (an add and a remove of the same 4 MiB, in turn). */
function bigScenario(n: number): string {
  const ops = ['__add_pages nid=0 pfn=0x480000 nr_pages=0x400\n', '__remove_pages pfn=0x480000 nr_pages=0x400\n'];
  return `kernel 5.3\nram 0x100000000-0x13fffffff\n${Array.from({ length: n }, (_, i) => ops[i % 2]).join('')}`;
}

/** The temporary files left in `d`. */
const temps = (d: string): string[] => readdirSync(d).filter((f) => f.endsWith('.tmp'));

/** node:fs's calls, but writes take at most `per` bytes each and fail with `code` once `budget` bytes are written. */
function fillingDisk(budget: number, per: number, code = 'ENOSPC', message = 'no space left on device'): WriteFs {
  let left = budget;
  return {
    ...NODE_WRITE_FS,
    writeSync: (fd, buf, off, len) => {
      if (left === 0) throw Object.assign(new Error(`${code}: ${message}, write`), { code, errno: -28, syscall: 'write' });
      const n = NODE_WRITE_FS.writeSync(fd, buf, off, Math.min(len, per, left));
      left -= n;
      return n;
    },
  };
}

describe('a disk that fills up while writing', () => {
  it.each([
    ['short writes, then ENOSPC', fillingDisk(30_000, 4096), 'no space left on device'],
    ['one short write at the end of the only chunk, then ENOSPC', fillingDisk(45_056, 1 << 30), 'no space left on device'],
    ['EDQUOT', fillingDisk(8192, 1 << 30, 'EDQUOT', 'disk quota exceeded'), 'disk quota exceeded'],
    ['a system reason memhp has no words for (ENXIO)', fillingDisk(0, 1, 'ENXIO', 'no such device or address'), 'no such device or address'],
    ['EIO from fsync', { ...NODE_WRITE_FS, fsyncSync: () => { throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }); } }, 'input/output error'],
  ] as Array<[string, WriteFs, string]>)('%s: exit 2, the old target byte-identical, no temporary file', async (_, fs, reason) => {
    const d = mkdtempSync(join(dir, 'full-'));
    const scn = join(d, 'big.scn');
    writeFileSync(scn, bigScenario(2000));
    const out = join(d, 'out.memhp');
    writeFileSync(out, OLD);
    const r = await cli(['record', scn, '-o', out], { writeFs: fs });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `memhp: error[E_IO]: cannot write ${out}: ${reason}\n`]);
    expect(readFileSync(out, 'utf8')).toBe(OLD);
    expect(temps(d)).toEqual([]);
  });

  it("a temporary file of the same name (another process's) is refused and left alone", async () => {
    const d = mkdtempSync(join(dir, 'stale-'));
    const out = join(d, 'out.memhp');
    writeFileSync(out, OLD);
    const stale = join(d, `.out.memhp.${process.pid}.tmp`);
    writeFileSync(stale, 'not ours\n');
    const r = await cli(['record', CYCLE, '-o', out]);
    expect([r.code, r.stderr]).toEqual([2, `memhp: error[E_IO]: cannot write ${out}: its temporary file ${stale} exists (left by a process that was killed?)\n`]);
    expect(readFileSync(out, 'utf8')).toBe(OLD);
    expect(readFileSync(stale, 'utf8')).toBe('not ours\n');
  });

  it('writes of a few bytes each still write the whole file', async () => {
    const a = join(dir, 'whole-a.memhp');
    const b = join(dir, 'whole-b.memhp');
    expect((await cli(['record', CYCLE, '-o', a])).code).toBe(0);
    expect((await cli(['record', CYCLE, '-o', b], { writeFs: { ...NODE_WRITE_FS, writeSync: (fd, buf, off, len) => NODE_WRITE_FS.writeSync(fd, buf, off, Math.min(len, 7)) } })).code).toBe(0);
    expect(readFileSync(b).equals(readFileSync(a))).toBe(true);
  });

  // A real full disk: a 64 KiB tmpfs, where the machine lets the test mount one (root, no container limits).
  const mnt = join(dir, 'tmpfs');
  mkdirSync(mnt);
  const mounted = process.platform === 'linux' && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt], { stdio: 'ignore' }).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [mnt], { stdio: 'ignore' });
  });
  it.skipIf(!mounted)('on a 64 KiB tmpfs: exit 2, "no space left on device", the old target byte-identical, no temporary file', async () => {
    const scn = join(dir, 'tmpfs-big.scn');
    writeFileSync(scn, bigScenario(2000));
    const out = join(mnt, 'out.memhp');
    writeFileSync(out, OLD);
    // Format 2: the compact format 3 of these 2000 steps would fit in 64 KiB.
    const r = await cli(['record', scn, '--format', '2', '-o', out]);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `memhp: error[E_IO]: cannot write ${out}: no space left on device\n`]);
    expect(readFileSync(out, 'utf8')).toBe(OLD);
    expect(temps(mnt)).toEqual([]);
  });
});

describe('never over a file the run read', () => {
  const refused = (out: string, as?: string): string =>
    `memhp: error[E_PROTECTED]: refusing to write over ${out}: the run read it${as === undefined ? '' : ` (as ${as})`}\n  hint: give -o a file the command does not read\n`;

  /** A copy of a recorded trace directory (trace.txt, console.log, run.json, iomem-before.txt). */
  function traceDir(): string {
    const d = mkdtempSync(join(dir, 'trace-'));
    cpSync(join(TRACES, '6.1.0-56-amd64', 'dimm_hotplug'), d, { recursive: true });
    return d;
  }

  /** Every file of `d`, name → bytes. */
  const snapshot = (d: string): Record<string, string> => Object.fromEntries(readdirSync(d).map((f) => [f, readFileSync(join(d, f)).toString('base64')]));

  it.each([
    ['record TRACEDIR -o TRACEDIR/trace.txt', (d: string) => ['record', d, '-o', join(d, 'trace.txt')], (d: string) => [join(d, 'trace.txt')]],
    ['record TRACEDIR -o TRACEDIR/run.json', (d: string) => ['record', d, '-o', join(d, 'run.json')], (d: string) => [join(d, 'run.json')]],
    ['record TRACE --iomem F -o F', (d: string) => ['record', join(d, 'trace.txt'), '--iomem', join(d, 'iomem-before.txt'), '-o', join(d, 'iomem-before.txt')], (d: string) => [join(d, 'iomem-before.txt')]],
    ['trace-to-scenario TRACEDIR --iomem F -o F', (d: string) => ['trace-to-scenario', d, '--iomem', join(d, 'iomem-before.txt'), '-o', join(d, 'iomem-before.txt')], (d: string) => [join(d, 'iomem-before.txt')]],
    ['trace-to-scenario TRACEDIR -o TRACEDIR/run.json', (d: string) => ['trace-to-scenario', d, '-o', join(d, 'run.json')], (d: string) => [join(d, 'run.json')]],
  ] as Array<[string, (d: string) => string[], (d: string) => [string]]>)('%s: exit 2, every file of the trace unchanged', async (_, args, outOf) => {
    const d = traceDir();
    const before = snapshot(d);
    const [out] = outOf(d);
    const r = await cli(args(d));
    expect([r.code, r.stdout, r.stderr.split('\n').filter((l) => !/: warning: /.test(l)).join('\n')]).toEqual([2, '', refused(out)]);
    expect(snapshot(d)).toEqual(before);
  });

  it("a scenario's iomem file, and links to the input, are refused by record, shrink and fork", async () => {
    const d = mkdtempSync(join(dir, 'scn-'));
    const iomem = join(d, 'iomem.txt');
    writeFileSync(iomem, '100000000-13fffffff : System RAM\n');
    const scn = join(d, 'in.scn');
    writeFileSync(scn, 'kernel 5.3\niomem iomem.txt\n__add_pages nid=0 pfn=0x480000 nr_pages=0x800\n__add_pages nid=0 pfn=0x480000 nr_pages=0x800\n');
    symlinkSync(scn, join(d, 'sym.scn'));
    linkSync(scn, join(d, 'hard.scn'));
    const log = join(d, 'in.memhp');
    expect((await cli(['record', scn, '-o', log])).code).toBe(0);
    symlinkSync(log, join(d, 'sym.memhp'));
    const before = snapshot(d);
    const cases: Array<[string[], string, string?]> = [
      [['record', scn, '-o', iomem], iomem],
      [['record', scn, '-o', join(d, 'sym.scn')], join(d, 'sym.scn'), scn],
      [['record', scn, '-o', join(d, 'hard.scn')], join(d, 'hard.scn'), scn],
      [['shrink', scn, '--until', 'error', '-o', iomem], iomem],
      [['fork', log, '--at', '1', '--drop', '2', '-o', join(d, 'sym.memhp')], join(d, 'sym.memhp'), log],
    ];
    for (const [args, out, as] of cases) {
      const r = await cli(args);
      expect([r.code, r.stdout, r.stderr], args.join(' ')).toEqual([2, '', refused(out, as)]);
    }
    expect(snapshot(d)).toEqual(before);
    expect(temps(d)).toEqual([]);
  });
});

describe('a signal while record writes', () => {
  // 3·10^4 operations: parsing takes a fraction of a second, writing the ~30 MB log a few seconds.
  const scn = join(dir, 'signal.scn');
  writeFileSync(scn, bigScenario(30_000));

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as Array<[NodeJS.Signals, number]>)('%s removes the temporary file and exits %i; the old target is untouched', async (signal, code) => {
    const d = mkdtempSync(join(dir, 'sig-'));
    const out = join(d, 'out.memhp');
    writeFileSync(out, OLD);
    const child = spawn(process.execPath, [`${ROOT}bin/memhp.js`, 'record', scn, '-o', out], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on('exit', (c, s) => done([c, s])));
    const deadline = Date.now() + 20_000;
    while (temps(d).length === 0 && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(temps(d)).toHaveLength(1);
    child.kill(signal);
    expect(await exited).toEqual([code, null]);
    expect(temps(d)).toEqual([]);
    expect(readFileSync(out, 'utf8')).toBe(OLD);
    expect(existsSync(join(d, 'out.memhp'))).toBe(true);
  }, 30_000);

  it('without an output being written, SIGINT keeps its default action (killed by the signal)', async () => {
    const child = spawn(process.execPath, [`${ROOT}bin/memhp.js`, 'run', scn], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on('exit', (c, s) => done([c, s])));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    expect(await exited).toEqual([null, 'SIGINT']);
  }, 30_000);
});
