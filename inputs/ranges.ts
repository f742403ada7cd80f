/**
 * Range checks shared by the operation and boot-layout parsers: numbers read from `key=value`
 * options, page alignment of byte ranges, and the limits of the physical address space. Boot RAM
 * must lie below 2^MAX_PHYSMEM_BITS (memhp does not model memblock trimming what firmware reports
 * above it). A hotplug call may name any range a kernel can be asked about, up to the end of the
 * 64-bit physical address space (PFN_PHYS(pfn) must fit in 64 bits): what a release does with a
 * range past MAX_PHYSMEM_BITS — -E2BIG, -ERANGE, a NULL dereference — is the model's to say.
 * Every failure names the value and the limit.
 */
import type { Geometry } from '../kernel/geometry.js';
import { fail, okv, type Checked } from './lexer.js';
import { hex, parseNumber, parseSize, U64_MAX } from './numbers.js';

/** MAX_NUMNODES on Debian x86_64 (CONFIG_NODES_SHIFT=10); a nid must be below it. */
export const MAX_NUMNODES = 1024;

/** Parse `text` as a number (or a byte size when `size`), naming `label` in any error. */
export function num(label: string, text: string, size = false): Checked<bigint> {
  const n = size ? parseSize(text) : parseNumber(text);
  if (n.ok) return okv(n.value);
  if (n.code === 'E_RANGE') return fail(n.code, `${label} ${text} overflows 64 bits (the largest unsigned long is ${hex(U64_MAX)})`);
  return fail(n.code, `${label}: ${n.message}`, size ? 'write 0x-prefixed hex or decimal, optionally with K, M, G or T (binary)' : 'write 0x-prefixed hex or decimal');
}

/** The number given for option `key`, or undefined when the key is absent. */
export function numOpt(opts: ReadonlyMap<string, string>, key: string): Checked<bigint | undefined> {
  const v = opts.get(key);
  if (v === undefined) return okv(undefined);
  return num(`value of ${key}`, v);
}

/** A `nid=` value: a node number below MAX_NUMNODES (0 when absent). */
export function nidOpt(opts: ReadonlyMap<string, string>): Checked<number> {
  const n = numOpt(opts, 'nid');
  if (!n.ok) return n;
  const nid = n.value ?? 0n;
  if (nid >= BigInt(MAX_NUMNODES)) {
    return fail('E_RANGE', `nid=${opts.get('nid') ?? ''} is not below MAX_NUMNODES (${MAX_NUMNODES}, CONFIG_NODES_SHIFT=10)`);
  }
  return okv(Number(nid));
}

/** What a range is checked against: boot RAM against MAX_PHYSMEM_BITS, a hotplug call against 64-bit physical addresses. */
export type Scope = 'boot' | 'call';

/** The end of the physical address space in the given unit (pfns: MAX_PFN; bytes: 2^MAX_PHYSMEM_BITS; for a call 2^64 bytes). */
function limitOf(g: Geometry, unit: 'pfn' | 'byte', scope: Scope): bigint {
  const bits = scope === 'boot' ? BigInt(g.MAX_PHYSMEM_BITS) : 64n;
  return unit === 'pfn' ? 1n << (bits - BigInt(g.PAGE_SHIFT)) : 1n << bits;
}

function limitText(g: Geometry, unit: 'pfn' | 'byte', scope: Scope): string {
  if (scope === 'call') return unit === 'pfn' ? `PFN_PHYS() overflows from pfn ${hex(limitOf(g, unit, scope))}` : 'limit 2^64';
  return unit === 'pfn' ? `MAX_PFN = ${hex(g.MAX_PFN)}` : `2^${g.MAX_PHYSMEM_BITS} = ${hex(limitOf(g, 'byte', scope))}`;
}

/** Check that a single pfn or address `value` (described by `label`) lies in the address space of `scope`. */
export function checkStart(g: Geometry, unit: 'pfn' | 'byte', label: string, value: bigint, scope: Scope = 'call'): Checked<void> {
  if (value > limitOf(g, unit, scope)) {
    if (scope === 'call') return fail('E_RANGE', `${label} is past the end of the 64-bit physical address space (${limitText(g, unit, scope)})`);
    return fail('E_RANGE', `${label} is beyond MAX_PHYSMEM_BITS (${g.MAX_PHYSMEM_BITS}): the kernel would index past mem_section[] (limit ${limitText(g, unit, scope)})`);
  }
  return okv(undefined);
}

/**
 * Check the span [start, start + len): the sum within 64 bits, start and end within the address
 * space of `scope`. `sumLabel` describes the sum, e.g. `pfn=0x10 + nr_pages=0x20`.
 */
export function checkSpan(g: Geometry, unit: 'pfn' | 'byte', label: string, start: bigint, sumLabel: string, len: bigint, scope: Scope = 'call'): Checked<void> {
  if (start + len > U64_MAX) return checkEnd(g, unit, sumLabel, start + len, scope);
  const s = checkStart(g, unit, label, start, scope);
  if (!s.ok) return s;
  return checkEnd(g, unit, sumLabel, start + len, scope);
}

/** Check an exclusive end `end` (described by `label`): within 64 bits and the address space of `scope`. */
export function checkEnd(g: Geometry, unit: 'pfn' | 'byte', label: string, end: bigint, scope: Scope = 'call'): Checked<void> {
  if (end > U64_MAX) return fail('E_RANGE', `${label} overflows 64 bits (${hex(end)} > ${hex(U64_MAX)})`);
  if (end > limitOf(g, unit, scope)) {
    const shown = label.includes('+') ? `${label} = ${hex(end)}` : label;
    if (scope === 'call') return fail('E_RANGE', `${shown} is past the end of the 64-bit physical address space (${limitText(g, unit, scope)})`);
    return fail('E_RANGE', `${shown} is past the end of the physical address space (limit ${limitText(g, unit, scope)}, MAX_PHYSMEM_BITS ${g.MAX_PHYSMEM_BITS})`);
  }
  return okv(undefined);
}

/** A byte range as written on a line: `ADDR SIZE` or `START-END` (inclusive end). */
export interface ByteRange {
  readonly start: bigint;
  /** Exclusive end. */
  readonly end: bigint;
}

/**
 * Parse the positional range of `ram`/`add`/`remove`/`online`/`offline`: either one `START-END`
 * word or two words `ADDR SIZE`. Returns the range and how many words it used.
 */
export function parseByteRange(g: Geometry, words: readonly string[], usage: string, scope: Scope = 'call'): Checked<{ range: ByteRange; used: number }> {
  const first = words[0];
  if (first === undefined || first.includes('=')) return fail('E_PARSE', 'missing address range', `write: ${usage}`);
  const dash = first.indexOf('-');
  if (dash >= 0) {
    const startText = first.slice(0, dash);
    const endText = first.slice(dash + 1);
    const start = num('START', startText, true);
    if (!start.ok) return start;
    const end = num('END', endText, true);
    if (!end.ok) return end;
    if (end.value < start.value) {
      return fail('E_RANGE', `range ${first}: END ${endText} is below START ${startText}`, 'END is inclusive, as in /proc/iomem');
    }
    const span = checkSpan(g, 'byte', `START ${startText}`, start.value, `END ${endText} + 1`, end.value + 1n - start.value, scope);
    if (!span.ok) return span;
    return okv({ range: { start: start.value, end: end.value + 1n }, used: 1 });
  }
  const sizeText = words[1];
  if (sizeText === undefined || sizeText.includes('=')) {
    return fail('E_PARSE', `missing SIZE after address ${first}`, `write: ${usage}`);
  }
  const addr = num('address', first, true);
  if (!addr.ok) return addr;
  const size = num('size', sizeText, true);
  if (!size.ok) return size;
  const span = checkSpan(g, 'byte', `address ${first}`, addr.value, `${first} + ${sizeText}`, size.value, scope);
  if (!span.ok) return span;
  return okv({ range: { start: addr.value, end: addr.value + size.value }, used: 2 });
}

/** Check that a byte range from `parseByteRange` is page aligned at both ends; return it in pfns. */
export function pageAligned(g: Geometry, r: ByteRange, written: readonly string[]): Checked<{ pfn: number; nr_pages: number }> {
  const page = BigInt(g.PAGE_SIZE);
  const pageHex = hex(page);
  if (r.start % page !== 0n) {
    const down = (r.start / page) * page;
    return fail('E_RANGE', `address ${hex(r.start)} is not page aligned (PAGE_SIZE ${pageHex})`, `use ${hex(down)} or ${hex(down + page)}`);
  }
  if (r.end % page !== 0n) {
    const w = written[0] ?? '';
    if (written.length === 1) {
      const suggest = (r.end / page) * page - 1n;
      return fail(
        'E_RANGE',
        `range ${w} does not end on a page boundary: END + 1 = ${hex(r.end)} is not a multiple of PAGE_SIZE ${pageHex}`,
        `END is inclusive, as in /proc/iomem: did you mean ${w.slice(0, w.indexOf('-'))}-${hex(suggest)}?`,
      );
    }
    const size = r.end - r.start;
    const shown = written[1] === hex(size) ? hex(size) : `${written[1] ?? ''} (${hex(size)})`;
    return fail('E_RANGE', `size ${shown} is not a multiple of PAGE_SIZE ${pageHex}`, `use ${hex((size / page) * page)} or ${hex((size / page + 1n) * page)}`);
  }
  return okv({ pfn: Number(r.start / page), nr_pages: Number((r.end - r.start) / page) });
}
