/**
 * The CLI without the process: `runCli(argv, io)` parses the command line with citty's definitions
 * and parser, dispatches, renders user errors as one line, and returns the exit code
 * (0 ok, else the status of the error's code in kernel/errors.ts). Only cli/main.ts exits.
 */
import { parseArgs } from 'citty';
import type { ArgsDef } from 'citty';
import { exitStatus } from '../kernel/errors.js';
import { COMMANDS, commandEntry, entry as tableEntry } from './command_table.js';
import type { CommandEntry, LoadedCommand } from './command_table.js';
import { EXIT_OK, UserError, renderUserError } from './errors.js';
import type { MemhpError } from '../kernel/errors.js';
import type { Io } from './io.js';
import { SHELL_COMMANDS, commandUsage, mainUsage, versionLine } from './usage.js';

/** Run the CLI on `argv` (without node and script); returns the exit code. Only the command named is loaded. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.out(await mainUsage(io));
    return name === undefined ? exitStatus('E_USAGE') : EXIT_OK;
  }
  if (VERSION_FLAGS.has(name)) {
    io.out(versionLine());
    return EXIT_OK;
  }
  const entry = commandEntry(name) ?? (Object.hasOwn(SHELL, name) ? SHELL[name] : undefined);
  if (!entry) {
    const e = new UserError('E_USAGE', `unknown command '${name}'`, [], `commands: ${[...Object.keys(COMMANDS), ...Object.keys(SHELL)].join(', ')}; see memhp --help`);
    renderUserError(io, e);
    return e.status;
  }
  // Before `--`, -h/--help and -V/--version win over everything else, on every command.
  const flags = rest.indexOf('--') < 0 ? rest : rest.slice(0, rest.indexOf('--'));
  if (flags.some((a) => VERSION_FLAGS.has(a))) {
    io.out(versionLine());
    return EXIT_OK;
  }
  const cmd = await entry.load();
  if (flags.includes('--help') || flags.includes('-h')) {
    io.out(await commandUsage(io, cmd.def));
    return EXIT_OK;
  }
  try {
    const argsDef = (cmd.def.args ?? {}) as ArgsDef;
    // A command that runs a COMMAND (capture) gets what follows `--` as args['--'], unparsed.
    const dashes = TAKES_COMMAND.has(name) ? rest.indexOf('--') : -1;
    const own = dashes < 0 ? rest : rest.slice(0, dashes);
    checkArgs(name, argsDef, own);
    const args = parseArgs(own as string[], argsDef) as Record<string, unknown>;
    if (dashes >= 0) args['--'] = rest.slice(dashes + 1);
    // Machine-readable output gets no progress bar, even on a terminal.
    return await cmd.run(args.json === true ? withoutProgress(io) : io, args);
  } catch (e) {
    if (e instanceof UserError) {
      renderUserError(io, e);
      return e.status;
    }
    // A forged record of a format-3 log, met when a query first decoded its block.
    // (Told by its name: --help and --version load nothing of the log but its version.)
    if (e instanceof Error && e.name === 'LogDamageError') {
      const u = UserError.from(e as Error & MemhpError, 'a record was changed and the chain sealed again after it was written; the steps of the frames before this one are intact');
      renderUserError(io, u);
      return u.status;
    }
    throw e;
  }
}

// --- internal ---

/** help and completion: outside the command table, as they read it (the table importing them would be a cycle). */
const SHELL: Readonly<Record<string, CommandEntry>> = {
  help: tableEntry(SHELL_COMMANDS.help, async (): Promise<LoadedCommand> => {
    const m = await import('./commands/help.js');
    return { def: m.helpCommandDef as unknown as LoadedCommand['def'], run: m.runHelp as LoadedCommand['run'] };
  }),
  completion: tableEntry(SHELL_COMMANDS.completion, async (): Promise<LoadedCommand> => {
    const m = await import('./commands/completion.js');
    return { def: m.completionCommandDef as unknown as LoadedCommand['def'], run: m.runCompletion as LoadedCommand['run'] };
  }),
};

/** `io` without its progress stream. */
function withoutProgress(io: Io): Io {
  const { progress: _, ...rest } = io;
  return rest;
}

/** Commands that run a COMMAND given after `--` (passed to them as `args['--']`). */
const TAKES_COMMAND = new Set(['capture']);

/** Commands whose last positional may be given several times (check RUN…); citty gives them all as args._. */
const MANY_POSITIONALS = new Set(['check']);

/** The flags that print memhp's version, anywhere before `--`. */
const VERSION_FLAGS = new Set(['--version', '-V']);

/** Refuse unknown options, options missing their value, and missing or extra positionals. */
function checkArgs(cmd: string, def: ArgsDef, argv: readonly string[]): void {
  const known = new Map<string, string>();
  const positionals: string[] = [];
  let required = 0;
  for (const [key, d] of Object.entries(def)) {
    if (d.type === 'positional') {
      positionals.push(key);
      if (d.required !== false) required++;
      continue;
    }
    known.set(key, d.type ?? 'string');
    const alias = 'alias' in d ? d.alias : undefined;
    for (const a of alias === undefined ? [] : Array.isArray(alias) ? alias : [alias]) known.set(a, d.type ?? 'string');
  }
  let seen = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a.startsWith('-') && a !== '-' && !/^-\d/.test(a)) {
      const [flag = '', inline] = a.replace(/^--?/, '').split('=', 2);
      const type = known.get(flag) ?? (flag.startsWith('no-') && known.get(flag.slice(3)) === 'boolean' ? 'boolean' : undefined);
      if (!type) throw new UserError('E_USAGE', `unknown option '${a}' for '${cmd}'`, [], `see memhp ${cmd} --help`);
      if (type === 'string' && inline === undefined) {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) throw new UserError('E_USAGE', `option '${a}' needs a value`, [], `see memhp ${cmd} --help`);
        i++;
      }
    } else {
      seen++;
    }
  }
  if (seen < required) throw new UserError('E_USAGE', `missing ${positionals.slice(seen, required).map((p) => p.toUpperCase()).join(' ')} for '${cmd}'`, [], `see memhp ${cmd} --help`);
  if (seen > positionals.length && !MANY_POSITIONALS.has(cmd)) throw new UserError('E_USAGE', `too many arguments for '${cmd}'`, [], `see memhp ${cmd} --help`);
}
