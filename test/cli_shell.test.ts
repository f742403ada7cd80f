/**
 * The CLI's shell: `memhp help [COMMAND]`, -V/--version on every command, `memhp completion
 * bash|zsh|fish` checked with the real shells (bash always; zsh and fish when installed), and
 * start-up: each command loads only its own module, unbundled and in the bundle bin/memhp.js runs
 * (seen through a module resolve hook of the real process, not timed).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ArgsDef } from 'citty';
import { COMMANDS } from '../cli/command_table.js';
import { SHELL_COMMANDS } from '../cli/usage.js';
import { MEMHP_VERSION } from '../log/serialize.js';
import { ROOT, cli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'memhp-shell-'));
const NAMES = [...Object.keys(COMMANDS), ...Object.keys(SHELL_COMMANDS)];
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** Whether a program runs here. */
function has(program: string): boolean {
  return spawnSync(program, ['--version'], { encoding: 'utf8' }).status === 0;
}

/** The options a command's definition names, with dashes (aliases too), plus -h/--help and -V/--version. */
async function optionsOf(name: string): Promise<string[]> {
  const entry = COMMANDS[name];
  if (!entry) return ['--help', '-h', '--version', '-V'];
  const args = ((await entry.load()).def.args ?? {}) as ArgsDef;
  const out: string[] = [];
  for (const [k, d] of Object.entries(args)) {
    if (d.type === 'positional') continue;
    out.push(`--${k}`);
    const alias = 'alias' in d ? d.alias : undefined;
    for (const a of alias === undefined ? [] : Array.isArray(alias) ? alias : [alias]) out.push(a.length === 1 ? `-${a}` : `--${a}`);
  }
  return [...out, '--help', '-h', '--version', '-V'];
}

describe('memhp help', () => {
  it('memhp help is memhp --help: every command listed, exit 0', async () => {
    const help = await cli(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe((await cli(['--help'])).stdout);
    for (const n of NAMES) expect(help.stdout).toMatch(new RegExp(`^ +${n} {4}`, 'm'));
    expect(help.stdout).toContain('-V/--version');
  });

  it.each(NAMES)('memhp help %s is memhp %s --help', async (name) => {
    const help = await cli(['help', name]);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(new RegExp(`USAGE memhp ${name}`));
    expect(help.stdout).toBe((await cli([name, '--help'])).stdout);
  });

  it('an unknown command is a usage error naming the commands', async () => {
    const r = await cli(['help', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`memhp: error[E_USAGE]: unknown command 'nope'\n  hint: commands: ${NAMES.join(', ')}; see memhp --help\n`);
  });

  it("the table's one-line descriptions are the commands' own (what --help lists without loading them)", async () => {
    for (const [name, entry] of Object.entries(COMMANDS)) {
      const { def } = await entry.load();
      const meta = def.meta as { name?: string; description?: string };
      expect(meta.name, name).toBe(name);
      expect(entry.description, name).toBe(meta.description);
    }
  });
});

describe('-V and --version', () => {
  it('memhp --version and -V print the package version, exit 0', async () => {
    expect(MEMHP_VERSION).toBe(PKG.version);
    for (const flag of ['--version', '-V']) expect(await cli([flag])).toEqual({ code: 0, stdout: `memhp ${PKG.version}\n`, stderr: '' });
  });

  it.each(NAMES)('memhp %s --version and -V print it too, before any argument is checked', async (name) => {
    for (const flag of ['--version', '-V']) expect(await cli([name, flag])).toEqual({ code: 0, stdout: `memhp ${PKG.version}\n`, stderr: '' });
    expect(await cli([name, 'no/such/file', '--kernel', '9.9', '-V'])).toEqual({ code: 0, stdout: `memhp ${PKG.version}\n`, stderr: '' });
  });

  it('after --, -V is an argument, not the flag', async () => {
    const r = await cli(['run', '--', '-V']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe('memhp completion', () => {
  it('refuses a shell it has no script for', async () => {
    const r = await cli(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("memhp: error[E_USAGE]: no completion for shell 'tcsh'\n  hint: shells: bash, zsh, fish\n");
  });

  describe('bash (the real bash: complete -p, then the completion function on command lines)', () => {
    /** COMPREPLY of the completion function on `words` (the last one being completed), run in `cwd`. */
    const complete = (script: string, words: readonly string[], cwd = ROOT): string[] => {
      const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
      const r = spawnSync('bash', ['--norc', '-c', `source '${script}' && COMP_WORDS=(${quoted}) && COMP_CWORD=${words.length - 1} && _memhp && printf '%s\\n' "\${COMPREPLY[@]}"`], { cwd, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return r.stdout.split('\n').filter((l) => l !== '');
    };
    const script = join(dir, 'memhp.bash');

    it('registers _memhp for memhp', async () => {
      const r = await cli(['completion', 'bash']);
      expect(r.code).toBe(0);
      writeFileSync(script, r.stdout);
      const p = spawnSync('bash', ['--norc', '-c', `source '${script}' && complete -p memhp`], { encoding: 'utf8' });
      expect(p.stdout).toBe('complete -F _memhp memhp\n');
    });

    it('completes the commands, then each command\'s every option', async () => {
      expect(complete(script, ['memhp', ''])).toEqual([...NAMES, '--help', '-h', '--version', '-V']);
      expect(complete(script, ['memhp', 'tr'])).toEqual(['trace-to-scenario']);
      for (const name of NAMES) expect(complete(script, ['memhp', name, '-']).sort(), name).toEqual((await optionsOf(name)).sort());
      expect(complete(script, ['memhp', 'record', 'x.scn', '--ou'])).toEqual(['--output']);
    });

    it('completes values: releases for --kernel, a comma list for --kernels, words of a|b, files, command and shell names', () => {
      expect(complete(script, ['memhp', 'run', '--kernel', '6.1'])).toEqual(['6.1', '6.1.192', '6.10', '6.12.95']);
      expect(complete(script, ['memhp', 'compare', 'x.scn', '--kernels', '5.2,6.1'])).toEqual(['5.2,6.1', '5.2,6.1.192', '5.2,6.10', '5.2,6.12.95']);
      expect(complete(script, ['memhp', 'run', '--paging', ''])).toEqual(['4', '5']);
      expect(complete(script, ['memhp', 'verify', 'x.scn', '--accel', 'k'])).toEqual(['kvm']);
      expect(complete(script, ['memhp', 'run', '--arch', 'arm64-1'])).toEqual(['arm64-16k']);
      expect(complete(script, ['memhp', 'run', 'examples/seed'])).toEqual(['examples/seed-pmem-shared-section.scn']);
      expect(complete(script, ['memhp', 'view', 'x.scn', '--iomem', 'examples/partial'])).toEqual(['examples/partial-cycle.scn']);
      expect(complete(script, ['memhp', 'verify', 'x.scn', '--kernel-dir', 'exam'])).toEqual(['examples']);
      expect(complete(script, ['memhp', 'run', '--config', ''])).toEqual([]);
      expect(complete(script, ['memhp', 'help', 'bl'])).toEqual(['blame']);
      expect(complete(script, ['memhp', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    });
  });

  describe.skipIf(!has('fish'))('fish (the real fish: complete -C)', () => {
    const complete = (script: string, line: string): string[] => {
      const r = spawnSync('fish', ['--no-config', '-c', `source '${script}'; complete -C '${line}'`], { cwd: ROOT, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0] ?? '');
    };
    const script = join(dir, 'memhp.fish');

    it('completes commands, options and values', async () => {
      writeFileSync(script, (await cli(['completion', 'fish'])).stdout);
      expect(complete(script, 'memhp ru')).toEqual(['run']);
      expect(complete(script, 'memhp run --ker')).toEqual(['--kernel']);
      expect(complete(script, 'memhp run --kernel 6.1')).toEqual(['6.1', '6.1.192', '6.10', '6.12.95']);
      expect(complete(script, 'memhp completion ')).toEqual(['bash', 'fish', 'zsh']);
      expect(complete(script, 'memhp run examples/seed')).toEqual(['examples/seed-pmem-shared-section.scn']);
      expect(complete(script, 'memhp record x.scn -')).toEqual(expect.arrayContaining(['-o', '-h', '-V']));
    });
  });

  describe.skipIf(!has('zsh'))('zsh (the real zsh: the script parses, registers _memhp, and completes in an interactive zsh)', () => {
    it('zsh -n accepts it and compinit + source binds memhp to _memhp', async () => {
      const script = join(dir, '_memhp');
      writeFileSync(script, (await cli(['completion', 'zsh'])).stdout);
      expect(spawnSync('zsh', ['-n', script], { encoding: 'utf8' }).status).toBe(0);
      const r = spawnSync('zsh', ['-f', '-c', `autoload -U compinit && compinit -u -D && source '${script}' && print -r -- $_comps[memhp] && whence -w _memhp`], { cwd: dir, encoding: 'utf8' });
      expect(r.stdout).toBe('_memhp\n_memhp: function\n');
    });

    it('an interactive zsh on a pseudo-terminal (zsh/zpty) completes --ker to --kernel and compl to completion', async () => {
      const script = join(dir, '_memhp_i');
      writeFileSync(script, (await cli(['completion', 'zsh'])).stdout);
      // Each read waits for the completed text (no sleeps); a completion that never comes ends at the timeout.
      const driver = [
        'zmodload zsh/zpty',
        "zpty z 'zsh -f -i'",
        `zpty -w z "autoload -U compinit && compinit -u -D && source '${script}' && PS1='READY> '"`,
        "zpty -r z junk '*READY> '",
        "zpty -w -n z $'memhp run --ker\\t'",
        "zpty -r z out1 '*--kernel*'",
        "zpty -w -n z $'\\C-u'",
        "zpty -w -n z $'memhp compl\\t'",
        "zpty -r z out2 '*completion*'",
        'zpty -d z',
        'print -r -- "$out1" "$out2"',
      ].join('\n');
      const r = spawnSync('zsh', ['-f', '-c', driver], { cwd: dir, encoding: 'utf8', timeout: 50_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('memhp run --kernel');
      expect(r.stdout).toContain('memhp completion');
    });
  });
});

describe('start-up: each command loads only what it needs', () => {
  // The real binary under a resolve hook that appends every file it loads to a list (no timing).
  const hook = join(dir, 'hook.mjs');
  writeFileSync(
    hook,
    [
      "import { appendFileSync } from 'node:fs';",
      'let out;',
      'export function initialize(data) { out = data.out; }',
      'export async function resolve(specifier, context, next) {',
      '  const r = await next(specifier, context);',
      "  if (r.url.startsWith('file:')) appendFileSync(out, r.url + '\\n');",
      '  return r;',
      '}',
    ].join('\n'),
  );
  /** The files of dist/ that `node ENTRY ARGS` loaded, relative to dist/ (ENTRY: the unbundled dist/cli/main.js, or bin/memhp.js and its bundle). */
  const loaded = (args: readonly string[], entry = 'dist/cli/main.js'): string[] => {
    const out = join(dir, `loaded-${args.join('_').replace(/\W/g, '')}.txt`);
    writeFileSync(out, '');
    const register = join(dir, `register-${args.join('_').replace(/\W/g, '')}.mjs`);
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)}, { data: { out: ${JSON.stringify(out)} } });\n`);
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, join(ROOT, entry), ...args], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBeLessThanOrEqual(1);
    const dist = pathToFileURL(join(ROOT, 'dist')).href;
    return [...new Set(readFileSync(out, 'utf8').split('\n').filter((u) => u.startsWith(dist)).map((u) => u.slice(dist.length + 1)))];
  };

  it('--help and --version load no command, no model, nothing of the log but its version', () => {
    for (const args of [['--help'], ['--version'], ['run', '--version']]) {
      const files = loaded(args);
      expect(files, args.join(' ')).toContain('cli/app.js');
      expect(files.filter((f) => f.startsWith('cli/commands/') || f.startsWith('model/') || f.startsWith('viewer/') || f.startsWith('verify/')), args.join(' ')).toEqual([]);
      // The version constant, and the reason text of a failed read (cli/io.ts).
      expect(files.filter((f) => f.startsWith('log/') && f !== 'log/version.js' && f !== 'log/io_reason.js'), args.join(' ')).toEqual([]);
    }
  });

  it('bin/memhp.js runs the bundle (cli/build.ts): run reads a few of its files, --help fewer, neither the viewer\'s nor verify\'s', () => {
    const chunkWith = (text: string): string[] =>
      readdirSync(join(ROOT, 'dist', 'bundle'))
        .filter((f) => readFileSync(join(ROOT, 'dist', 'bundle', f), 'utf8').includes(text))
        .map((f) => `bundle/${f}`);
    const viewer = chunkWith('createServer(');
    const qemu = chunkWith('-no-reboot');
    expect(viewer.length).toBeGreaterThan(0);
    expect(qemu.length).toBeGreaterThan(0);
    const help = loaded(['--help'], 'bin/memhp.js');
    const run = loaded(['run', 'examples/partial-cycle.scn'], 'bin/memhp.js');
    expect(help.every((f) => f.startsWith('bundle/'))).toBe(true);
    expect(run.every((f) => f.startsWith('bundle/'))).toBe(true);
    expect(help.length).toBeLessThan(run.length);
    expect(run.length).toBeLessThan(40);
    for (const f of [...viewer, ...qemu]) {
      expect(help).not.toContain(f);
      expect(run).not.toContain(f);
    }
  });

  it('run loads its own command and the model, not the other commands, the viewer or verify', () => {
    const files = loaded(['run', 'examples/partial-cycle.scn']);
    expect(files).toContain('cli/commands/run.js');
    expect(files).toContain('model/model.js');
    expect(files.filter((f) => f.startsWith('cli/commands/') && f !== 'cli/commands/run.js')).toEqual([]);
    expect(files.filter((f) => f.startsWith('viewer/') || f.startsWith('verify/'))).toEqual([]);
  });
});
