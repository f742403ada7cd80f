/** The usage texts (`memhp --help`, `memhp COMMAND --help`, `memhp help [COMMAND]`) and the version line. */
import { stripVTControlCharacters } from 'node:util';
import { renderUsage } from 'citty';
import type { ArgsDef, CommandDef } from 'citty';
import { MEMHP_VERSION } from '../log/version.js';
import { COMMANDS } from './command_table.js';
import type { Io } from './io.js';

/** What `memhp --version`, `-V` and `memhp COMMAND --version` print: name and version, as crash and drgn do. */
export function versionLine(): string {
  return `memhp ${MEMHP_VERSION}\n`;
}

/** The shell's own commands (run by cli/app.ts, after the table's), by name: their descriptions. */
export const SHELL_COMMANDS = {
  help: 'Show the usage of memhp, or of one command (memhp help COMMAND is memhp COMMAND --help)',
  completion: 'Print a shell completion script for bash, zsh or fish (e.g. source <(memhp completion bash))',
} as const;

/**
 * The top-level command as citty renders it: each command by its table row's name and description
 * only, so listing them loads none of their modules.
 */
export const mainCommand = {
  meta: { name: 'memhp', version: MEMHP_VERSION, description: 'A time machine for Linux memory hotplug (sub-section hotplug, mm/sparse.c)' },
  subCommands: Object.fromEntries([...Object.entries(COMMANDS).map(([name, c]) => [name, c.description]), ...Object.entries(SHELL_COMMANDS)].map(([name, description]) => [name, { meta: { name, description } }])),
} satisfies CommandDef<ArgsDef>;

/** `memhp --help`: the commands and the options every command takes. */
export async function mainUsage(io: Io): Promise<string> {
  const text = await renderUsage(mainCommand as CommandDef<ArgsDef>);
  return usageText(io, `${text}\n\n${GLOBAL_OPTIONS}`);
}

/** `memhp COMMAND --help` for a loaded command's definition. */
export async function commandUsage(io: Io, def: CommandDef<ArgsDef>): Promise<string> {
  const text = await renderUsage(def, mainCommand as CommandDef<ArgsDef>);
  return usageText(io, `${text}\n\n${GLOBAL_OPTIONS}`);
}

// --- internal ---

/** The options every command takes, and where to read more. */
const GLOBAL_OPTIONS = [
  'Every command also takes -h/--help (its usage) and -V/--version (memhp\'s version).',
  'memhp help COMMAND is memhp COMMAND --help; memhp completion bash|zsh|fish prints a shell completion script.',
].join('\n');

/** citty colours its usage text itself: keep the colours only when our Io has colour on. */
function usageText(io: Io, text: string): string {
  const plain = io.color.isColorSupported ? text : stripVTControlCharacters(text);
  return `${plain.replace(/[ \t]+$/gm, '')}\n`;
}
