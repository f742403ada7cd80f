/**
 * `memhp capture`: record this machine's memory hotplug with memhp's probes (those of `memhp
 * probes`, for the running kernel's BTF or --btf), in a tracefs instance of its own, while a
 * COMMAND runs or until Ctrl-C/SIGTERM; the run directory is what `memhp check DIR` reads.
 * `--script` prints the same recorder as a POSIX sh script instead. The recorder is capture/.
 */
import { defineCommand } from 'citty';
import { capture, defaultCaptureDir, type CaptureResult } from '../../capture/capture.js';
import { captureScript, SCRIPT_GROUP } from '../../capture/script.js';
import { MEMHP_VERSION } from '../../log/serialize.js';
import { guestProbes, type GuestProbes } from '../../verify/probes.js';
import { btfFromFile } from '../../verify/vmlinux.js';
import { inputArgs } from '../args.js';
import { EXIT_OK, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { watchedSections } from '../sections.js';
import { RUNNING_BTF } from './probes.js';

/** The tracefs mount capture uses by default. */
const TRACEFS = '/sys/kernel/tracing';

/** The `capture` command's definition (meta and arguments). */
export const captureCommandDef = defineCommand({
  meta: { name: 'capture', description: "Record this machine's memory hotplug (root): memhp capture [-o DIR] [--sections LIST] [-- COMMAND…]" },
  args: {
    out: { type: 'string', alias: 'o', description: 'the run directory (default memhp-capture-YYYYMMDD-HHMMSS)', valueHint: 'DIR' },
    sections: { type: 'string', description: 'the sections to snapshot, e.g. 4,8-10,32', valueHint: 'LIST' },
    range: { type: 'string', description: 'or the sections of a physical range, e.g. 0x40000000-0x4fffffff', valueHint: 'START-END' },
    btf: { type: 'string', description: `the kernel's BTF for the probes (default ${RUNNING_BTF})`, valueHint: 'FILE' },
    running: { type: 'boolean', description: `with --script: the running kernel's BTF (${RUNNING_BTF}); the default` },
    tracefs: { type: 'string', description: `the tracefs mount (default ${TRACEFS})`, valueHint: 'DIR' },
    'buffer-kb': { type: 'string', description: "the instance's ring buffer per CPU in KiB (default: the kernel's)", valueHint: 'N' },
    script: { type: 'boolean', description: 'print the recorder as a POSIX sh script instead of recording' },
    json: inputArgs.json,
    verbose: { type: 'boolean', alias: 'v', description: 'print each stage of the recording' },
  },
});

/** The parsed arguments (`--` and what follows it: the COMMAND). */
export interface CaptureArgs {
  out?: string;
  sections?: string;
  range?: string;
  btf?: string;
  running?: boolean;
  tracefs?: string;
  'buffer-kb'?: string;
  script?: boolean;
  json?: boolean;
  verbose?: boolean;
  '--'?: string[];
}

/** Execute `memhp capture`; returns the exit code (the COMMAND's status when it failed, 128+N after signal N). */
export async function runCapture(io: Io, args: CaptureArgs): Promise<number> {
  if (args.btf !== undefined && args.running) throw new UserError('E_USAGE', 'give --btf FILE or --running, not both');
  const sections = watchedSections(args);
  const bufferKb = args['buffer-kb'] === undefined ? undefined : Number(args['buffer-kb']);
  if (bufferKb !== undefined && (!Number.isSafeInteger(bufferKb) || bufferKb < 1)) throw new UserError('E_USAGE', `--buffer-kb ${args['buffer-kb']}: expected a whole number of KiB`);
  const command = args['--'] === undefined || args['--'].length === 0 ? null : args['--'];
  const file = args.btf ?? RUNNING_BTF;
  if (args.script) {
    if (command !== null || args.out !== undefined || args.tracefs !== undefined || bufferKb !== undefined) throw new UserError('E_USAGE', '--script prints the recorder: give -o, --tracefs, --buffer-kb and the COMMAND to the script (sh capture.sh -o DIR -t TRACEFS -b KB -- COMMAND)');
    const p = probesFor(file, args.btf, sections, SCRIPT_GROUP);
    io.out(captureScript({ probes: p.kprobeEvents, sections, spr: p.spr, source: file, version: MEMHP_VERSION, notes: p.notes }));
    return EXIT_OK;
  }
  if (args.running) throw new UserError('E_USAGE', '--running is for --script: a capture uses the running kernel unless --btf is given');
  const group = `memhp_${process.pid}`;
  const p = probesFor(file, args.btf, sections, group);
  const out = args.out ?? defaultCaptureDir(new Date());
  const ctl = new AbortController();
  const onSignal = (s: NodeJS.Signals): void => {
    if (!ctl.signal.aborted) ctl.abort(s);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, onSignal);
  let r: Awaited<ReturnType<typeof capture>>;
  try {
    const progress = (t: string): void => {
      if (args.verbose && !args.json) io.out(`capture: ${t}\n`);
    };
    if (sections.length === 0) progress('no --sections/--range: no section snapshots (check then compares only the calls)');
    r = await capture(
      {
        tracefs: args.tracefs ?? TRACEFS,
        out,
        instance: `memhp-${process.pid}`,
        probes: p.kprobeEvents,
        sections,
        spr: p.spr,
        ...(bufferKb === undefined ? {} : { bufferKb }),
        command,
        btf: file,
        notes: p.notes,
      },
      { progress, signal: ctl.signal },
    );
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
  if (!r.ok) throw new UserError(r.error.code, r.error.message, [], r.error.hint);
  return report(io, r.value, args);
}

// --- internal ---

/** The probes of the kernel in `file` with the group `group` (return snapshots included). */
function probesFor(file: string, btfArg: string | undefined, sections: readonly number[], group: string): GuestProbes {
  const btf = btfFromFile(file);
  if (!btf.ok) throw new UserError(btf.code, btf.message, [], btfArg === undefined ? 'give the kernel with --btf FILE (a vmlinux, a bzImage, or /sys/kernel/btf/vmlinux copied from it)' : undefined);
  const p = guestProbes(btf.value, sections, { group, returnSnapshots: true });
  if (!p.ok) throw new UserError(p.code, p.message);
  return p.value;
}

/** Print what was recorded; the exit code. */
function report(io: Io, r: CaptureResult, args: CaptureArgs): number {
  const code = r.signal !== null ? 128 + signalNumber(r.signal) : r.exit !== null && r.exit !== 0 ? r.exit : EXIT_OK;
  if (args.json) {
    io.out(`${JSON.stringify({ dir: r.dir, exit: r.exit, signal: r.signal, defined: r.defined, refused: r.refused, traceLines: r.traceLines, lostEvents: r.lostEvents, leftBehind: r.leftBehind })}\n`);
  } else if (r.dir === null) {
    io.out(`capture: ${r.signal ?? 'a signal'} before the recording began: nothing recorded\n`);
  } else {
    io.out(`capture: ${r.dir}: ${r.traceLines} trace lines, ${r.defined} probes${r.refused.length > 0 ? ` (${r.refused.length} refused)` : ''}${r.exit === null ? '' : `, command exit ${r.exit}`}${r.signal === null ? '' : `, ended by ${r.signal}`}\n`);
    io.out(`capture: read it with: memhp check ${r.dir}\n`);
  }
  // Refused probes and lost events weaken the check: said on stderr, at run.json's line 1.
  const at = `${r.dir}/run.json:1`;
  if (r.dir !== null && r.refused.length > 0) {
    const fns = [...new Set(r.refused.map((p) => p.line.split(' ')[1] ?? ''))];
    io.err(`${at}: warning: the kernel refused ${r.refused.length} probe line(s), of ${fns.join(', ')}: see "refused" in run.json\n  hint: functions without an ftrace site (__meminit) or inlined cannot be probed; check compares their effect through the snapshots\n`);
  }
  if (r.dir !== null && r.lostEvents > 0) io.err(`${at}: warning: the ring buffer lost ${r.lostEvents} events: steps may be missing\n  hint: record again with a larger --buffer-kb\n`);
  if (r.leftBehind.length > 0) {
    io.err(`memhp: error[E_ENV]: not cleaned up: ${r.leftBehind.join('; ')}\n`);
    return code === EXIT_OK ? 2 : code;
  }
  return code;
}

/** SIGHUP → 1, SIGINT → 2, SIGTERM → 15. */
function signalNumber(name: string): number {
  return name === 'SIGINT' ? 2 : name === 'SIGTERM' ? 15 : 1;
}
