/** `memhp export INPUT --format perfetto [-o FILE]`: the history as Chrome trace-event JSON for Perfetto. */
import { defineCommand } from 'citty';
import { MEMHP_VERSION } from '../../log/serialize.js';
import { perfettoLines, touchedSections, traceTimestamps } from '../../present/perfetto.js';
import { inputArgsWithout } from '../args.js';
import { writeOutputLines } from '../atomic_write.js';
import { EXIT_OK, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput, loadOptions } from '../load.js';
import type { InputArgValues } from '../load.js';

/** The formats `export` writes. */
export const EXPORT_FORMATS = ['perfetto'] as const;

/** Bytes of output gathered before one write to stdout. */
const CHUNK_BYTES = 1 << 16;

/** The `export` command's definition (meta and arguments). */
export const exportCommandDef = defineCommand({
  meta: {
    name: 'export',
    description:
      'Export the history as Chrome trace-event JSON for Perfetto: a "kernel calls" track (one slice per step, its call path nested, WARNs, hazards and failed expectations as instants), ' +
      'a "present sections" counter, and one track per section an operation touched with its machine states. One step is 1 ms (docs/usage.md)',
  },
  args: {
    ...inputArgsWithout('json'),
    format: { type: 'string', description: `output format: ${EXPORT_FORMATS.join(', ')} (default perfetto)`, valueHint: 'FORMAT' },
    output: { type: 'string', alias: 'o', description: 'write to this file (atomically) instead of stdout', valueHint: 'FILE' },
  },
});

/** Execute `memhp export`; returns the exit code (0 also when an expect line failed: that is an instant in the export). */
export async function runExport(io: Io, args: InputArgValues & { file: string; format?: string; output?: string }): Promise<number> {
  const format = args.format ?? 'perfetto';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UserError('E_USAGE', `unknown --format '${format}' for 'export'`, [], `formats: ${EXPORT_FORMATS.join(', ')}`);
  if (args.output === '') throw new UserError('E_USAGE', `-o needs a file name for 'export'`, [], 'leave out -o to write to stdout');
  const loaded = loadInput(io, args.file, loadOptions(args));
  const t = loaded.trace;
  const traceTimes = t === undefined ? undefined : traceTimestamps(loaded.log.walk(1), t.file, t.text);
  const lines = perfettoLines(loaded.log, { input: args.file, memhpVersion: MEMHP_VERSION, ...(traceTimes === undefined ? {} : { traceTimes }) });
  if (args.output === undefined) {
    let chunk = '';
    for (const l of lines) {
      chunk += `${l}\n`;
      if (chunk.length >= CHUNK_BYTES) {
        io.out(chunk);
        chunk = '';
      }
    }
    if (chunk) io.out(chunk);
    return EXIT_OK;
  }
  const bytes = await writeOutputLines(io, args.output, lines, loaded.readFiles);
  io.out(`exported ${loaded.log.length} steps (boot included) of ${args.file} into ${args.output}: ${touchedSections(loaded.log).length} section track(s), ${bytes} bytes (${format})\n`);
  return EXIT_OK;
}
