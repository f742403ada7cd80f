/** printk number formats as the kernel renders them (lib/vsprintf.c). */
import { bitRanges } from './bitmap.js';

const U64 = 1n << 64n;

/** `%#lx`: "0x" + lowercase hex, "0" for zero; negative values wrap to unsigned long as in C. */
export function fmtHexAlt(value: number | bigint): string {
  const v = toU64(value);
  return v === 0n ? '0' : `0x${v.toString(16)}`;
}

/** `%lx`: bare lowercase hex, negative values wrapped to unsigned long. */
export function fmtHex(value: number | bigint): string {
  return toU64(value).toString(16);
}

/** `%ld`: signed decimal of a long (an unsigned long argument above LONG_MAX prints negative). */
export function fmtLong(value: number | bigint): string {
  const v = toU64(value);
  return (v >= 1n << 63n ? v - U64 : v).toString(10);
}

/** `0x%016lx`. */
export function fmtHex16(value: number | bigint): string {
  return `0x${toU64(value).toString(16).padStart(16, '0')}`;
}

/** Reduce a value modulo 2^64 (C unsigned long arithmetic). */
export function toU64(value: number | bigint): bigint {
  const v = typeof value === 'bigint' ? value : BigInt(value);
  return ((v % U64) + U64) % U64;
}

/** A list of bit indices as compact ranges: "0-31,33-39". */
export function ranges(bits: readonly number[]): string {
  return bitRanges(bits);
}
