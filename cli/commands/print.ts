/**
 * `memhp print FILE --section S|A-B|LIST --field F [--bit K] [--from A --to B]`: a field's value at
 * every step of a range, one line per step where it changed; several sections interleaved by step.
 */
import { defineCommand } from 'citty';
import { fieldHistory } from '../../query/print.js';
import type { PrintEntry } from '../../query/print.js';
import { inputArgs } from '../args.js';
import { EXIT_OK } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput, loadOptions } from '../load.js';
import type { InputArgValues } from '../load.js';
import { parseQuery, queryArgs } from '../query.js';
import { ranges } from '../../kernel/format.js';
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
  const entries: Array<PrintEntry & { section: number }> = [];
  for (const section of q.sections) for (const e of fieldHistory(loaded.log, { ...q, section })) entries.push({ ...e, section });
  // Oldest first; within a step, sections ascending (the sort is stable).
  entries.sort((a, b) => a.seq - b.seq);
  const many = q.sections.length > 1;
  const field = `${q.field ?? 'subsection_map'}${q.bit === undefined ? '' : ` bit ${q.bit}`}`;
  if (args.json) {
    const out = entries.map((e) => ({ step: e.seq, section: e.section, source: `${e.source.file}:${e.source.line}`, text: e.text, value: e.value }));
    io.out(`${JSON.stringify({ file: loaded.file, section: many ? null : q.sections[0], sections: q.sections, field: q.field ?? 'subsection_map', bit: q.bit ?? null, from: q.from, to: q.to, entries: out })}\n`);
    return EXIT_OK;
  }
  const changes = entries.length - q.sections.length;
  io.out(`${io.color.bold('memhp print')} ${loaded.file} section ${ranges(q.sections)} ${field}, steps ${q.from}-${q.to}: ${changes} change(s) after step ${q.from}\n`);
  for (const e of entries) io.out(`${stepTag(e)} ${e.text}: section ${e.section} ${field} = ${e.value}\n`);
  return EXIT_OK;
}
