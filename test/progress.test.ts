/**
 * Progress on stderr for long work: a cli-progress bar drawn only on a terminal, only after the
 * work has run SHOW_AFTER_MS (a clock the test holds, or MEMHP_PROGRESS_AFTER_MS=0 for the binary
 * under a real pseudo-terminal from script(1)), never with --json, and erased when the work ends.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { Io, ProgressStream } from '../cli/io.js';
import { readTextFile } from '../cli/io.js';
import { SHOW_AFTER_MS, startProgress } from '../cli/progress.js';
import { ROOT, spawnCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'memhp-progress-'));
const ERASE_LINE = '\u001b[2K';

/** An Io whose progress stream is a terminal that keeps what is written. */
function ttyIo(): { io: Io; written: string[] } {
  const written: string[] = [];
  const stream: ProgressStream & { cursorTo?: unknown } = { isTTY: true, columns: 120, write: (t: string) => written.push(t) > 0 };
  const io: Io = { out: () => undefined, err: () => undefined, color: pc.createColors(false), readFile: readTextFile, progress: stream };
  return { io, written };
}

/** A scenario of `n` operations (an add and a remove in turn). */
function bigScenario(n: number): string {
  const lines = ['ram 0x100000000 4G'];
  for (let i = 0; i < n; i++) lines.push(i % 2 === 0 ? 'add 0x200000000 128M' : 'remove 0x200000000 128M');
  const f = join(dir, `ops-${n}.scn`);
  writeFileSync(f, `${lines.join('\n')}\n`);
  return f;
}

describe('startProgress', () => {
  it('draws nothing before SHOW_AFTER_MS, then a bar with the count, and erases it on stop', () => {
    const { io, written } = ttyIo();
    let t = 1000;
    const p = startProgress(io, { label: 'recording x.scn', total: 100, unit: 'steps', now: () => t, showAfterMs: SHOW_AFTER_MS });
    p.update(10);
    t += SHOW_AFTER_MS - 1;
    p.update(20);
    expect(written.join('')).toBe('');
    t += 1;
    p.update(30);
    expect(written.join('')).toMatch(/memhp: recording x\.scn \[[=-]{24}\] 30% 30\/100 steps, /);
    p.stop();
    const all = written.join('');
    expect(all.slice(all.lastIndexOf(ERASE_LINE))).not.toContain('memhp:');
    const n = written.length;
    p.update(90);
    expect(written).toHaveLength(n);
  });

  it('without a progress stream (not a terminal) does nothing', () => {
    const io: Io = { out: () => undefined, err: () => undefined, color: pc.createColors(false), readFile: readTextFile };
    const p = startProgress(io, { label: 'x', total: 10, unit: 'steps', now: () => 1e9, showAfterMs: 0 });
    p.update(5);
    p.stop();
  });

  it('waits 2 s by default (MEMHP_PROGRESS_AFTER_MS unset)', () => {
    const saved = process.env.MEMHP_PROGRESS_AFTER_MS;
    delete process.env.MEMHP_PROGRESS_AFTER_MS;
    try {
      const { io, written } = ttyIo();
      let t = 0;
      const p = startProgress(io, { label: 'x', total: 10, unit: 'steps', now: () => t });
      t = 1999;
      p.update(1);
      expect(written).toEqual([]);
      t = 2000;
      p.update(2);
      expect(written.join('')).toContain('memhp: x [');
      p.stop();
    } finally {
      if (saved !== undefined) process.env.MEMHP_PROGRESS_AFTER_MS = saved;
    }
  });
});

// script(1) (util-linux) runs the binary on a pseudo-terminal: stderr is a TTY there.
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!hasScript)('the binary on a terminal (script -qfc)', () => {
  /** Everything the terminal showed for `memhp ARGS` with the bar's delay at 0 (stdout to /dev/null when `quiet`: stderr stays the terminal). */
  const onTty = (args: string, quiet = false): string => {
    const cmd = `node bin/memhp.js ${args}${quiet ? ' > /dev/null' : ''}`;
    const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, MEMHP_PROGRESS_AFTER_MS: '0' } });
    expect(r.status, r.stdout).toBe(0);
    return r.stdout;
  };

  it('record draws a bar of the steps recorded, then erases it before its closing line', () => {
    const f = bigScenario(3000);
    const out = onTty(`record ${f} -o ${join(dir, 'big.memhp')}`);
    expect(out).toMatch(/memhp: recording \S+ops-3000\.scn \[[=-]+\] \d+% \d+\/3001 steps/);
    const after = out.slice(out.lastIndexOf(ERASE_LINE) + ERASE_LINE.length);
    expect(after).not.toContain('memhp: recording');
    expect(after).toMatch(/^recorded 3001 steps \(boot included\)/);
  });

  it('run draws one while running the steps; loading a format-2 log file draws one of the MiB read (format 3 loads lazily)', () => {
    const f = bigScenario(3000);
    expect(onTty(`run ${f}`, true)).toMatch(/memhp: running \S+ops-3000\.scn \[[=-]+\] \d+% \d+\/3000 steps/);
    const log = join(dir, 'run.memhp');
    onTty(`record ${f} --format 2 -o ${log}`, true);
    expect(onTty(`state ${log} --at 1 --section 64`, true)).toMatch(/memhp: reading \S+run\.memhp \[[=-]+\] \d+% \d+\/\d+ MiB/);
  });

  it('never with --json', () => {
    const out = onTty(`run ${bigScenario(3000)} --json`, true);
    expect(out).not.toContain('memhp: running');
    expect(out).not.toContain(ERASE_LINE);
  });

  it('not when stderr is not a terminal', () => {
    const f = bigScenario(3000);
    const r = spawnCli(['record', f, '-o', join(dir, 'piped.memhp')], { MEMHP_PROGRESS_AFTER_MS: '0' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
