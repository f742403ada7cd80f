/**
 * `memhp blame FILE --section S|A-B|LIST [--bit K] [--field F]`: every step that changed the
 * section(s), last writer first. With several sections each line names its section.
 */
import { defineCommand } from 'citty';
import { blame } from '../../query/blame.js';
import type { BlameEntry } from '../../query/blame.js';
import { inputArgs } from '../args.js';
import { EXIT_OK } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput, loadOptions } from '../load.js';
import type { InputArgValues } from '../load.js';
import { parseQuery, queryArgs } from '../query.js';
import { ranges } from '../../kernel/format.js';
import { stepTag } from '../../present/render.js';

/** The `blame` command's definition (meta and arguments). */
export const blameCommandDef = defineCommand({
  meta: { name: 'blame', description: 'List every step that changed a section (or a range or list of them), one of its fields or one bit, last writer first' },
  args: { ...inputArgs, ...queryArgs },
});

/** Execute `memhp blame`; returns the exit code (0, also when nothing changed it). */
export function runBlame(io: Io, args: InputArgValues & { file: string; json?: boolean; section?: string; field?: string; bit?: string; from?: string; to?: string }): number {
  const loaded = loadInput(io, args.file, loadOptions(args));
  const q = parseQuery(loaded.log, 'blame', args);
  const entries: Array<BlameEntry & { section: number }> = [];
  for (const section of q.sections) for (const e of blame(loaded.log, { ...q, section })) entries.push({ ...e, section });
  // Last writer first; within a step, sections ascending (the sort is stable).
  entries.sort((a, b) => b.seq - a.seq);
  const many = q.sections.length > 1;
  const list = ranges(q.sections);
  const what = `section ${list}${q.field === undefined ? '' : ` ${q.field}`}${q.bit === undefined ? '' : ` bit ${q.bit}`}`;
  if (args.json) {
    const out = entries.map((e) => ({ step: e.seq, section: e.section, source: `${e.source.file}:${e.source.line}`, text: e.text, field: e.field, ...(e.bit === undefined ? {} : { bit: e.bit }), before: e.before, after: e.after }));
    io.out(`${JSON.stringify({ file: loaded.file, section: many ? null : q.sections[0], sections: q.sections, field: q.field ?? null, bit: q.bit ?? null, from: q.from, to: q.to, entries: out })}\n`);
    return EXIT_OK;
  }
  const c = io.color;
  io.out(`${c.bold('memhp blame')} ${loaded.file} ${what}, steps ${q.from}-${q.to}: ${entries.length ? `${entries.length} change(s), last writer first` : 'never changed'}\n`);
  for (const e of entries) {
    const name = `${many ? `section ${e.section} ` : ''}${e.bit === undefined ? e.field : `${e.field} bit ${e.bit}`}`;
    io.out(`${stepTag(e)} ${e.text}: ${name}: ${c.red(e.before)} → ${c.green(e.after)}\n`);
  }
  return EXIT_OK;
}
