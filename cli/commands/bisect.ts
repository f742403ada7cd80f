/**
 * `memhp bisect FILE --until PREDICATE [--from A] [--to B]`: the first step that matches the
 * predicate — the first WARN, error, leak, hazard or failed expect, or the first step after which an
 * invariant is broken (query/bisect.ts says how) — with its source line, deciding call path,
 * warnings, hazards and the state diff against the step before. Exit 0 found, 1 none in the range.
 * The words say what happened (git bisect's "first bad"): an invariant "first fails here", a step
 * predicate is "first seen here"; when none is found, what was checked is said positively.
 */
import { defineCommand } from 'citty';
import { emptyState } from '../../model/model.js';
import { describeProfile } from '../../kernel/profile.js';
import { bisect } from '../../query/bisect.js';
import { diffStates } from '../../query/diff.js';
import { parsePredicate } from '../../query/predicates.js';
import { inputArgs } from '../args.js';
import { exitStatus } from '../../kernel/errors.js';
import { EXIT_OK, UserError, errorTag } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput, loadOptions, parseStepArg } from '../load.js';
import type { InputArgValues } from '../load.js';
import { diffLines, hazardLine, stepTag, warningLine } from '../../present/render.js';

/** The `bisect` command's definition (meta and arguments). */
export const bisectCommandDef = defineCommand({
  meta: { name: 'bisect', description: 'Find the first step with a WARN, error, leak, hazard or failed expect, or the first that breaks an invariant (exit 1 when none does)' },
  args: {
    ...inputArgs,
    until: { type: 'string', description: 'required: warn, error, leak, hazard, expect, or invariant:NAME (memhp invariants lists them)', valueHint: 'PREDICATE' },
    from: { type: 'string', description: 'first step to search (default 0, boot)', valueHint: 'A' },
    to: { type: 'string', description: 'last step to search (default the last)', valueHint: 'B' },
    exact: { type: 'boolean', description: 'invariants: the exact first violation, by one walk over the steps\' patch paths (one state built) instead of a binary search' },
  },
});

/** Execute `memhp bisect`; returns the exit code. */
export function runBisect(io: Io, args: InputArgValues & { file: string; until?: string; from?: string; to?: string; exact?: boolean; json?: boolean }): number {
  if (args.until === undefined) throw new UserError('E_USAGE', "missing --until for 'bisect'", [], 'e.g. memhp bisect FILE --until warn (memhp invariants lists the invariants)');
  const p = parsePredicate(args.until);
  if (!p.ok) throw UserError.from(p);
  const loaded = loadInput(io, args.file, loadOptions(args));
  const log = loaded.log;
  const from = args.from === undefined ? 0 : parseStepArg(log, '--from', args.from);
  const to = parseStepArg(log, '--to', args.to);
  if (from > to) throw new UserError('E_USAGE', `--from ${from} is after --to ${to}`);
  const r = bisect(log, p.value, { from, to, exact: args.exact ?? false });
  const found = r.found;
  const step = found ? log.step(found.seq) : null;
  const diff = found ? diffStates(loaded.profile.geometry, found.seq === 0 ? emptyState() : log.stateAt(found.seq - 1), log.stateAt(found.seq), Math.max(0, found.seq - 1), found.seq) : null;
  if (args.json) {
    const f =
      found && step
        ? { step: found.seq, source: `${step.source.file}:${step.source.line}`, text: step.text, why: found.why, path: step.outcome.path, ret: step.outcome.ret, warnings: step.outcome.warnings, hazards: step.outcome.hazards, diff }
        : null;
    io.out(`${JSON.stringify({ file: loaded.file, until: args.until, method: r.method, from: r.from, to: r.to, found: f, probes: r.probes.map((x) => ({ step: x.seq, value: x.value })), materialisations: r.materialisations })}\n`);
    return found ? EXIT_OK : exitStatus('E_NEVER');
  }
  const c = io.color;
  const how =
    r.method === 'scan'
      ? 'read from the stored outcomes, no state materialised'
      : r.method === 'exact'
        ? `exact walk over the patch paths, ${r.materialisations} state(s) materialised`
        : `binary search, ${r.materialisations} state(s) materialised`;
  io.out(`${c.bold('memhp bisect')} ${loaded.file} --until ${args.until} — ${describeProfile(loaded.profile)}\n`);
  if (!found || !step || !diff) {
    io.out(`${errorTag(io, 'E_NEVER')}: ${notFoundText(args.until, r.method, r.from, r.to)} (${how})\n`);
    return exitStatus('E_NEVER');
  }
  const tag = stepTag(step);
  const invariant = args.until.startsWith('invariant:');
  const since = found.seq === r.from && r.from > 0 ? ` (already ${invariant ? 'broken' : 'seen'} at --from ${r.from})` : '';
  const verb = invariant ? 'first fails here: broken after this step' : 'first seen here';
  io.out(`${tag} ${step.text}: ${c.bold(c.red(args.until))} ${verb}${since} (${how})\n`);
  for (const why of found.why) io.out(`${tag} ${c.red('why')}: ${why}\n`);
  if (step.outcome.path) io.out(`${tag} ${c.dim('path:')} ${step.outcome.path}\n`);
  for (const w of step.outcome.warnings) io.out(`${tag} ${c.yellow('WARNING')} ${warningLine(w)}\n`);
  for (const h of step.outcome.hazards) io.out(`${tag} ${c.red('HAZARD')} ${hazardLine(h)}\n`);
  for (const line of diffLines(diff, c, [log.step(Math.max(0, found.seq - 1)), step])) io.out(`${tag} ${line}\n`);
  return EXIT_OK;
}

/** What a bisect that found nothing checked, said positively (no "never turns true … does not hold"). */
export function notFoundText(until: string, method: string, from: number, to: number): string {
  if (until.startsWith('invariant:')) {
    if (method === 'binary') return `${until} holds at step ${to}, the end of steps ${from}-${to}: nothing to bisect (a break repaired before step ${to} is found by --exact)`;
    return `${until} holds after every step in ${from}-${to}`;
  }
  return `no step in ${from}-${to} matches ${until}`;
}
