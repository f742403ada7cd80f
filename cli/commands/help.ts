/** `memhp help [COMMAND]`: the usage of memhp, or of one command (the same text as `memhp COMMAND --help`). */
import { defineCommand } from 'citty';
import type { ArgsDef, CommandDef } from 'citty';
import { COMMANDS, commandEntry } from '../command_table.js';
import { EXIT_OK, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { SHELL_COMMANDS, commandUsage, mainUsage } from '../usage.js';

/** The `help` command's definition (meta and arguments). */
export const helpCommandDef = defineCommand({
  meta: { name: 'help', description: SHELL_COMMANDS.help },
  args: {
    command: { type: 'positional', description: 'the command whose usage to show (default: every command)', required: false, valueHint: 'COMMAND' },
  },
});

/** Execute `memhp help [COMMAND]`; returns the exit code. */
export async function runHelp(io: Io, args: { command?: string }): Promise<number> {
  if (args.command === undefined) {
    io.out(await mainUsage(io));
    return EXIT_OK;
  }
  const def = await definitionOf(args.command);
  io.out(await commandUsage(io, def));
  return EXIT_OK;
}

// --- internal ---

/** The citty definition of the command named `name`; throws UserError for an unknown name. */
async function definitionOf(name: string): Promise<CommandDef<ArgsDef>> {
  const entry = commandEntry(name);
  if (entry) return (await entry.load()).def;
  if (name === 'help') return helpCommandDef as unknown as CommandDef<ArgsDef>;
  if (name === 'completion') return (await import('./completion.js')).completionCommandDef as unknown as CommandDef<ArgsDef>;
  throw new UserError('E_USAGE', `unknown command '${name}'`, [], `commands: ${[...Object.keys(COMMANDS), ...Object.keys(SHELL_COMMANDS)].join(', ')}; see memhp --help`);
}
