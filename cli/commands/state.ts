/**
 * `memhp state FILE [--at N] [--section S|A-B|LIST] [--all]`: the sections after step N — a summary
 * (runs of alike sections as one entry), every non-absent section with --all, or the sections named
 * by --section with their raw section_mem_map word. --json always lists every section.
 */
import { defineCommand } from 'citty';
import { bitmapBits, bitmapToLongs } from '../../kernel/bitmap.js';
import { listSections } from '../../model/model.js';
import { layoutForVmemmapBase, sectionWord } from '../../kernel/section_word.js';
import { fmtHex16 } from '../../kernel/format.js';
import { flagNames } from '../../query/diff.js';
import { inputArgs } from '../args.js';
import { EXIT_OK } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput, loadOptions, parseStepArg } from '../load.js';
import { parseSections } from '../section_arg.js';
import type { InputArgValues } from '../load.js';
import { stateLines, stateSummaryLines, stepTag, where } from '../../present/render.js';

/** The `state` command's definition (meta and arguments). */
export const stateCommandDef = defineCommand({
  meta: { name: 'state', description: 'Show the sections after step N: alike neighbours grouped (--all: every section)' },
  args: {
    ...inputArgs,
    at: { type: 'string', description: 'step number (default: the last step)', valueHint: 'N' },
    section: { type: 'string', description: 'show only these sections (96, 128-130 or 64-66,96), each with its raw section_mem_map word', valueHint: 'S' },
    all: { type: 'boolean', description: 'list every non-absent section on its own (default: consecutive alike sections grouped)' },
  },
});

/** Execute `memhp state`; returns the exit code. */
export function runState(io: Io, args: InputArgValues & { file: string; json?: boolean; at?: string; section?: string; all?: boolean }): number {
  const loaded = loadInput(io, args.file, loadOptions(args));
  const n = parseStepArg(loaded.log, '--at', args.at);
  const only = args.section === undefined ? undefined : parseSections(args.section, loaded.profile.geometry);
  const want = only === undefined ? null : new Set(only);
  const state = loaded.log.stateAt(n);
  const vmb = loaded.scenario.vmemmapBase;
  const layout = vmb === undefined ? undefined : layoutForVmemmapBase(vmb);
  const s = loaded.log.step(n);
  if (args.json) {
    const g = loaded.profile.geometry;
    const sections = listSections(state)
      .filter((ms) => (want === null ? !ms.machine.startsWith('absent') || ms.usage !== 'none' : want.has(ms.nr)))
      .map((ms) => ({
        nr: ms.nr,
        state: ms.machine,
        flags: flagNames(ms.flags),
        section_mem_map: fmtHex16(sectionWord(g, ms, layout)),
        map: ms.map,
        usage: ms.usage,
        subsection_map: bitmapToLongs(ms.subsectionMap),
        bits: bitmapBits(ms.subsectionMap),
        memmap: ms.memmap,
        nid: ms.nid,
      }));
    io.out(`${JSON.stringify({ step: n, source: where(s), text: s.text, sections })}\n`);
    return EXIT_OK;
  }
  io.out(`${io.color.bold('memhp state')} ${loaded.file} --at ${n}\n`);
  io.out(`${stepTag(s)} ${s.text}: ${io.color.bold('the state after this step')}\n`);
  const summary = only === undefined && !args.all;
  const lines = summary ? stateSummaryLines(loaded.profile, state, io.color) : stateLines(loaded.profile, state, io.color, only, layout);
  io.out(`${lines.join('\n')}\n`);
  if (summary) io.out(`${io.color.dim(`alike neighbours grouped: memhp state ${loaded.file} --at ${n} --all lists every section, --section S one with its raw word`)}\n`);
  return EXIT_OK;
}
