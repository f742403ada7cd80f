/** `memhp print FILE --section S --field F [--bit K] [--from A --to B]`: a field's value at every step of a range. */
import { defineCommand } from 'citty';
import { fieldHistory } from '../../query/print.js';
import { inputArgs } from '../args.js';
import { EXIT_OK } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput, loadOptions } from '../load.js';
import type { InputArgValues } from '../load.js';
import { parseQuery, queryArgs } from '../query.js';
import { stepTag } from '../../present/render.js';

/** The `print` command's definition (meta and arguments). */
export const printCommandDef = defineCommand({
  meta: { name: 'print', description: 'Print a section field\'s value at every step of a range, one line per step where it changed' },
  args: { ...inputArgs, ...queryArgs, field: { ...queryArgs.field, description: `${queryArgs.field.description} (default subsection_map)` } },
});

/** Execute `memhp print`; returns the exit code. */
export function runPrint(io: Io, args: InputArgValues & { file: string; json?: boolean; section?: string; field?: string; bit?: string; from?: string; to?: string }): number {
  const loaded = loadInput(io, args.file, loadOptions(args));
  const q = parseQuery(loaded.log, 'print', args, 'subsection_map');
  const entries = fieldHistory(loaded.log, q);
  if (args.json) {
    const out = entries.map((e) => ({ step: e.seq, source: `${e.source.file}:${e.source.line}`, text: e.text, value: e.value }));
    io.out(`${JSON.stringify({ file: loaded.file, section: q.section, field: q.field ?? 'subsection_map', bit: q.bit ?? null, from: q.from, to: q.to, entries: out })}\n`);
    return EXIT_OK;
  }
  const name = `section ${q.section} ${q.field ?? 'subsection_map'}${q.bit === undefined ? '' : ` bit ${q.bit}`}`;
  io.out(`${io.color.bold('memhp print')} ${loaded.file} ${name}, steps ${q.from}-${q.to}: ${entries.length - 1} change(s) after step ${q.from}\n`);
  for (const e of entries) io.out(`${stepTag(e)} ${e.text}: ${name} = ${e.value}\n`);
  return EXIT_OK;
}
