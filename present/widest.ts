/** Column widths and list joins that stay linear and flat however many rows there are (no argument spreads: V8 refuses ~125k arguments). */

/** The length of the longest text, at least `min`. */
export function widest(texts: Iterable<string>, min = 0): number {
  let w = min;
  for (const t of texts) if (t.length > w) w = t.length;
  return w;
}

/** Append every item of `items` to `out` (a spread push without one call argument per item); returns `out`. */
export function append<T>(out: T[], items: Iterable<T>): T[] {
  for (const x of items) out.push(x);
  return out;
}
