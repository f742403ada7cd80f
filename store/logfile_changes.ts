/**
 * A record's immer patches and inverse patches back into the compact change form the live log
 * keeps (machines/changes.ts), so a loaded log costs what a recorded one does in memory. Exact
 * inverse of toPatches / toInversePatches for every patch they write; anything else gives null
 * (the step then keeps its patches as they are).
 */
import { CREATE, DEVICE, FIELD, HIGHEST, ONCE, ROOT, SECTION_FIELDS } from '../machines/changes.js';
import type { Changes } from '../machines/changes.js';

/** A patch as read from a file (not yet trusted to be an immer Patch). */
interface RawPatch {
  readonly op?: unknown;
  readonly path?: unknown;
  readonly value?: unknown;
}

/** The compact changes whose patches are `patches` and inverse patches `inverse`, or null when they are not of that form. */
export function changesFromPatches(patches: readonly unknown[], inverse: readonly unknown[], sectionsPerRoot: number): Changes | null {
  if (inverse.length !== patches.length) return null;
  const out: unknown[] = [];
  const n = patches.length;
  for (let i = 0; i < n; i++) {
    const p = patches[i] as RawPatch;
    const q = inverse[n - 1 - i] as RawPatch;
    if (typeof p !== 'object' || p === null || typeof q !== 'object' || q === null) return null;
    const path = p.path;
    if (!Array.isArray(path) || !samePath(path, q.path)) return null;
    const head = path[0];
    if (head === 'roots') {
      const r = rootNumber(path[1]);
      if (r === null) return null;
      if (path.length === 2) {
        if (p.op !== 'add' || q.op !== 'remove' || !isEmptyRoot(p.value, sectionsPerRoot)) return null;
        out.push(ROOT, r);
        continue;
      }
      const idx = path[3];
      if (path[2] !== 'sections' || typeof idx !== 'number' || !Number.isInteger(idx) || idx < 0 || idx >= sectionsPerRoot) return null;
      if (p.op !== 'replace' || q.op !== 'replace') return null;
      if (path.length === 4) {
        if (q.value !== null || typeof p.value !== 'object' || p.value === null) return null;
        out.push(CREATE, r, idx, p.value);
        continue;
      }
      const f = SECTION_FIELDS.indexOf(path[4] as (typeof SECTION_FIELDS)[number]);
      if (path.length !== 5 || f < 0 || !('value' in p) || !('value' in q)) return null;
      out.push(FIELD, r, idx, f, p.value, q.value);
    } else if (path.length === 1 && head === 'highestPresentSectionNr' && p.op === 'replace' && q.op === 'replace' && typeof p.value === 'number' && typeof q.value === 'number') {
      out.push(HIGHEST, p.value, q.value);
    } else if (path.length === 2 && head === 'once' && typeof path[1] === 'string' && p.op === 'add' && p.value === true && q.op === 'remove' && !('value' in q)) {
      out.push(ONCE, path[1]);
    } else if (path.length === 1 && head === 'deviceRanges' && p.op === 'replace' && q.op === 'replace' && Array.isArray(p.value) && Array.isArray(q.value)) {
      out.push(DEVICE, p.value, q.value);
    } else {
      return null;
    }
  }
  return out;
}

// --- internal ---

function samePath(a: readonly unknown[], b: unknown): boolean {
  return Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A root's key as toPatches writes it (the decimal string of the root number). */
function rootNumber(key: unknown): number | null {
  if (typeof key !== 'string' || !/^(0|[1-9]\d*)$/.test(key)) return null;
  return Number(key);
}

function isEmptyRoot(v: unknown, sectionsPerRoot: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const keys = Object.keys(v);
  const sections = (v as { sections?: unknown }).sections;
  return keys.length === 1 && Array.isArray(sections) && sections.length === sectionsPerRoot && sections.every((s) => s === null);
}
