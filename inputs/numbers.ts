/**
 * Number and size parsing for scenario and /proc/iomem text.
 *
 * Everything is parsed into BigInt first so that a value above 2^64 - 1 (an `unsigned long` on a
 * 64-bit kernel) is reported as an overflow instead of silently losing precision; callers convert to
 * a safe JavaScript integer only after range checks.
 */
import type { Failed } from '../kernel/errors.js';

/** 2^64 - 1: the largest `unsigned long` on a 64-bit kernel. */
export const U64_MAX = (1n << 64n) - 1n;

/** A parsed number, or why the text is not one: E_PARSE (not a number) or E_RANGE (over 64 bits). */
export type NumberResult =
  | { readonly ok: true; readonly value: bigint }
  | Failed<{ readonly code: 'E_PARSE' | 'E_RANGE'; readonly message: string }>;

/** Binary size suffixes and their multipliers (1K = 1024). */
const SUFFIXES: ReadonlyArray<readonly [string, bigint]> = [
  ['KiB', 1n << 10n],
  ['MiB', 1n << 20n],
  ['GiB', 1n << 30n],
  ['TiB', 1n << 40n],
  ['K', 1n << 10n],
  ['M', 1n << 20n],
  ['G', 1n << 30n],
  ['T', 1n << 40n],
];

function syntax(text: string, what: string): NumberResult {
  return { ok: false, code: 'E_PARSE', message: `"${text}" is not ${what}` };
}

function checked(text: string, value: bigint): NumberResult {
  if (value > U64_MAX) {
    return { ok: false, code: 'E_RANGE', message: `${text} overflows 64 bits (the largest unsigned long is ${hex(U64_MAX)})` };
  }
  return { ok: true, value };
}

/** Parse `0x` hex (any letter case) or decimal digits; leading zeros stay decimal (no octal). */
export function parseNumber(text: string): NumberResult {
  if (/^0[xX][0-9a-fA-F]+$/.test(text) || /^[0-9]+$/.test(text)) return checked(text, BigInt(text));
  return syntax(text, 'a number (write 0x-prefixed hex or decimal)');
}

/** Parse a byte size: a number with an optional binary suffix K, M, G, T, KiB, MiB, GiB or TiB. */
export function parseSize(text: string): NumberResult {
  for (const [suffix, mult] of SUFFIXES) {
    if (text.endsWith(suffix)) {
      const digits = text.slice(0, -suffix.length);
      const n = parseNumber(digits);
      if (!n.ok) {
        return n.code === 'E_RANGE' ? n : syntax(text, 'a size (a number with an optional K, M, G or T suffix)');
      }
      return checked(text, n.value * mult);
    }
  }
  const n = parseNumber(text);
  return n.ok || n.code === 'E_RANGE' ? n : syntax(text, 'a size (a number with an optional K, M, G or T suffix)');
}

/** Parse hex digits written without `0x`, as /proc/iomem prints them. */
export function parseBareHex(text: string): NumberResult {
  if (!/^[0-9a-fA-F]+$/.test(text)) return syntax(text, 'hex digits');
  return checked(text, BigInt(`0x${text}`));
}

/** Format a number as lowercase `0x` hex. */
export function hex(value: bigint | number): string {
  return `0x${value.toString(16)}`;
}

/** True when a BigInt fits in a JavaScript safe integer (0 ≤ value ≤ 2^53 - 1). */
export function isSafe(value: bigint): boolean {
  return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER);
}

/** Parse a number (or, with `size`, a byte size) into a safe JavaScript integer. */
export function parseSafeInteger(text: string, size = false): { ok: true; value: number } | Failed {
  const n = size ? parseSize(text) : parseNumber(text);
  if (!n.ok) return n;
  if (!isSafe(n.value)) return { ok: false, code: 'E_RANGE', message: `${text} is above 2^53 - 1, the largest integer memhp handles exactly` };
  return { ok: true, value: Number(n.value) };
}
