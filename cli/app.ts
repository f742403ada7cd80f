/**
 * The CLI without the process: `runCli(argv, io)` parses the command line with citty's definitions
 * and parser, dispatches, renders user errors as one line, and returns the exit code
 * (0 ok, else the status of the error's code in kernel/errors.ts). Only cli/main.ts exits.
 */
import { stripVTControlCharacters } from 'node:util';
import { parseArgs, renderUsage } from 'citty';
import type { ArgsDef, CommandDef } from 'citty';
import { MEMHP_VERSION } from '../log/serialize.js';
import { bisectCommandDef, runBisect } from './commands/bisect.js';
import { captureCommandDef, runCapture } from './commands/capture.js';
import { blameCommandDef, runBlame } from './commands/blame.js';
import { checkCommandDef, runCheck } from './commands/check.js';
import { compareCommandDef, runCompare } from './commands/compare.js';
import { diffCommandDef, runDiff } from './commands/diff.js';
import { forkCommandDef, runFork } from './commands/fork.js';
import { invariantsCommandDef, runInvariants } from './commands/invariants.js';
import { printCommandDef, runPrint } from './commands/print.js';
import { probesCommandDef, runProbes } from './commands/probes.js';
import { profilesCommandDef, runProfiles } from './commands/profiles.js';
import { recordCommandDef, runRecord } from './commands/record.js';
import { replayCommandDef, runReplay } from './commands/replay.js';
import { runCommandDef, runRun } from './commands/run.js';
import { runShrink, shrinkCommandDef } from './commands/shrink.js';
import { runState, stateCommandDef } from './commands/state.js';
import { runTraceToScenario, traceToScenarioCommandDef } from './commands/trace_to_scenario.js';
import { runVerify, verifyCommandDef } from './commands/verify.js';
import { runView, viewCommandDef } from './commands/view.js';
import { exitStatus } from '../kernel/errors.js';
import { EXIT_OK, UserError, renderUserError } from './errors.js';
import type { Io } from './io.js';

type Runner = (io: Io, args: Record<string, unknown>) => number | Promise<number>;

/** Commands that run a COMMAND given after `--` (passed to them as `args['--']`). */
const TAKES_COMMAND = new Set(['capture']);

/** Every command: its citty definition and its runner, in the order --help lists them. */
const COMMANDS: Record<string, { def: CommandDef<ArgsDef>; run: Runner }> = {
  run: command(runCommandDef, runRun),
  record: command(recordCommandDef, runRecord),
  fork: command(forkCommandDef, runFork),
  replay: command(replayCommandDef, runReplay),
  state: command(stateCommandDef, runState),
  diff: command(diffCommandDef, runDiff),
  compare: command(compareCommandDef, runCompare),
  check: command(checkCommandDef, runCheck),
  verify: command(verifyCommandDef, runVerify),
  probes: command(probesCommandDef, runProbes),
  capture: command(captureCommandDef, runCapture),
  view: command(viewCommandDef, runView),
  'trace-to-scenario': command(traceToScenarioCommandDef, runTraceToScenario),
  profiles: command(profilesCommandDef, runProfiles),
  bisect: command(bisectCommandDef, runBisect),
  blame: command(blameCommandDef, runBlame),
  print: command(printCommandDef, runPrint),
  invariants: command(invariantsCommandDef, runInvariants),
  shrink: command(shrinkCommandDef, runShrink),
};

/** The top-level command (for --help). */
export const mainCommand = {
  meta: { name: 'memhp', version: MEMHP_VERSION, description: 'A time machine for Linux memory hotplug (sub-section hotplug, mm/sparse.c)' },
  subCommands: Object.fromEntries(Object.entries(COMMANDS).map(([name, c]) => [name, c.def])),
} satisfies CommandDef<ArgsDef>;

/** Run the CLI on `argv` (without node and script); returns the exit code. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.out(usageText(io, await renderUsage(mainCommand as CommandDef<ArgsDef>)));
    return name === undefined ? exitStatus('E_USAGE') : EXIT_OK;
  }
  if (name === '--version') {
    io.out(`${MEMHP_VERSION}\n`);
    return EXIT_OK;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    const e = new UserError('E_USAGE', `unknown command '${name}'`, [], `commands: ${Object.keys(COMMANDS).join(', ')}; see memhp --help`);
    renderUserError(io, e);
    return e.status;
  }
  const dashes = TAKES_COMMAND.has(name) ? rest.indexOf('--') : -1;
  const after = dashes < 0 ? undefined : rest.slice(dashes + 1);
  if (dashes >= 0) rest.splice(dashes);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(usageText(io, await renderUsage(cmd.def, mainCommand as CommandDef<ArgsDef>)));
    return EXIT_OK;
  }
  try {
    const argsDef = (cmd.def.args ?? {}) as ArgsDef;
    checkArgs(name, argsDef, rest);
    const args = parseArgs(rest as string[], argsDef) as Record<string, unknown>;
    if (after !== undefined) args['--'] = after;
    return await cmd.run(io, args);
  } catch (e) {
    if (e instanceof UserError) {
      renderUserError(io, e);
      return e.status;
    }
    throw e;
  }
}

// --- internal ---

/** A command's definition and runner, typed for the table (each runner takes its own parsed arguments). */
function command<D extends ArgsDef, A>(def: CommandDef<D>, run: (io: Io, args: A) => number | Promise<number>): { def: CommandDef<ArgsDef>; run: Runner } {
  return { def: def as unknown as CommandDef<ArgsDef>, run: run as Runner };
}

/** citty colours its usage text itself: keep the colours only when our Io has colour on. */
function usageText(io: Io, text: string): string {
  const plain = io.color.isColorSupported ? text : stripVTControlCharacters(text);
  return `${plain.replace(/[ \t]+$/gm, '')}\n`;
}

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
  if (seen > positionals.length) throw new UserError('E_USAGE', `too many arguments for '${cmd}'`, [], `see memhp ${cmd} --help`);
}
