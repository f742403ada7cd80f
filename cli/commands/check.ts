/**
 * `memhp check TRACE`: replay a real kernel trace (a trace.txt, a console.log, or a directory
 * holding trace.txt) through the model and list every place where the model and the kernel differ.
 */
import { basename, dirname, join } from 'node:path';
import { defineCommand } from 'citty';
import { readConsoleTrace, readTrace } from '../../events/trace/index.js';
import { kernelForRelease, kernelFromBanner, traceToScenario } from '../../events/trace/to_scenario.js';
import { describeProfile, resolveProfile } from '../../machines/profile.js';
import { checkTrace } from '../../store/check.js';
import { EXIT_EXPECT, EXIT_OK, UserError } from '../errors.js';
import type { Io } from '../io.js';

/** The `check` command's definition (meta and arguments). */
export const checkCommandDef = defineCommand({
  meta: { name: 'check', description: 'Replay a real kernel trace through the model and list the differences' },
  args: {
    trace: { type: 'positional', description: 'trace.txt, console.log, or a directory holding trace.txt', required: true, valueHint: 'TRACE' },
    kernel: { type: 'string', description: 'kernel version whose rules to apply (default: the trace\'s banner, run.json, or the release directory name)', valueHint: 'VERSION' },
    json: { type: 'boolean', description: 'machine-readable output' },
  },
});

/** Execute `memhp check`; returns the exit code (0 no mismatch, 1 mismatches, 2 unreadable input). */
export function runCheck(io: Io, args: { trace: string; kernel?: string; json?: boolean }): number {
  let file = args.trace;
  let read = io.readFile(file);
  if (!read.ok && /is a directory/.test(read.message)) {
    file = join(args.trace, 'trace.txt');
    read = io.readFile(file);
  }
  if (!read.ok) throw new UserError(read.message);
  const doc = basename(file) === 'console.log' ? readConsoleTrace(read.text, file) : readTrace(read.text, file);
  if (!doc.ok) throw new UserError(`${file}: unreadable trace`, doc.errors);
  const ts = traceToScenario(doc.value, file);
  if (!ts.ok) throw new UserError(`${file}: cannot translate the trace`, ts.errors);

  const kernel = args.kernel ?? ts.value.kernel ?? kernelOfRun(io, dirname(file)) ?? kernelForRelease(basename(dirname(dirname(file))));
  if (kernel === null) throw new UserError(`${file}: no kernel banner and no release directory name`, [], 'give --kernel VERSION, e.g. --kernel 6.1.192');
  const r = resolveProfile({ kernel });
  if (!r.ok) throw new UserError(r.message, [], 'see memhp profiles for the releases memhp models');

  const res = checkTrace(ts.value, r.profile);
  const where = (line: number): string => `${basename(file)}:${line}`;
  if (args.json) {
    io.out(
      `${JSON.stringify({
        file,
        kernel,
        steps: res.log.length - 1,
        snapshots: res.snapshots,
        sections: res.sections,
        fieldsCompared: res.fieldsCompared,
        mismatches: res.mismatches.map((m) => ({ step: m.step, file: m.source.file, line: m.source.line, section: m.section, field: m.field, model: m.model, kernel: m.kernel })),
      })}\n`,
    );
  } else {
    const c = io.color;
    io.out(`${c.bold('memhp check')} ${file} — ${describeProfile(r.profile)}\n`);
    for (const m of res.mismatches) {
      const what = m.section === null ? m.field : `section ${m.section} ${m.field}`;
      io.out(`[step ${m.step} ${where(m.source.line)}] ${what}: model ${m.model}, kernel ${m.kernel}\n`);
    }
    const summary = `${res.log.length - 1} steps, ${res.snapshots} snapshots, ${res.sections} sections, ${res.fieldsCompared} fields compared, ${res.mismatches.length} mismatches`;
    io.out(`${res.mismatches.length ? c.red(summary) : summary}\n`);
  }
  return res.mismatches.length ? EXIT_EXPECT : EXIT_OK;
}

/** The kernel named by run.json's banner beside the trace, if there is one. */
function kernelOfRun(io: Io, dir: string): string | null {
  const run = io.readFile(join(dir, 'run.json'));
  if (!run.ok) return null;
  try {
    const j = JSON.parse(run.text) as { kernel_version_banner?: unknown; kernel_release?: unknown };
    if (typeof j.kernel_version_banner === 'string') {
      const k = kernelFromBanner(j.kernel_version_banner);
      if (k !== null) return k;
    }
    return typeof j.kernel_release === 'string' ? kernelForRelease(j.kernel_release) : null;
  } catch {
    return null;
  }
}
