/**
 * `expect …` lines: assertions about the outcome of the operation before them (ret, value, warn,
 * hazard) or about one section's state after it (`expect section NR key=value…`).
 */
import { bitmapFromLongs } from '../kernel/bitmap.js';
import { parseRet } from '../kernel/errno.js';
import type { Geometry } from '../kernel/geometry.js';
import { MEMMAP_CHARS, SECTION_STATE_NAMES, USAGE_KINDS } from '../kernel/section_fields.js';
import { SECTION_FLAG_NAMES } from '../kernel/types.js';
import { fail, okv, parseOptions, type Checked, type Token } from './lexer.js';
import { hex } from './numbers.js';
import { orList } from './operations.js';
import { num } from './ranges.js';
import type { Expectation } from './types.js';

const FORMS =
  'expect ret=0|-EEXIST|-17|void, value=true|false, warn "text", no-warn, hazard F10|any, no-hazard, section NR [state=…] [flags=…] [map=…] [usage=…] [memmap=…]';

/** Parse the tokens after `expect`. */
export function parseExpect(g: Geometry, args: readonly Token[]): Checked<Expectation> {
  const [first, ...rest] = args;
  if (first === undefined) return fail('E_PARSE', 'expect needs something to check', `forms: ${FORMS}`);
  const noMore = (e: Expectation, allowed = 0): Checked<Expectation> =>
    rest.length > allowed ? fail('E_PARSE', `unexpected "${rest[allowed]?.text ?? ''}" after expect ${first.text}`, `forms: ${FORMS}`) : okv(e);
  const t = first.quoted ? '' : first.text;
  if (t.startsWith('ret=')) {
    const v = t.slice(4);
    const ret = parseRet(v);
    if (ret === undefined) return fail('E_PARSE', `expect ret=${v}: not a return value`, 'write ret=0, ret=-EEXIST (an errno name), ret=-17 or ret=void');
    return noMore({ kind: 'ret', ret });
  }
  if (t.startsWith('value=')) {
    const v = t.slice(6);
    if (v !== 'true' && v !== 'false') return fail('E_PARSE', `expect value=${v}: not a boolean`, 'write value=true or value=false');
    return noMore({ kind: 'value', value: v === 'true' });
  }
  switch (t) {
    case 'no-warn':
      return noMore({ kind: 'no-warn' });
    case 'no-hazard':
      return noMore({ kind: 'no-hazard' });
    case 'warn': {
      const text = rest[0];
      if (text === undefined || !text.quoted) {
        return fail('E_PARSE', 'expect warn needs the exact warning text in double quotes', 'write expect warn "text" (escape " and \\ with a backslash)');
      }
      return noMore({ kind: 'warn', text: text.text }, 1);
    }
    case 'hazard': {
      const bug = rest[0]?.text ?? '';
      if (rest[0]?.quoted === true || !/^(F[1-9][0-9]*|any)$/.test(bug)) {
        return fail('E_PARSE', `expect hazard needs a bug id, got "${bug}"`, 'write expect hazard F10 (a bug id from the catalogue) or expect hazard any');
      }
      return noMore({ kind: 'hazard', bug }, 1);
    }
    case 'section':
      return parseSectionExpect(g, rest);
    default:
      return fail('E_PARSE', `unknown expectation "${first.text}"`, `forms: ${FORMS}`);
  }
}

/** `expect section NR [state=S] [flags=F] [map=L[,L…]] [usage=U] [memmap=M]`. */
function parseSectionExpect(g: Geometry, args: readonly Token[]): Checked<Expectation> {
  const [nrTok, ...rest] = args;
  if (nrTok === undefined || nrTok.quoted || nrTok.text.includes('=')) {
    return fail('E_PARSE', 'expect section needs a section number', 'write expect section NR [state=…] [flags=…] [map=…] [usage=…] [memmap=…]');
  }
  const nr = num('section number', nrTok.text);
  if (!nr.ok) return nr;
  if (nr.value >= BigInt(g.NR_MEM_SECTIONS)) {
    return fail('E_RANGE', `section ${nrTok.text} is beyond the last section: NR_MEM_SECTIONS is ${hex(g.NR_MEM_SECTIONS)} (MAX_PHYSMEM_BITS ${g.MAX_PHYSMEM_BITS})`);
  }
  const opts = parseOptions(rest, ['state', 'flags', 'map', 'usage', 'memmap'], 'expect section');
  if (!opts.ok) return opts;
  const o = opts.value;
  const out: { -readonly [K in keyof Extract<Expectation, { kind: 'section' }>]: Extract<Expectation, { kind: 'section' }>[K] } = {
    kind: 'section',
    nr: Number(nr.value),
  };
  const state = o.get('state');
  if (state !== undefined) {
    if (!SECTION_STATE_NAMES.includes(state)) return fail('E_PARSE', `unknown section state ${state}`, `states: ${SECTION_STATE_NAMES.join(', ')}`);
    out.state = state;
  }
  const flags = o.get('flags');
  if (flags !== undefined) {
    const f = parseFlags(flags);
    if (!f.ok) return f;
    out.flags = f.value;
  }
  const map = o.get('map');
  if (map !== undefined) {
    const bits = bitmapFromLongs(map.split(','), g.SUBSECTIONS_PER_SECTION);
    if (bits === undefined || map.split(',').length > g.MAP_LONGS) {
      return fail(
        'E_PARSE',
        `map=${map} is not a subsection_map of ${g.SUBSECTIONS_PER_SECTION} bits`,
        `write ${g.MAP_LONGS} unsigned long(s) as 0x%016lx, lowest first, e.g. map=0xffffffff00000000`,
      );
    }
    out.map = bits;
  }
  const usage = o.get('usage');
  if (usage !== undefined) {
    if (!(USAGE_KINDS as readonly string[]).includes(usage)) return fail('E_PARSE', `unknown usage ${usage}`, `write ${orList(USAGE_KINDS.map((u) => `usage=${u}`))}`);
    out.usage = usage;
  }
  const memmap = o.get('memmap');
  if (memmap !== undefined) {
    const bad = [...memmap].find((c) => !MEMMAP_CHARS.includes(c));
    if (bad !== undefined || memmap.length !== g.SUBSECTIONS_PER_SECTION) {
      return fail(
        'E_PARSE',
        bad !== undefined ? `memmap= has "${bad}", not one of ${MEMMAP_CHARS}` : `memmap= has ${memmap.length} characters, not ${g.SUBSECTIONS_PER_SECTION}`,
        `write one character per sub-section (${g.SUBSECTIONS_PER_SECTION}) from ${MEMMAP_CHARS}`,
      );
    }
    out.memmap = memmap;
  }
  return okv(out);
}

/** `flags=0`, a number, or flag names joined by `|` (PRESENT|HAS_MEM_MAP|ONLINE|EARLY). */
function parseFlags(text: string): Checked<number> {
  const all = SECTION_FLAG_NAMES.reduce((acc, [, bit]) => acc + bit, 0);
  if (/^[0-9]/.test(text)) {
    const n = num('flags', text);
    if (!n.ok) return n;
    if (n.value > BigInt(all)) return fail('E_PARSE', `flags=${text} has bits beyond the section flags (${hex(all)})`);
    return okv(Number(n.value));
  }
  let flags = 0;
  for (const name of text.split('|')) {
    const entry = SECTION_FLAG_NAMES.find(([n]) => n === name);
    if (entry === undefined) {
      return fail('E_PARSE', `unknown section flag ${name}`, `write flags=0 or names joined by |: ${SECTION_FLAG_NAMES.map(([n]) => n).join('|')}`);
    }
    flags |= entry[1];
  }
  return okv(flags);
}
