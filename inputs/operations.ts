/**
 * Operation lines: the byte-range short forms (`add`, `remove`, `online`, `offline`) and the
 * `key=value` forms named after kernel functions (`__add_pages pfn=… nr_pages=…` …), checked against
 * the geometry and turned into an `Operation` plus the failures to inject.
 */
import type { Geometry } from '../kernel/geometry.js';
import { ALLOC_KINDS, type Altmap, type InjectedFailure } from '../kernel/types.js';
import { editDistance, fail, okv, parseOptions, type Checked, type Token } from './lexer.js';
import { MAX_SECTIONS_PER_CALL, sectionsSpanned } from './limits.js';
import { hex } from './numbers.js';
import { checkEnd, checkSpan, checkStart, nidOpt, num, numOpt, pageAligned, parseByteRange } from './ranges.js';
import { ZONES, type Operation, type OperationKind, type Zone } from '../kernel/operation.js';

export { MAX_SECTIONS_PER_CALL } from './limits.js';

/** An operation and the allocation failures to inject while it runs. */
export interface ParsedOperation {
  readonly op: Operation;
  readonly inject: readonly InjectedFailure[];
}

interface OpSpec {
  readonly usage: string;
  /** Required numeric keys (key=value forms) — empty for the byte-range short forms. */
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

const ALTMAP_KEYS = ['altmap', 'altmap_base_pfn', 'altmap_free', 'altmap_reserve'];
const ALTMAP = '[altmap=BASE_PFN,FREE[,RESERVE]]';
const FAIL = '[fail=KIND[@N],…]';
const ADD_OPTS = ['nid', ...ALTMAP_KEYS, 'fail'];

const ZONE_USAGE = `zone=${ZONES.join('|')}`;

/** Every operation word — the byte-range short forms and each kind of kernel/operation.ts — with its usage line and keys. */
const SPECS: Readonly<Record<string, OpSpec>> = {
  add: { usage: `add ADDR SIZE | add START-END [nid=N] ${ALTMAP} ${FAIL}`, required: [], optional: ADD_OPTS },
  remove: { usage: `remove ADDR SIZE | remove START-END ${ALTMAP}`, required: [], optional: ALTMAP_KEYS },
  online: { usage: 'online ADDR SIZE | online START-END', required: [], optional: [] },
  offline: { usage: 'offline ADDR SIZE | offline START-END', required: [], optional: [] },
  __add_pages: { usage: `__add_pages [nid=N] pfn=PFN nr_pages=N ${ALTMAP} ${FAIL}`, required: ['pfn', 'nr_pages'], optional: ADD_OPTS },
  add_pages: { usage: `add_pages [nid=N] pfn=PFN nr_pages=N ${ALTMAP} ${FAIL}`, required: ['pfn', 'nr_pages'], optional: ADD_OPTS },
  __remove_pages: { usage: `__remove_pages pfn=PFN nr_pages=N ${ALTMAP}`, required: ['pfn', 'nr_pages'], optional: ALTMAP_KEYS },
  sparse_add_section: { usage: `sparse_add_section [nid=N] pfn=PFN nr_pages=N ${ALTMAP} ${FAIL}`, required: ['pfn', 'nr_pages'], optional: ADD_OPTS },
  sparse_remove_section: {
    usage: `sparse_remove_section pfn=PFN nr_pages=N [map_offset=N] ${ALTMAP}`,
    required: ['pfn', 'nr_pages'],
    optional: ['map_offset', ...ALTMAP_KEYS],
  },
  online_mem_sections: { usage: 'online_mem_sections start_pfn=PFN end_pfn=PFN', required: ['start_pfn', 'end_pfn'], optional: [] },
  offline_mem_sections: { usage: 'offline_mem_sections start_pfn=PFN end_pfn=PFN', required: ['start_pfn', 'end_pfn'], optional: [] },
  pfn_valid: { usage: 'pfn_valid pfn=PFN', required: ['pfn'], optional: [] },
  pfn_to_online_page: { usage: 'pfn_to_online_page pfn=PFN', required: ['pfn'], optional: [] },
  move_pfn_range_to_zone: { usage: `move_pfn_range_to_zone pfn=PFN nr_pages=N ${ZONE_USAGE}`, required: ['pfn', 'nr_pages', 'zone'], optional: [] },
  remove_pfn_range_from_zone: { usage: `remove_pfn_range_from_zone pfn=PFN nr_pages=N ${ZONE_USAGE}`, required: ['pfn', 'nr_pages', 'zone'], optional: [] },
} satisfies Record<'add' | 'remove' | 'online' | 'offline' | OperationKind, OpSpec>;

/** The operation words a scenario line may start with. */
export const OPERATION_WORDS: readonly string[] = Object.keys(SPECS);

/** True when `word` starts an operation line. */
export function isOperationWord(word: string): boolean {
  return Object.hasOwn(SPECS, word);
}

/** The E_UNKNOWN_OP problem for a line starting with `word`, with a "did you mean" when close. */
export function unknownOperation(word: string, otherWords: readonly string[]): Checked<never> {
  const all = [...OPERATION_WORDS, ...otherWords];
  const near = all.filter((w) => editDistance(word, w, 2) <= 2);
  const known = `operations: ${OPERATION_WORDS.join(', ')}; other lines: ${otherWords.join(', ')}`;
  return fail('E_UNKNOWN_OP', `unknown operation ${word}`, near.length > 0 ? `did you mean ${near.join(' or ')}? Known ${known}` : `known ${known}`);
}

/** Parse an operation line (`word` is a known operation word, `args` the tokens after it). */
export function parseOperation(g: Geometry, word: string, args: readonly Token[]): Checked<ParsedOperation> {
  const spec = SPECS[word];
  if (spec === undefined) return unknownOperation(word, []);
  let rest = args;
  let pfnRange: { pfn: number; nr_pages: number } | null = null;
  if (spec.required.length === 0) {
    const words = args.map((t) => t.text);
    const r = parseByteRange(g, words, spec.usage);
    if (!r.ok) return r;
    const aligned = pageAligned(g, r.value.range, words.slice(0, r.value.used));
    if (!aligned.ok) return aligned;
    pfnRange = aligned.value;
    rest = args.slice(r.value.used);
  }
  const parsed = parseOptions(rest, [...spec.required, ...spec.optional], word);
  if (!parsed.ok) return parsed;
  const opts = parsed.value;
  for (const key of spec.required) {
    if (!opts.has(key)) return fail('E_PARSE', `missing key ${key} for ${word}`, `write: ${spec.usage}`);
  }
  const nid = nidOpt(opts);
  if (!nid.ok) return nid;
  const altmap = spec.optional.includes('altmap') ? altmapOpts(g, opts) : okv(null);
  if (!altmap.ok) return altmap;
  const inject = failOpt(opts.get('fail'));
  if (!inject.ok) return inject;
  const done = (op: Operation): Checked<ParsedOperation> => {
    const sections = sectionsSpanned(g, op);
    if (sections > MAX_SECTIONS_PER_CALL) {
      return fail('E_LIMIT', `${word} spans ${sections} sections: memhp models at most ${MAX_SECTIONS_PER_CALL} sections per call (its own limit, not the kernel's)`, 'split the range into several calls');
    }
    return okv({ op, inject: inject.value });
  };

  if (pfnRange !== null) {
    const { pfn, nr_pages } = pfnRange;
    if (word === 'add') return done({ kind: 'add_pages', nid: nid.value, pfn, nr_pages, altmap: altmap.value });
    if (word === 'remove') return done({ kind: '__remove_pages', pfn, nr_pages, altmap: altmap.value });
    const kind = word === 'online' ? 'online_mem_sections' : 'offline_mem_sections';
    return done({ kind, start_pfn: pfn, end_pfn: pfn + nr_pages });
  }
  if (word === 'online_mem_sections' || word === 'offline_mem_sections') {
    const start = numOpt(opts, 'start_pfn');
    if (!start.ok) return start;
    const end = numOpt(opts, 'end_pfn');
    if (!end.ok) return end;
    const s = start.value ?? 0n;
    const e = end.value ?? 0n;
    const cs = checkStart(g, 'pfn', `start_pfn=${opts.get('start_pfn') ?? ''}`, s);
    if (!cs.ok) return cs;
    const ce = checkEnd(g, 'pfn', `end_pfn=${opts.get('end_pfn') ?? ''}`, e);
    if (!ce.ok) return ce;
    if (e < s) return fail('E_RANGE', `end_pfn=${hex(e)} is below start_pfn=${hex(s)}`, 'end_pfn is exclusive and must be ≥ start_pfn');
    return done({ kind: word, start_pfn: Number(s), end_pfn: Number(e) });
  }
  const pfnV = numOpt(opts, 'pfn');
  if (!pfnV.ok) return pfnV;
  const pfn = pfnV.value ?? 0n;
  const pfnLabel = `pfn=${opts.get('pfn') ?? ''}`;
  if (word === 'pfn_valid' || word === 'pfn_to_online_page') {
    const c = checkStart(g, 'pfn', pfnLabel, pfn);
    if (!c.ok) return c;
    return done({ kind: word, pfn: Number(pfn) });
  }
  const nrV = numOpt(opts, 'nr_pages');
  if (!nrV.ok) return nrV;
  const nr = nrV.value ?? 0n;
  const span = checkSpan(g, 'pfn', pfnLabel, pfn, `${pfnLabel} + nr_pages=${opts.get('nr_pages') ?? ''}`, nr);
  if (!span.ok) return span;
  if (word === 'sparse_add_section' || word === 'sparse_remove_section') {
    const one = withinOneSection(g, word, pfn, nr);
    if (!one.ok) return one;
  }
  if (word === 'move_pfn_range_to_zone' || word === 'remove_pfn_range_from_zone') {
    const zone = opts.get('zone') ?? '';
    if (!isZone(zone)) return fail('E_PARSE', `zone=${zone} is not a zone memhp knows`, `write ${orList(ZONES.map((z) => `zone=${z}`))}`);
    return done({ kind: word, pfn: Number(pfn), nr_pages: Number(nr), zone });
  }
  const base = { pfn: Number(pfn), nr_pages: Number(nr), altmap: altmap.value };
  switch (word) {
    case '__add_pages':
    case 'add_pages':
    case 'sparse_add_section':
      return done({ kind: word, nid: nid.value, ...base });
    case '__remove_pages':
      return done({ kind: word, ...base });
    default: {
      const mo = numOpt(opts, 'map_offset');
      if (!mo.ok) return mo;
      const mapOffset = mo.value ?? 0n;
      if (mapOffset > nr) {
        return fail('E_RANGE', `map_offset=${hex(mapOffset)} is greater than nr_pages=${hex(nr)}`, 'map_offset counts pages of the range whose memmap lives in the range itself');
      }
      return done({ kind: 'sparse_remove_section', ...base, map_offset: Number(mapOffset) });
    }
  }
}

function isZone(text: string): text is Zone {
  return (ZONES as readonly string[]).includes(text);
}

/** sparse_add_section / sparse_remove_section take a range inside one section. */
function withinOneSection(g: Geometry, word: string, pfn: bigint, nr: bigint): Checked<void> {
  if (nr === 0n) return okv(undefined);
  const per = BigInt(g.PAGES_PER_SECTION);
  const boundary = (pfn / per + 1n) * per;
  if (pfn + nr <= boundary) return okv(undefined);
  return fail(
    'E_RANGE',
    `${word} pfn=${hex(pfn)} nr_pages=${hex(nr)} crosses the section boundary at pfn ${hex(boundary)} (section ${pfn / per} into ${boundary / per}): it must lie within one section (PAGES_PER_SECTION ${hex(per)})`,
    `the kernel's callers split at section boundaries; a crossing range makes subsection_mask_set write out of bounds. Split it: pfn=${hex(pfn)} nr_pages=${hex(boundary - pfn)}, then pfn=${hex(boundary)} nr_pages=${hex(pfn + nr - boundary)}`,
  );
}

/** The altmap from `altmap=BASE_PFN,FREE[,RESERVE]` or the `altmap_*` keys; null when absent. */
function altmapOpts(g: Geometry, opts: ReadonlyMap<string, string>): Checked<Altmap | null> {
  const short = opts.get('altmap');
  const long = ['altmap_base_pfn', 'altmap_free', 'altmap_reserve'].filter((k) => opts.has(k));
  let texts: [string, string, string];
  if (short !== undefined) {
    if (long.length > 0) return fail('E_PARSE', `altmap= given together with ${long.join(', ')}`, 'use altmap=BASE_PFN,FREE[,RESERVE] or the altmap_base_pfn= altmap_free= altmap_reserve= keys, not both');
    const parts = short.split(',');
    if (parts.length < 2 || parts.length > 3) return fail('E_PARSE', `altmap=${short} needs 2 or 3 numbers`, 'write altmap=BASE_PFN,FREE[,RESERVE] (pfns and page counts)');
    texts = [parts[0] ?? '', parts[1] ?? '', parts[2] ?? '0'];
  } else if (long.length > 0) {
    for (const k of ['altmap_base_pfn', 'altmap_free']) {
      if (!opts.has(k)) return fail('E_PARSE', `missing key ${k} (${long.join(', ')} given)`, 'an altmap needs altmap_base_pfn= and altmap_free= (altmap_reserve= defaults to 0)');
    }
    texts = [opts.get('altmap_base_pfn') ?? '', opts.get('altmap_free') ?? '', opts.get('altmap_reserve') ?? '0'];
  } else {
    return okv(null);
  }
  const [baseText, freeText, reserveText] = texts;
  const base = num('altmap base_pfn', baseText);
  if (!base.ok) return base;
  const free = num('altmap free', freeText);
  if (!free.ok) return free;
  const reserve = num('altmap reserve', reserveText);
  if (!reserve.ok) return reserve;
  const span = checkSpan(g, 'pfn', `altmap base_pfn ${baseText}`, base.value, `altmap base_pfn ${baseText} + reserve ${reserveText} + free ${freeText}`, reserve.value + free.value);
  if (!span.ok) return span;
  return okv({ base_pfn: Number(base.value), reserve: Number(reserve.value), free: Number(free.value) });
}

const FAIL_ITEM = new RegExp(`^(${ALLOC_KINDS.join('|')})(?:@(\\d+))?$`);

/** The `fail=KIND[@N],…` list (N counts allocations of that kind from 1). */
function failOpt(text: string | undefined): Checked<InjectedFailure[]> {
  if (text === undefined) return okv([]);
  const out: InjectedFailure[] = [];
  for (const item of text.split(',')) {
    const m = FAIL_ITEM.exec(item);
    const nth = Number(m?.[2] ?? '1');
    if (m === null || nth < 1 || !Number.isSafeInteger(nth)) {
      return fail('E_PARSE', `fail=${text}: bad item "${item}"`, `write fail=KIND[@N],… with KIND ${orList(ALLOC_KINDS)} and N ≥ 1 (the Nth allocation of that kind fails with -ENOMEM)`);
    }
    out.push({ kind: m[1] as InjectedFailure['kind'], nth });
  }
  return okv(out);
}

/** Words as prose: `a, b or c`. */
export function orList(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1] ?? ''}`;
}
