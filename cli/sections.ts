/**
 * The sections a recorder snapshots, as the user names them: `--sections 4,8-10,32` or
 * `--range START-END` (bytes; the sections the range touches). Shared by probes and capture.
 */
import { GUEST_GEOMETRY } from '../verify/guest_geometry.js';
import { UserError } from './errors.js';
import { listItem } from './section_arg.js';

const { SECTION_BYTES } = GUEST_GEOMETRY;
/** At most this many sections are snapshotted (3 fetches each, 8 to an event). */
const MAX_SECTIONS = 256;

/** The sections of --sections or --range (none when neither is given); E_USAGE for both. */
export function watchedSections(args: { sections?: string; range?: string }): number[] {
  if (args.sections !== undefined && args.range !== undefined) throw new UserError('E_USAGE', 'give --sections or --range, not both');
  return args.sections !== undefined ? parseSections(args.sections) : args.range !== undefined ? rangeSections(args.range) : [];
}

/** `4,8-10,32` → [4, 8, 9, 10, 32] (sorted, unique). */
export function parseSections(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const r = listItem(part);
    if (!r) throw new UserError('E_USAGE', `--sections ${text}: expected section numbers and ranges such as 4,8-10,32`);
    const { a, b } = r;
    if (b < a) throw new UserError('E_USAGE', `--sections ${text}: ${part.trim()} runs backwards`);
    if (b - a + out.size >= MAX_SECTIONS) throw new UserError('E_LIMIT', `--sections ${text}: more than ${MAX_SECTIONS} sections`);
    for (let s = a; s <= b; s++) out.add(s);
  }
  return [...out].sort((x, y) => x - y);
}

/** `0x40000000-0x4fffffff` (bytes, inclusive) → the sections it touches. */
export function rangeSections(text: string): number[] {
  const m = /^\s*(0x[0-9a-f]+|\d+)\s*-\s*(0x[0-9a-f]+|\d+)\s*$/i.exec(text);
  if (!m?.[1] || !m[2]) throw new UserError('E_USAGE', `--range ${text}: expected START-END in bytes, e.g. 0x40000000-0x4fffffff`);
  const a = Math.floor(Number(m[1]) / SECTION_BYTES);
  const b = Math.floor(Number(m[2]) / SECTION_BYTES);
  if (b < a) throw new UserError('E_USAGE', `--range ${text}: the end is before the start`);
  return parseSections(`${a}-${b}`);
}
