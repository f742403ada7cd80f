/** The options of the section queries (`blame`, `print`): --section, --field, --bit, --from, --to. */
import type { ArgsDef } from 'citty';
import { SECTION_FLAG_NAMES } from '../kernel/types.js';
import type { HotplugLog } from '../log/log.js';
import { BIT_FIELDS, FIELD_NAMES, sectionFieldOf } from '../query/values.js';
import { UserError } from './errors.js';
import { parseStepArg } from './load.js';
import { parseSections } from './section_arg.js';

/** citty definitions of the query options. */
export const queryArgs = {
  section: { type: 'string', description: 'required: a section number (decimal or 0x hex), a range A-B, or a comma list of them (64-66,96)', valueHint: 'S' },
  field: { type: 'string', description: `one field: ${Object.values(FIELD_NAMES).join(', ')}`, valueHint: 'F' },
  bit: { type: 'string', description: 'one bit of the field (default field subsection_map: sub-section K; flags: flag bit K)', valueHint: 'K' },
  from: { type: 'string', description: 'first step (default 0, boot)', valueHint: 'A' },
  to: { type: 'string', description: 'last step (default the last)', valueHint: 'B' },
} as const satisfies ArgsDef;

/** A checked query: the sections ascending, at least one, each below NR_MEM_SECTIONS. */
export interface SectionQuery {
  readonly sections: readonly number[];
  readonly field?: string;
  readonly bit?: number;
  readonly from: number;
  readonly to: number;
}

/** Check the query options against the log; throws UserError with what is allowed. */
export function parseQuery(log: HotplugLog, cmd: string, args: { section?: string; field?: string; bit?: string; from?: string; to?: string }, defaultField?: string): SectionQuery {
  if (args.section === undefined) throw new UserError('E_USAGE', `missing --section for '${cmd}'`, [], `e.g. memhp ${cmd} FILE --section 96`);
  const sections = parseSections(args.section, log.profile.geometry);
  const fieldName = args.field ?? defaultField;
  const field = fieldName === undefined ? undefined : sectionFieldOf(fieldName);
  if (fieldName !== undefined && !field) throw new UserError('E_USAGE', `--field ${fieldName}: not a section field`, [], `fields: ${Object.values(FIELD_NAMES).join(', ')}`);
  let bit: number | undefined;
  if (args.bit !== undefined) {
    const f = field ?? 'subsectionMap';
    if (!BIT_FIELDS.includes(f)) throw new UserError('E_USAGE', `--bit needs a bitmap or bit field, not ${FIELD_NAMES[f]}`, [], `bit fields: ${BIT_FIELDS.map((b) => FIELD_NAMES[b]).join(', ')}`);
    const max = f === 'flags' ? SECTION_FLAG_NAMES.length : log.profile.geometry.SUBSECTIONS_PER_SECTION;
    if (!/^\d+$/.test(args.bit) || Number(args.bit) >= max) throw new UserError('E_USAGE', `--bit must be a bit number from 0 to ${max - 1} for ${FIELD_NAMES[f]}, got '${args.bit}'`);
    bit = Number(args.bit);
  }
  const from = args.from === undefined ? 0 : parseStepArg(log, '--from', args.from);
  const to = parseStepArg(log, '--to', args.to);
  if (from > to) throw new UserError('E_USAGE', `--from ${from} is after --to ${to}`);
  return { sections, ...(field === undefined ? {} : { field: FIELD_NAMES[field] }), ...(bit === undefined ? {} : { bit }), from, to };
}
