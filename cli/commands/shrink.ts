/**
 * `memhp shrink INPUT --until PREDICATE -o min.scn`: the smallest sub-sequence of the scenario's
 * operations that still makes the predicate true (query/shrink.ts, ddmin, 1-minimal), written as a
 * hand-editable scenario file (present/shrink_text.ts) atomically, never over a file it read, then loaded
 * again to check that it reproduces. Exit 0 written, 1 the predicate is not true for the input.
 */
import { defineCommand } from 'citty';
import { describeProfile } from '../../kernel/profile.js';
import { parsePredicate } from '../../query/predicates.js';
import { recordScenario } from '../../log/record.js';
import { firstTrue, shrinkScenario } from '../../query/shrink.js';
import { inputArgs, inputArgsWithout } from '../args.js';
import { writeFileAtomic } from '../atomic_write.js';
import { exitStatus } from '../../kernel/errors.js';
import { EXIT_OK, UserError, errorTag } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput } from '../load.js';
import { openInput } from '../input_file.js';
import { stepTag } from '../../present/render.js';
import { shrunkScenarioText } from '../../present/shrink_text.js';

/** The `shrink` command's definition (meta and arguments). */
export const shrinkCommandDef = defineCommand({
  meta: { name: 'shrink', description: 'Write the smallest sub-sequence of operations that still makes a predicate true (delta debugging)' },
  args: {
    // A scenario only (no trace, so no --iomem); its runs keep no log to checkpoint.
    ...inputArgsWithout('iomem', 'checkpoint-every'),
    file: { ...inputArgs.file, description: 'scenario file (docs/scenario-format.md)' },
    until: { type: 'string', description: 'required: warn, error, leak, hazard, expect (NAME:TEXT narrows, e.g. hazard:F10), or invariant:NAME', valueHint: 'PREDICATE' },
    output: { type: 'string', alias: 'o', description: 'required: the scenario file to write (never a file it reads)', valueHint: 'FILE' },
  },
});

/** Execute `memhp shrink`; returns the exit code. */
export async function runShrink(io: Io, args: { file: string; until?: string; output?: string; kernel?: string; arch?: string; config?: string; paging?: string; json?: boolean }): Promise<number> {
  if (args.until === undefined) throw new UserError('E_USAGE', "missing --until for 'shrink'", [], 'e.g. memhp shrink FILE --until hazard:F10 -o min.scn');
  if (args.output === undefined) throw new UserError('E_USAGE', "missing -o FILE for 'shrink'", [], 'e.g. memhp shrink FILE --until warn -o min.scn');
  const p = parsePredicate(args.until);
  if (!p.ok) throw UserError.from(p);
  const input = openInput(io, args.file);
  if (input.kind === 'trace' || input.kind === 'console') throw new UserError('E_USAGE', `${args.file} is a recorded trace: shrink takes a scenario file`, [], `memhp trace-to-scenario ${args.file} -o run.scn writes it as a scenario, then shrink run.scn`);
  const opts = { kernel: args.kernel, arch: args.arch, config: args.config, paging: args.paging };
  const loaded = loadInput(io, input, opts);
  const r = shrinkScenario(loaded.scenario, loaded.profile, p.value);
  const c = io.color;
  if (!r) {
    if (args.json) io.out(`${JSON.stringify({ file: loaded.file, until: args.until, output: null, operations: loaded.scenario.steps.length, kept: null })}\n`);
    else io.out(`${errorTag(io, 'E_NEVER')}: ${args.until} is never true in ${loaded.file} (${loaded.scenario.steps.length} operations): nothing to shrink, nothing written\n`);
    return exitStatus('E_NEVER');
  }
  const n = loaded.scenario.steps.length;
  const header = [
    `memhp shrink ${loaded.file} --until ${args.until}: ${r.steps.length} of ${n} operations kept (ddmin, ${r.tests} runs; dropping any one loses it)`,
    `profile: ${describeProfile(loaded.profile)}`,
    'each operation ends in a comment naming its line (and step) in the original',
    `reproduce: memhp bisect ${shellWord(args.output)} --until ${shellWord(args.until)}${Object.entries(opts).map(([k, v]) => (v === undefined ? '' : ` --${k} ${shellWord(v)}`)).join('')}`,
  ];
  const failing = new Map<number, string>();
  for (const s of recordScenario({ ...loaded.scenario, steps: r.steps }, loaded.profile).steps) for (const e of s.expects) if (!e.ok) failing.set(e.source.line, e.detail);
  await writeFileAtomic(io, args.output, shrunkScenarioText(loaded.text, loaded.scenario, r.steps, header, failing), loaded.readFiles);
  // Load what was written, as a user would, and check it reproduces.
  const again = loadInput(io, args.output, opts);
  const at = firstTrue(again.log, p.value);
  if (at === null) throw new UserError('E_INTERNAL', `${args.output}: the written scenario does not reproduce ${args.until} (a bug in memhp shrink, please report it)`);
  const kept = r.kept.map((i) => loaded.log.step(i + 1));
  if (args.json) {
    io.out(`${JSON.stringify({ file: loaded.file, until: args.until, output: args.output, operations: n, tests: r.tests, kept: kept.map((s) => ({ step: s.seq, source: `${s.source.file}:${s.source.line}`, text: s.text })), reproducesAt: at })}\n`);
    return EXIT_OK;
  }
  io.out(`${c.bold('memhp shrink')} ${loaded.file} --until ${args.until}: ${r.steps.length} of ${n} operations kept (${r.tests} runs)\n`);
  kept.forEach((s, j) => io.out(`${stepTag(s)} ${s.text}: kept as step ${j + 1}\n`));
  const s = again.log.step(at);
  io.out(`wrote ${args.output}; it reproduces: ${stepTag(s)} ${s.text}\n`);
  return EXIT_OK;
}

// --- internal ---

/** A word as a shell would need it: single-quoted when it holds anything but plain characters. */
function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`;
}
