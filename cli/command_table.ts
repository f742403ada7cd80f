/**
 * Every command by name: its one-line description (what `memhp --help` lists without loading any
 * command) and a loader that imports the command's module only when that command runs, so each call
 * loads only what it needs. test/cli_shell.test.ts checks each description against its module's.
 */
import type { ArgsDef, CommandDef } from 'citty';
import type { Io } from './io.js';

/** A command's runner, taking its own parsed arguments. */
export type Runner = (io: Io, args: Record<string, unknown>) => number | Promise<number>;

/** A loaded command: its citty definition and its runner. */
export interface LoadedCommand {
  readonly def: CommandDef<ArgsDef>;
  readonly run: Runner;
}

/** One row of the table. */
export interface CommandEntry {
  readonly description: string;
  readonly load: () => Promise<LoadedCommand>;
}

/** The commands in the order --help lists them (then help and completion, the shell's own: cli/app.ts). */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  run: entry('Run a scenario and print one row per step', async () => {
    const m = await import('./commands/run.js');
    return command(m.runCommandDef, m.runRun);
  }),
  record: entry(
    'Record the input into a log file, written atomically (never over a file it read): format 3 (compact: a JSON header, then hash-chained compressed blocks of 256 steps, loaded lazily) or, with --format 2, JSON lines (one hash-chained record per step). ' +
      'Every command takes the log file as its input. Exit 1 when an expect line failed (the log is written all the same).',
    async () => {
      const m = await import('./commands/record.js');
      return command(m.recordCommandDef, m.runRecord);
    },
  ),
  fork: entry(
    'Write a new log that shares steps 0..N with LOG and runs the rest again under the same profile with one change. ' +
      "Step numbers are LOG's: --drop K removes step K (N < K), --replace K 'OP' runs OP in its place (without K's expect lines), " +
      "--insert 'OP' runs OP as step N+1 (later steps move up one). Every later step keeps its expect lines, checked anew; LOG is only read. " +
      'A later step whose reads (its sections, the highest present section, ZONE_DEVICE ranges, once sites) are as in LOG is taken over from LOG, not run: it would do the same. ' +
      'Exit 1 when an expect line fails in the fork (it is written all the same).',
    async () => {
      const m = await import('./commands/fork.js');
      return command(m.forkCommandDef, m.runFork);
    },
  ),
  replay: entry('Replay a recorded kernel trace (trace.txt, console.log or its directory) into the log, one row per step', async () => {
    const m = await import('./commands/replay.js');
    return command(m.replayCommandDef, m.runReplay);
  }),
  state: entry('Show the sections after step N: alike neighbours grouped (--all: every section)', async () => {
    const m = await import('./commands/state.js');
    return command(m.stateCommandDef, m.runState);
  }),
  diff: entry(
    'Show what differs between the states after steps A and B of FILE, or between two logs: diff a.memhp@120 b.memhp@118 (LOG alone is its last step; both logs must have the same architecture geometry)',
    async () => {
      const m = await import('./commands/diff.js');
      return command(m.diffCommandDef, m.runDiff);
    },
  ),
  compare: entry('Run one scenario under several kernels and show where they diverge', async () => {
    const m = await import('./commands/compare.js');
    return command(m.compareCommandDef, m.runCompare);
  }),
  check: entry('Replay a real kernel trace through the model and list the differences', async () => {
    const m = await import('./commands/check.js');
    return command(m.checkCommandDef, m.runCheck);
  }),
  verify: entry('Run a scenario on a real Linux kernel under QEMU and check the model against what it did', async () => {
    const m = await import('./commands/verify.js');
    return command(m.verifyCommandDef, m.runVerify);
  }),
  probes: entry("The kprobe_events lines memhp records with, from a kernel's BTF", async () => {
    const m = await import('./commands/probes.js');
    return command(m.probesCommandDef, m.runProbes);
  }),
  capture: entry("Record this machine's memory hotplug (root): memhp capture [-o DIR] [--sections LIST] [-- COMMAND…]", async () => {
    const m = await import('./commands/capture.js');
    return command(m.captureCommandDef, m.runCapture);
  }),
  view: entry('Serve the web viewer of an input on 127.0.0.1 and print its URL (Ctrl-C stops it)', async () => {
    const m = await import('./commands/view.js');
    return command(m.viewCommandDef, m.runView);
  }),
  export: entry(
    'Export the history as Chrome trace-event JSON for Perfetto: a "kernel calls" track (one slice per step, its call path nested, WARNs, hazards and failed expectations as instants), ' +
      'a "present sections" counter, and one track per section an operation touched with its machine states. One step is 1 ms (docs/usage.md)',
    async () => {
      const m = await import('./commands/export.js');
      return command(m.exportCommandDef, m.runExport);
    },
  ),
  'trace-to-scenario': entry('Write a recorded trace as a scenario file (boot layout, operations, expect lines from the snapshots)', async () => {
    const m = await import('./commands/trace_to_scenario.js');
    return command(m.traceToScenarioCommandDef, m.runTraceToScenario);
  }),
  profiles: entry('List the kernel changes memhp knows, the named releases and the architectures', async () => {
    const m = await import('./commands/profiles.js');
    return command(m.profilesCommandDef, m.runProfiles);
  }),
  bisect: entry('Find the first step with a WARN, error, leak, hazard or failed expect, or the first that breaks an invariant (exit 1 when none does)', async () => {
    const m = await import('./commands/bisect.js');
    return command(m.bisectCommandDef, m.runBisect);
  }),
  blame: entry('List every step that changed a section (or a range or list of them), one of its fields or one bit, last writer first', async () => {
    const m = await import('./commands/blame.js');
    return command(m.blameCommandDef, m.runBlame);
  }),
  print: entry("Print a section field's value at every step of a range, one line per step where it changed", async () => {
    const m = await import('./commands/print.js');
    return command(m.printCommandDef, m.runPrint);
  }),
  invariants: entry('List the named invariants (--until invariant:NAME) and the step predicates', async () => {
    const m = await import('./commands/invariants.js');
    return command(m.invariantsCommandDef, m.runInvariants);
  }),
  shrink: entry('Write the smallest sub-sequence of operations that still makes a predicate true (delta debugging)', async () => {
    const m = await import('./commands/shrink.js');
    return command(m.shrinkCommandDef, m.runShrink);
  }),
};

/** The command named `name`, or undefined (no prototype names such as `toString`). */
export function commandEntry(name: string): CommandEntry | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

// --- internal ---

/** A table row. */
export function entry(description: string, load: () => Promise<LoadedCommand>): CommandEntry {
  return { description, load };
}

/** A command's definition and runner, typed for the table (each runner takes its own parsed arguments). */
function command<D extends ArgsDef, A>(def: CommandDef<D>, run: (io: Io, args: A) => number | Promise<number>): LoadedCommand {
  return { def: def as unknown as CommandDef<ArgsDef>, run: run as Runner };
}
