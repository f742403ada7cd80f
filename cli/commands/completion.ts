/** `memhp completion bash|zsh|fish`: a shell completion script for every command and option. */
import { defineCommand } from 'citty';
import type { ArgsDef } from 'citty';
import { ARCH_NAMES } from '../../kernel/geometry.js';
import { KERNELS } from '../../kernel/profile.js';
import { COMMANDS } from '../command_table.js';
import { SHELLS, commandSpec, completionScript } from '../completion.js';
import type { CommandSpec, CompletionWords, Shell } from '../completion.js';
import { EXIT_OK, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { SHELL_COMMANDS } from '../usage.js';

/** The `completion` command's definition (meta and arguments). */
export const completionCommandDef = defineCommand({
  meta: { name: 'completion', description: SHELL_COMMANDS.completion },
  args: {
    shell: { type: 'positional', description: `the shell: ${SHELLS.join(', ')}`, required: true, valueHint: SHELLS.join('|') },
  },
});

/** Execute `memhp completion SHELL`; returns the exit code. */
export async function runCompletion(io: Io, args: { shell: string }): Promise<number> {
  const shell = args.shell;
  if (!(SHELLS as readonly string[]).includes(shell)) throw new UserError('E_USAGE', `no completion for shell '${shell}'`, [], `shells: ${SHELLS.join(', ')}`);
  io.out(completionScript(shell as Shell, await commandSpecs()));
  return EXIT_OK;
}

/** Every command's completion spec, in --help's order (loads every command's module). */
export async function commandSpecs(): Promise<CommandSpec[]> {
  const words: CompletionWords = { kernels: KERNELS, arches: ARCH_NAMES };
  const specs: CommandSpec[] = [];
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const { def } = await entry.load();
    specs.push(commandSpec(name, entry.description, (def.args ?? {}) as ArgsDef, words));
  }
  const names = [...Object.keys(COMMANDS), ...Object.keys(SHELL_COMMANDS)];
  // help takes one positional, a command name (not imported: help.ts imports this module for `memhp help completion`).
  specs.push(commandSpec('help', SHELL_COMMANDS.help, {}, words, { kind: 'words', words: names }));
  specs.push(commandSpec('completion', SHELL_COMMANDS.completion, completionCommandDef.args as ArgsDef, words, { kind: 'words', words: SHELLS }));
  return specs;
}
