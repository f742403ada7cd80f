/**
 * Sharing equal strings among the records of a loaded log: a log repeats the same field values
 * (machine states, memmap strips, file names) step after step, and JSON.parse gives each its own
 * copy. Interning in place keeps one. (Outcomes are left alone: their texts are mostly distinct,
 * and interning them cost more time than it saved memory.)
 */

/** Shares equal strings (and keeps the first of each). */
export class Interner {
  private readonly strings = new Map<string, string>();

  /** The shared copy of `s`. */
  string(s: string): string {
    const seen = this.strings.get(s);
    if (seen !== undefined) return seen;
    this.strings.set(s, s);
    return s;
  }

  /** Replace, in place, every string inside freshly parsed JSON `v` by its shared copy; returns `v` (or its shared copy). */
  deep<T>(v: T): T {
    if (typeof v === 'string') return this.string(v) as T;
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = this.deep(v[i] as unknown);
      return v;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = this.deep(o[k]);
    return v;
  }
}
