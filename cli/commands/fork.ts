/** `memhp fork LOG --at N (--drop K | --insert 'OP' | --replace K 'OP') -o new.memhp`: a what-if log. */
import { basename } from 'node:path';
import { defineCommand } from 'citty';
import { parseOperationLine } from '../../inputs/operation_line.js';
import { forkLog } from '../../query/fork.js';
import type { ForkEdit } from '../../query/fork.js';
import { failedExpectations } from '../../log/record.js';
import type { ForkChange } from '../../log/serialize.js';
import { inputArgs, inputArgsWithout } from '../args.js';
import { writeOutputLines } from '../atomic_write.js';
import { exitStatus } from '../../kernel/errors.js';
import { EXIT_OK, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput, loadOptions, logMetaOf, parseStepArg } from '../load.js';
import { logFormatArg, requireOutput } from '../output_args.js';
import { logFileChunks } from '../../log/compact.js';

/** The `fork` command's definition (meta and arguments). */
export const forkCommandDef = defineCommand({
  meta: {
    name: 'fork',
    description:
      'Write a new log that shares steps 0..N with LOG and runs the rest again under the same profile with one change. ' +
      "Step numbers are LOG's: --drop K removes step K (N < K), --replace K 'OP' runs OP in its place (without K's expect lines), " +
      "--insert 'OP' runs OP as step N+1 (later steps move up one). Every later step keeps its expect lines, checked anew; LOG is only read. " +
      'A later step whose reads (its sections, the highest present section, ZONE_DEVICE ranges, once sites) are as in LOG is taken over from LOG, not run: it would do the same. ' +
      'Exit 1 when an expect line fails in the fork (it is written all the same).',
  },
  args: {
    // The fork runs under the profile of the log it forks: no --kernel, --arch, --paging, --config.
    ...inputArgsWithout('kernel', 'arch', 'paging', 'config'),
    file: { ...inputArgs.file, description: 'the log to fork (a log file, or any input memhp runs)', valueHint: 'LOG' },
    op: { type: 'positional', description: "the operation --replace K puts in step K's place", required: false, valueHint: 'OP' },
    at: { type: 'string', description: 'required: the last step the fork shares with LOG', valueHint: 'N' },
    drop: { type: 'string', description: 'drop step K (K > N)', valueHint: 'K' },
    insert: { type: 'string', description: "run OP as step N+1, e.g. 'add 0x200000000 64M'", valueHint: 'OP' },
    replace: { type: 'string', description: "replace step K (K > N) with the operation given after it: --replace K 'OP'", valueHint: 'K' },
    output: { type: 'string', alias: 'o', description: 'required: the new log file', valueHint: 'LOG' },
    format: { type: 'string', description: 'the log file format: 3 (compact, the default) or 2 (JSON lines)', valueHint: '3|2' },
  },
});

/** Execute `memhp fork`; returns the exit code. */
export async function runFork(io: Io, args: { file: string; op?: string; at?: string; drop?: string; insert?: string; replace?: string; output?: string; 'checkpoint-every'?: string; iomem?: string; json?: boolean; format?: string }): Promise<number> {
  const format = logFormatArg(args.format);
  const out = requireOutput('fork', args.output);
  const given = (['drop', 'insert', 'replace'] as const).filter((k) => args[k] !== undefined);
  if (given.length !== 1) throw new UserError('E_USAGE', `fork takes exactly one of --drop K, --insert 'OP', --replace K 'OP' (${given.length ? `got ${given.map((g) => `--${g}`).join(' and ')}` : 'got none'})`, [], 'see memhp fork --help');
  if (args.op !== undefined && args.replace === undefined) throw new UserError('E_USAGE', `unexpected argument '${args.op}': only --replace K takes an operation after it`, [], "use --insert 'OP' to add an operation");
  if (args.at === undefined) throw new UserError('E_USAGE', "missing --at N for 'fork'", [], 'N is the last step the fork shares with the log');
  const loaded = loadInput(io, args.file, loadOptions(args));
  const at = parseStepArg(loaded.log, '--at', args.at);
  const g = loaded.profile.geometry;
  const opLine = (flag: string, text: string): ReturnType<typeof parseOperationLine> & { ok: true } => {
    const r = parseOperationLine(g, text, { file: flag, line: 1 });
    if (!r.ok) throw UserError.atLines(`${flag}: invalid operation '${text}'`, r.errors);
    return r;
  };
  let edit: ForkEdit;
  let change: ForkChange;
  if (args.insert !== undefined) {
    edit = { kind: 'insert', op: opLine('--insert', args.insert).value };
    change = { kind: 'insert', op: edit.op.text };
  } else if (args.drop !== undefined) {
    const k = parseStepArg(loaded.log, '--drop', args.drop);
    edit = { kind: 'drop', step: k };
    change = { kind: 'drop', step: k };
  } else {
    const k = parseStepArg(loaded.log, '--replace', args.replace);
    if (args.op === undefined) throw new UserError('E_USAGE', "--replace K needs the operation after it: --replace K 'OP'");
    const op = opLine('--replace', args.op).value;
    edit = { kind: 'replace', step: k, op };
    change = { kind: 'replace', step: k, op: op.text };
  }
  // A log file's operations are its records: the fork reads them as it goes (scenario.steps would decode them all at once first).
  const forked = forkLog(loaded.log, loaded.logFile ? null : loaded.scenario.steps, at, edit);
  if (!forked.ok) throw new UserError(forked.code, forked.message, [], `steps run from 0 to ${loaded.log.length - 1}`);
  const { meta, opts } = logMetaOf(loaded);
  const origin = { file: basename(args.file), hash: loaded.logFile?.header.hash || meta.input.sha256, at, change };
  const fmeta = { ...meta, forkedFrom: origin };
  const bytes = await writeOutputLines(io, out, logFileChunks(forked.log, format, fmeta, opts), loaded.readFiles);
  const failed = failedExpectations(forked.log).filter((f) => f.seq > at).length;
  // The steps after N: run again through the model, or taken over from LOG (query/fork.ts).
  const after = forked.log.length - at - 1;
  const rerun = after - forked.reused;
  if (args.json) io.out(`${JSON.stringify({ output: out, forkedFrom: origin, steps: forked.log.length, shared: at + 1, rerun, reused: forked.reused, bytes, failedExpectations: failed })}\n`);
  else io.out(`forked ${args.file} after step ${at} into ${out}: steps 0..${at} shared, ${after} after (${rerun} run again, ${forked.reused} taken over from the original) with ${describeChange(change)}${failed ? `; ${failed} expectation(s) failed` : ''}\n`);
  return failed ? exitStatus('E_EXPECT') : EXIT_OK;
}

function describeChange(c: ForkChange): string {
  if (c.kind === 'drop') return `step ${c.step} dropped`;
  if (c.kind === 'insert') return `'${c.op}' inserted`;
  return `step ${c.step} replaced by '${c.op}'`;
}
