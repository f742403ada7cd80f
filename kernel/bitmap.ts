/**
 * Fixed-size bitmaps for `subsection_map` (include/linux/bitmap.h semantics: bitmap_set, bitmap_and,
 * bitmap_or, bitmap_xor, bitmap_empty, bitmap_equal, bitmap_intersects, bitmap_subset).
 *
 * A bitmap is a plain array of 32-bit unsigned words, bit i of the map in word i/32 at position i%32,
 * so it lives in immer state as ordinary data and works for any SUBSECTIONS_PER_SECTION (8 to 512).
 * Functions never mutate their arguments.
 */

/** A bitmap of `nbits` bits as 32-bit words (bit i in word i >>> 5). */
export type Bitmap = readonly number[];

/** A zeroed bitmap able to hold `nbits` bits (DECLARE_BITMAP(map, nbits) = { 0 }). */
export function bitmapZero(nbits: number): number[] {
  return new Array<number>(Math.ceil(nbits / 32)).fill(0);
}

/** bitmap_set(map, start, count): a copy of `map` with bits start..start+count-1 set. */
export function bitmapSet(map: Bitmap, start: number, count: number): number[] {
  const out = map.slice();
  for (let i = start; i < start + count; i++) {
    const w = i >>> 5;
    out[w] = ((out[w] ?? 0) | (1 << (i & 31))) >>> 0;
  }
  return out;
}

/** test_bit(bit, map). */
export function bitmapTest(map: Bitmap, bit: number): boolean {
  return (((map[bit >>> 5] ?? 0) >>> (bit & 31)) & 1) === 1;
}

/** bitmap_empty(map, nbits). */
export function bitmapEmpty(map: Bitmap): boolean {
  for (const w of map) if (w !== 0) return false;
  return true;
}

/** True when every one of the first `nbits` bits is set (bitmap_full). */
export function bitmapFull(map: Bitmap, nbits: number): boolean {
  for (let i = 0; i < map.length; i++) {
    const bitsHere = Math.min(32, nbits - i * 32);
    const want = bitsHere === 32 ? 0xffffffff : ((1 << bitsHere) - 1) >>> 0;
    if (((map[i] ?? 0) & want) >>> 0 !== want) return false;
  }
  return true;
}

/** bitmap_equal(a, b). */
export function bitmapEqual(a: Bitmap, b: Bitmap): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** bitmap_intersects(a, b). */
export function bitmapIntersects(a: Bitmap, b: Bitmap): boolean {
  for (let i = 0; i < a.length; i++) if (((a[i] ?? 0) & (b[i] ?? 0)) !== 0) return true;
  return false;
}

/** bitmap_subset(a, b): every bit of a is set in b. */
export function bitmapSubset(a: Bitmap, b: Bitmap): boolean {
  for (let i = 0; i < a.length; i++) if (((a[i] ?? 0) & ~(b[i] ?? 0)) !== 0) return false;
  return true;
}

/** bitmap_or(a, b). */
export function bitmapOr(a: Bitmap, b: Bitmap): number[] {
  return a.map((w, i) => (w | (b[i] ?? 0)) >>> 0);
}

/** bitmap_xor(a, b). */
export function bitmapXor(a: Bitmap, b: Bitmap): number[] {
  return a.map((w, i) => (w ^ (b[i] ?? 0)) >>> 0);
}

/** bitmap_andnot(a, b): bits of a not in b. */
export function bitmapAndNot(a: Bitmap, b: Bitmap): number[] {
  return a.map((w, i) => (w & ~(b[i] ?? 0)) >>> 0);
}

/** bitmap_weight(map). */
export function bitmapWeight(map: Bitmap): number {
  let n = 0;
  for (let w of map) {
    while (w) {
      w &= w - 1;
      n++;
    }
  }
  return n;
}

/** The indices of the set bits, ascending. */
export function bitmapBits(map: Bitmap): number[] {
  const bits: number[] = [];
  for (let i = 0; i < map.length * 32; i++) if (bitmapTest(map, i)) bits.push(i);
  return bits;
}

/** The bitmap as the kernel's `unsigned long`s printed with "0x%016lx", lowest long first. */
export function bitmapToLongs(map: Bitmap): string[] {
  const longs: string[] = [];
  for (let i = 0; i < map.length; i += 2) {
    const lo = (map[i] ?? 0).toString(16).padStart(8, '0');
    const hi = (map[i + 1] ?? 0).toString(16).padStart(8, '0');
    longs.push(`0x${hi}${lo}`);
  }
  return longs;
}

/** Parse kernel-style longs ("0x%016lx", lowest long first) back into a bitmap of `nbits` bits. */
export function bitmapFromLongs(longs: readonly string[], nbits: number): number[] | undefined {
  const out = bitmapZero(nbits);
  for (let l = 0; l < longs.length; l++) {
    const text = longs[l] ?? '';
    if (!/^(0x)?[0-9a-f]{1,16}$/i.test(text)) return undefined;
    const v = BigInt(text.startsWith('0x') || text.startsWith('0X') ? text : `0x${text}`);
    const lo = Number(v & 0xffffffffn);
    const hi = Number((v >> 32n) & 0xffffffffn);
    if (2 * l < out.length) out[2 * l] = lo;
    else if (lo !== 0) return undefined;
    if (2 * l + 1 < out.length) out[2 * l + 1] = hi;
    else if (hi !== 0) return undefined;
  }
  if (nbits % 32 !== 0) {
    const last = out.length - 1;
    const keep = ((1 << (nbits % 32)) - 1) >>> 0;
    if (((out[last] ?? 0) & ~keep) !== 0) return undefined;
  }
  return out;
}

/** A strip of one character per bit ('#' set, '.' clear), bit 0 first. */
export function bitmapStrip(map: Bitmap, nbits: number): string {
  let s = '';
  for (let i = 0; i < nbits; i++) s += bitmapTest(map, i) ? '#' : '.';
  return s;
}

/** bitmap_and(a, b). */
export function bitmapAnd(a: Bitmap, b: Bitmap): number[] {
  return a.map((w, i) => (w & (b[i] ?? 0)) >>> 0);
}

/** Ascending bit indices as compact ranges: "0-31,33-39". */
export function bitRanges(bits: readonly number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < bits.length) {
    let j = i;
    while (j + 1 < bits.length && bits[j + 1] === (bits[j] ?? 0) + 1) j++;
    out.push(i === j ? String(bits[i]) : `${bits[i]}-${bits[j]}`);
    i = j + 1;
  }
  return out.join(',');
}
