/**
 * `--iomem FILE` on every command that takes a recorded trace, through the real bin/memhp.js: a
 * real run with its IOMEM and secstate lines removed boots without RAM, so any boot section, or
 * the boot step's source naming the --iomem file, shows the file's layout was used. E3 of the run
 * adds pages over boot RAM (section 4): only with the file's layout does the model refuse it (-EEXIST).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startViewer } from './helpers/browser.js';
import { spawnCli } from './helpers/cli.js';
import { TRACES } from './helpers/traces.js';

const RUN = join(TRACES, '6.1.0-56-amd64/sparse_error_paths');
const IOMEM = join(RUN, 'iomem-before.txt');

/** A copy of the run without its /proc/iomem snapshots and secstate lines (and its run.json, which names the kernel). */
function tracelessCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'memhp-iomem-args-'));
  const lines = readFileSync(join(RUN, 'trace.txt'), 'utf8').split('\n');
  const kept = lines.filter((l) => !l.includes(': IOMEM ') && !l.includes('secstate'));
  expect(lines.length - kept.length).toBeGreaterThan(100);
  writeFileSync(join(dir, 'trace.txt'), kept.join('\n'));
  writeFileSync(join(dir, 'run.json'), readFileSync(join(RUN, 'run.json')));
  return dir;
}

/** Run `memhp ARGS` and parse its JSON output (one object). */
function json<T>(args: readonly string[], code = 0): T {
  const r = spawnCli(args);
  expect(r.stderr, args.join(' ')).toBe('');
  expect(r.code, args.join(' ')).toBe(code);
  return JSON.parse(r.stdout) as T;
}

/** The boot layout a log file's header line keeps. */
function logBoot(file: string): { iomem: unknown[]; source: string } {
  return (JSON.parse(readFileSync(file, 'utf8').split('\n')[0] ?? '') as { boot: { iomem: unknown[]; source: string } }).boot;
}

describe('--iomem FILE on every command that takes a trace (a trace without IOMEM snapshots)', () => {
  const dir = tracelessCopy();
  const bootSource = `${IOMEM}:1`;

  it('without --iomem the copy boots without RAM (so what follows can only come from the file)', () => {
    const s = json<{ source: string; sections: unknown[] }>(['state', dir, '--at', '0', '--json']);
    expect(s.sections).toEqual([]);
    expect(s.source).not.toContain('iomem-before.txt');
  });

  it('run and replay: the boot step comes from the file, with section 0 booted', () => {
    for (const cmd of ['run', 'replay']) {
      const r = spawnCli([cmd, dir, '--iomem', IOMEM]);
      expect(r.code, cmd).toBe(0);
      // The tag names the file by its last name (the header names the input once); sections 0-N collapse into one run.
      expect(r.stdout, cmd).toMatch(new RegExp(`\\[step 0 ${basename(bootSource).replace(/[.+]/g, '\\$&')}\\]\\s+boot\\s+-\\s+0-\\d+ early\\.boot`));
      // The lab's label heads the step; the row shows the operation with its arguments and the return.
      expect(r.stdout, cmd).toMatch(/── E3: __add_pages over boot RAM .*\n\[step \d+ trace\.txt:\d+\] +__add_pages nid=0 pfn=0x20000 nr_pages=0x200 +-EEXIST /);
    }
  });

  it('state: section 0 is booted at step 0', () => {
    const s = json<{ source: string; sections: Array<{ nr: number; state: string }> }>(['state', dir, '--iomem', IOMEM, '--at', '0', '--section', '0', '--json']);
    expect(s.source).toBe(bootSource);
    expect(s.sections).toMatchObject([{ nr: 0, state: 'early.boot' }]);
  });

  it('diff: section 8 grows from its boot state', () => {
    const d = json<{ sections: Array<{ nr: number; state: [string, string] }> }>(['diff', dir, '0', '1', '--iomem', IOMEM, '--json']);
    expect(d.sections).toMatchObject([{ nr: 8, state: ['early.boot', 'early.grown'] }]);
  });

  it('compare: both kernels boot from the file', () => {
    const c = json<{ steps: Array<{ seq: number; source: string }> }>(['compare', dir, '--iomem', IOMEM, '--kernels', '6.1.192,6.12.95', '--json']);
    expect(c.steps[0]).toMatchObject({ seq: 0, source: bootSource });
  });

  it('check: the boot layout is the file\'s, with no note about a missing one', () => {
    const c = json<{ boot: string; bootNotes: unknown[]; mismatches: unknown[] }>(['check', dir, '--iomem', IOMEM, '--json']);
    expect(c).toMatchObject({ boot: 'iomem-file', bootNotes: [], mismatches: [] });
  });

  it('trace-to-scenario: the scenario boots from the file\'s /proc/iomem', () => {
    const r = spawnCli(['trace-to-scenario', dir, '--iomem', IOMEM]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\niomem\n00000000-00000fff : Reserved\n00001000-0009fbff : System RAM\n');
    expect(r.stdout).toContain(`# /proc/iomem at ${basename(IOMEM)}:1\n`);
  });

  it('bisect: E3 (step 7) fails over the boot RAM the file gives', () => {
    const b = json<{ found: { step: number; ret: number | null } | null }>(['bisect', dir, '--iomem', IOMEM, '--until', 'error', '--from', '7', '--to', '7', '--json']);
    expect(b.found).toMatchObject({ step: 7, ret: -17 });
    expect(json<{ found: unknown }>(['bisect', dir, '--until', 'error', '--from', '7', '--to', '7', '--json'], 1).found).toBeNull();
  });

  it('blame and print: section 0 was set up at boot, from the file', () => {
    const b = json<{ entries: Array<{ step: number; source: string; field: string; after: string }> }>(['blame', dir, '--iomem', IOMEM, '--section', '0', '--field', 'state', '--json']);
    expect(b.entries).toEqual([expect.objectContaining({ step: 0, source: bootSource, field: 'state', after: 'early.boot' })]);
    const p = json<{ entries: Array<{ step: number; source: string; value: string }> }>(['print', dir, '--iomem', IOMEM, '--section', '0', '--json']);
    expect(p.entries).toEqual([expect.objectContaining({ step: 0, source: bootSource, value: '0xffffffffffffffff [0-63]' })]);
  });

  it('record and fork: the log written keeps the file\'s /proc/iomem as its boot layout', () => {
    const out = mkdtempSync(join(tmpdir(), 'memhp-iomem-args-out-'));
    const rec = spawnCli(['record', dir, '--iomem', IOMEM, '-o', join(out, 'run.memhp')]);
    expect(rec.code, rec.stderr).toBe(0);
    const fork = spawnCli(['fork', dir, '--iomem', IOMEM, '--at', '6', '--drop', '7', '-o', join(out, 'fork.memhp')]);
    expect(fork.code, fork.stderr).toBe(0);
    for (const log of ['run.memhp', 'fork.memhp']) {
      const boot = logBoot(join(out, log));
      expect(boot.iomem.length, log).toBeGreaterThan(20);
      expect(boot.source, log).toMatch(/iomem-before\.txt:1$/);
    }
  });

  it('view: the viewer serves the file\'s /proc/iomem as the boot layout', async () => {
    const v = await startViewer([dir, '--iomem', IOMEM, '--port', '0', '--json']);
    try {
      expect(JSON.parse(v.output().stdout.split('\n')[0] ?? '')).toMatchObject({ file: join(dir, 'trace.txt'), steps: 16 });
      const info = (await (await fetch(new URL('api/info', v.url))).json()) as { iomem: unknown[]; check: { fieldsCompared: number } | null };
      expect(info.iomem.length).toBeGreaterThan(20);
      expect(info.check?.fieldsCompared).toBeGreaterThan(0);
    } finally {
      expect(await v.stop()).toBe(0);
    }
  });
});
