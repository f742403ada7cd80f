/**
 * Value-level parsing for ftrace lines: `key=value` argument lists (with double-quoted values),
 * numbers (hex, decimal, negative decimal) and probe sites `(func+0xOFF/0xSIZE)`.
 */
import type { Failed } from '../../kernel/errors.js';
import type { ProbeSite, TraceArgs, TraceValue } from './types.js';

/** A parsed piece, or why it is malformed. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | Failed;

const HEX_RE = /^0[xX][0-9a-fA-F]+$/;
const DEC_RE = /^-?[0-9]+$/;

/** The number a value denotes (`0x…`, `123`, `-17`), or null when it is not a number. */
export function parseInt64(text: string): bigint | null {
  if (HEX_RE.test(text)) return BigInt(text);
  if (DEC_RE.test(text)) return BigInt(text);
  return null;
}

/** A TraceValue from printed text. */
export function makeValue(text: string, quoted: boolean): TraceValue {
  const int = quoted ? null : parseInt64(text);
  const num = int !== null && int >= BigInt(Number.MIN_SAFE_INTEGER) && int <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(int) : null;
  return { text, quoted, int, num };
}

/** The low 32 bits of a value read as a C `int`. */
export function toInt32(value: bigint): number {
  return Number(BigInt.asIntN(32, value));
}

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_.[\]-]*$/;

/** Parse `key=value key="quoted value" ...`; an unterminated quote or a word without `=` is an error. */
export function parseArgs(text: string): Parsed<TraceArgs> {
  const args: Record<string, TraceValue> = {};
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i++;
      continue;
    }
    const eq = text.indexOf('=', i);
    const space = text.indexOf(' ', i);
    if (eq < 0 || (space >= 0 && space < eq)) {
      const word = text.slice(i, space < 0 ? text.length : space);
      return { ok: false, code: 'E_PARSE', message: `argument "${word}" is not key=value` };
    }
    const key = text.slice(i, eq);
    if (!KEY_RE.test(key)) return { ok: false, code: 'E_PARSE', message: `bad argument name "${key}"` };
    i = eq + 1;
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) return { ok: false, code: 'E_PARSE', message: `unterminated quoted value of ${key}=` };
      args[key] = makeValue(text.slice(i + 1, close), true);
      i = close + 1;
      if (i < text.length && text[i] !== ' ') return { ok: false, code: 'E_PARSE', message: `text after the closing quote of ${key}=` };
    } else {
      const end = text.indexOf(' ', i);
      const raw = text.slice(i, end < 0 ? text.length : end);
      if (raw.includes('"')) return { ok: false, code: 'E_PARSE', message: `stray quote in value of ${key}=` };
      args[key] = makeValue(raw, false);
      i = end < 0 ? text.length : end;
    }
  }
  return { ok: true, value: args };
}

const SITE_RE = /^([A-Za-z_.$][\w.$]*)\+(0x[0-9a-fA-F]+)(?:\/(0x[0-9a-fA-F]+))?$/;

/** Parse `func+0xOFF/0xSIZE`, `func+0xOFF`, or a bare address (without the parentheses). */
export function parseSite(text: string): Parsed<ProbeSite> {
  // trace-cmd report prints a kprobe's ip with the event's "(%lx)" format: a bare address.
  if (/^(0x)?[0-9a-fA-F]{8,16}$/.test(text)) return { ok: true, value: { func: text.toLowerCase(), offset: 0, size: null } };
  const m = SITE_RE.exec(text);
  if (m === null) return { ok: false, code: 'E_PARSE', message: `bad probe site "${text}" (expected func+0xOFF/0xSIZE)` };
  const [, func = '', off = '0', size] = m;
  return { ok: true, value: { func, offset: Number.parseInt(off, 16), size: size === undefined ? null : Number.parseInt(size, 16) } };
}

/** The flag bits of a recorded section_mem_map word (below SECTION_MAP_LAST_BIT = 1 << 5 on both traced kernels, from BTF). */
export const SECTION_WORD_FLAG_MASK = 0x1fn;

/** The flag bits of a recorded section_mem_map word, as the model's flags number. */
export function wordFlags(word: bigint): number {
  return Number(word & SECTION_WORD_FLAG_MASK);
}
