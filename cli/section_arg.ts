/**
 * The `--section` argument of state, blame and print: one section (`96`, `0x60`), a range
 * (`128-130`), or a comma list of both (`64-66,96`), like crash's and gdb's number lists. Each
 * number is checked against the profile's NR_MEM_SECTIONS (1 << (MAX_PHYSMEM_BITS -
 * SECTION_SIZE_BITS)): a section past it cannot exist, so it is refused with the valid range
 * instead of being reported as "never changed".
 */
import type { Geometry } from '../kernel/geometry.js';
import { UserError } from './errors.js';

/** Most sections one `--section` list may name (blame and print walk the log once per section). */
export const SECTION_LIST_MAX = 4096;

/** The sections named by `value`, ascending and without repeats; throws UserError (E_USAGE, E_RANGE, E_LIMIT). */
export function parseSections(value: string, g: Geometry, max = SECTION_LIST_MAX): number[] {
  const items = value.split(',');
  const out = new Set<number>();
  for (const item of items) {
    const r = listItem(item);
    if (!r) throw new UserError('E_USAGE', `--section must be a section number, a range A-B or a comma list of them (decimal or 0x hex), got '${value}'`, [], 'e.g. --section 96, --section 128-130, --section 64-66,96');
    const { a, b } = r;
    if (b < a) throw new UserError('E_USAGE', `--section ${item.trim()}: the range ends before it starts`, [], `write it as ${b}-${a}`);
    checkSection(a, g);
    checkSection(b, g);
    if (b - a + 1 > max || out.size + (b - a + 1) > max) throw new UserError('E_LIMIT', `--section ${value} names more than ${max} sections`, [], 'ask for a smaller range, or use memhp state (every present section) or --json');
    for (let nr = a; nr <= b; nr++) out.add(nr);
  }
  return [...out].sort((x, y) => x - y);
}

/** One item of a number list, `96`, `0x60` or `128-130` (decimal or 0x hex): its first and last number, or null when it is neither. */
export function listItem(item: string): { readonly a: number; readonly b: number } | null {
  const m = /^\s*(0x[0-9a-f]+|\d+)\s*(?:-\s*(0x[0-9a-f]+|\d+)\s*)?$/i.exec(item);
  if (!m) return null;
  const a = Number(m[1]);
  return { a, b: m[2] === undefined ? a : Number(m[2]) };
}

// --- internal ---

function checkSection(nr: number, g: Geometry): void {
  if (nr < g.NR_MEM_SECTIONS) return;
  const last = g.NR_MEM_SECTIONS - 1;
  const end = BigInt(g.NR_MEM_SECTIONS) * BigInt(g.SECTION_BYTES) - 1n;
  throw new UserError(
    'E_RANGE',
    `--section ${nr} is out of range: sections run from 0 to ${last} on ${g.name} with MAX_PHYSMEM_BITS ${g.MAX_PHYSMEM_BITS} (NR_MEM_SECTIONS = 1 << (${g.MAX_PHYSMEM_BITS} - SECTION_SIZE_BITS ${g.SECTION_SIZE_BITS}))`,
    [],
    `section ${last} is the last one: physical 0x${(end - BigInt(g.SECTION_BYTES) + 1n).toString(16)}-0x${end.toString(16)}`,
  );
}
