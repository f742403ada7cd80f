/** `memhp invariants`: the named invariants bisect and shrink can check, with their kernel source. */
import { defineCommand } from 'citty';
import { INVARIANTS } from '../../model/invariants.js';
import { STEP_PREDICATES } from '../../query/predicates.js';
import { EXIT_OK } from '../errors.js';
import type { Io } from '../io.js';

/** The `invariants` command's definition (meta and arguments). */
export const invariantsCommandDef = defineCommand({
  meta: { name: 'invariants', description: 'List the named invariants (--until invariant:NAME) and the step predicates' },
  args: { json: { type: 'boolean', description: 'machine-readable output' } },
});

/** Execute `memhp invariants`; returns the exit code. */
export function runInvariants(io: Io, args: { json?: boolean }): number {
  if (args.json) {
    io.out(`${JSON.stringify({ invariants: INVARIANTS.map((i) => ({ name: i.name, doc: i.doc, source: i.source })), stepPredicates: STEP_PREDICATES.map(([name, doc]) => ({ name, doc })) })}\n`);
    return EXIT_OK;
  }
  const c = io.color;
  io.out(`${c.bold('invariants')} (--until invariant:NAME; checked on the state after a step)\n`);
  for (const i of INVARIANTS) io.out(`  ${c.bold(i.name)}: ${i.doc}\n    ${c.dim(i.source)}\n`);
  io.out(`${c.bold('step predicates')} (--until NAME, or NAME:TEXT for only what mentions TEXT, e.g. hazard:F10; read from a step's outcome)\n`);
  for (const [name, doc] of STEP_PREDICATES) io.out(`  ${c.bold(name)}: ${doc}\n`);
  return EXIT_OK;
}
