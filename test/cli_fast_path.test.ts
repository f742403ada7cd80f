/**
 * bin/memhp.js prints `--help` (without colour) and `--version` from the text the build rendered
 * (dist/bundle/usage.txt, version.txt) without loading the CLI: what it prints must be what the CLI
 * itself prints (dist/cli/main.js, the same code unbundled, has no such shortcut), byte for byte and
 * with the same exit status, with colour going through the CLI on a terminal.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

/** Run a CLI entry with `args`, stdout a pipe. */
function run(entry: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [entry, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the start-up shortcut of bin/memhp.js', () => {
  it.each([['--help'], ['-h'], ['help'], ['--version'], ['-V']])('memhp %s prints what the CLI prints', (arg) => {
    const fast = run('bin/memhp.js', [arg]);
    const cli = run('dist/cli/main.js', [arg]);
    expect(fast).toEqual(cli);
    expect(fast.code).toBe(0);
    expect(fast.out.length).toBeGreaterThan(10);
  });

  it('other calls are the CLI as before (help COMMAND, no arguments, --help with another word)', () => {
    for (const args of [['help', 'run'], [], ['--help', 'run'], ['run', '--help']]) expect(run('bin/memhp.js', args)).toEqual(run('dist/cli/main.js', args));
  });

  it.runIf(spawnSync('script', ['--version']).status === 0)('on a terminal, --help has the CLI\'s colours (the shortcut is not taken)', () => {
    // A plain environment: the test runner's own (NO_COLOR, FORCE_COLOR, NODE_DISABLE_COLORS …) left out.
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'xterm-256color' };
    const tty = (entry: string): string => spawnSync('script', ['-qfec', `${process.execPath} ${entry} --help`, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env }).stdout;
    const fast = tty('bin/memhp.js');
    expect(fast).toContain('\u001b[');
    expect(fast).toBe(tty('dist/cli/main.js'));
  });
});
