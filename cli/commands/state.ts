/** `memhp state FILE --at N [--section S]`: every non-absent section after step N. */
import { defineCommand } from 'citty';
import { bitmapBits, bitmapToLongs } from '../../kernel/bitmap.js';
import { listSections } from '../../model/model.js';
import { layoutForVmemmapBase, sectionWord } from '../../kernel/section_word.js';
import { fmtHex16 } from '../../kernel/format.js';
import { flagNames } from '../../query/diff.js';
import { inputArgs } from '../args.js';
import { EXIT_OK } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput, loadOptions, parseSectionArg, parseStepArg } from '../load.js';
import type { InputArgValues } from '../load.js';
import { stateLines, stepTag, where } from '../../present/render.js';

/** The `state` command's definition (meta and arguments). */
export const stateCommandDef = defineCommand({
  meta: { name: 'state', description: 'Show every non-absent section after step N' },
  args: {
    ...inputArgs,
    at: { type: 'string', description: 'step number (default: the last step)', valueHint: 'N' },
    section: { type: 'string', description: 'show only this section, with its raw section_mem_map word', valueHint: 'S' },
  },
});

/** Execute `memhp state`; returns the exit code. */
export function runState(io: Io, args: InputArgValues & { file: string; json?: boolean; at?: string; section?: string }): number {
  const loaded = loadInput(io, args.file, loadOptions(args));
  const n = parseStepArg(loaded.log, '--at', args.at);
  const only = args.section === undefined ? undefined : parseSectionArg(args.section);
  const state = loaded.log.stateAt(n);
  const vmb = loaded.scenario.vmemmapBase;
  const layout = vmb === undefined ? undefined : layoutForVmemmapBase(vmb);
  const s = loaded.log.step(n);
  if (args.json) {
    const g = loaded.profile.geometry;
    const sections = listSections(state)
      .filter((ms) => (only === undefined ? !ms.machine.startsWith('absent') || ms.usage !== 'none' : ms.nr === only))
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
  io.out(`${stepTag(s)} ${s.text}: ${io.color.bold('the state after this step')}\n`);
  io.out(`${stateLines(loaded.profile, state, io.color, only, layout).join('\n')}\n`);
  return EXIT_OK;
}
