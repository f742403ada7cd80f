/**
 * A record's immer patches and inverse patches back into the compact change form the live log
 * keeps (model/changes.ts), so a loaded log costs what a recorded one does in memory. Exact
 * inverse of toPatches / toInversePatches: a patch may only be one of the forms they write — add a
 * root (all sections NULL), create a section, replace one section field, replace
 * highestPresentSectionNr, fire a once-only call site, replace, add or remove one ZONE_DEVICE range (or, in older logs, replace the whole list) — on a path
 * the state has, with a value shaped as the model's (log/logfile_check.ts); anything else (an
 * unknown path, `__proto__`, a huge index, a value of another type) is refused naming the patch.
 */
import type { Failed } from '../kernel/errors.js';
import * as v from 'valibot';
import { CREATE, DEVICE, FIELD, HIGHEST, ONCE, ROOT, SECTION_FIELDS, deviceSplice, type DeviceRange } from '../model/changes.js';
import { MAX_DEVICE_RANGES } from '../inputs/limits.js';
import type { Changes } from '../model/changes.js';
import type { Geometry } from '../kernel/geometry.js';
import { ONCE_SITE, boundsOf, deviceRangesProblem, sectionSchemas } from './logfile_check.js';

/** A patch as read from a file (not yet trusted to be an immer Patch). */
interface RawPatch {
  readonly op?: unknown;
  readonly path?: unknown;
  readonly value?: unknown;
}

/** The compact changes whose patches are `patches` and inverse patches `inverse` under `g`, or what is wrong with them (`patches.K.path: …`). */
export function changesFromPatches(patches: readonly unknown[], inverse: readonly unknown[], g: Geometry): { ok: true; changes: Changes } | Failed {
  const no = (message: string): Failed => ({ ok: false, code: 'E_LOG', message });
  if (inverse.length !== patches.length) return no(`inversePatches: ${inverse.length} patch(es) undo the ${patches.length} of patches`);
  const { field: fieldSchema, section: sectionSchema } = sectionSchemas(g);
  const { maxRoot } = boundsOf(g);
  const { maxSectionNr } = boundsOf(g);
  const out: unknown[] = [];
  const n = patches.length;
  for (let i = 0; i < n; i++) {
    const at = `patches.${i}`;
    const inv = `inversePatches.${n - 1 - i}`;
    const p = patches[i] as RawPatch;
    const q = inverse[n - 1 - i] as RawPatch;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return no(`${at}: not a patch object`);
    if (typeof q !== 'object' || q === null || Array.isArray(q)) return no(`${inv}: not a patch object`);
    const path = p.path;
    if (!Array.isArray(path) || path.length === 0 || path.length > 5) return no(`${at}.path: not a path of the model's state (${PATHS})`);
    if (!samePath(path, q.path)) return no(`${inv}.path: not the path of ${at}, the patch it undoes`);
    const ops = `${String(p.op)}/${String(q.op)}`;
    const head = path[0];
    if (head === 'roots') {
      const r = rootNumber(path[1]);
      if (r === null || r > maxRoot) return no(`${at}.path.1: not a mem_section root number (0..${maxRoot})`);
      if (path.length === 2) {
        if (ops !== 'add/remove' || 'value' in q) return no(`${at}: a root is added (add, undone by remove), not ${ops}`);
        if (!isEmptyRoot(p.value, g.SECTIONS_PER_ROOT)) return no(`${at}.value: not a new root ({"sections": [${g.SECTIONS_PER_ROOT} × null]})`);
        out.push(ROOT, r);
        continue;
      }
      const idx = path[3];
      if (path[2] !== 'sections') return no(`${at}.path.2: a root has only "sections"`);
      if (typeof idx !== 'number' || !Number.isInteger(idx) || idx < 0 || idx >= g.SECTIONS_PER_ROOT) return no(`${at}.path.3: not a section index of a root (0..${g.SECTIONS_PER_ROOT - 1})`);
      if (ops !== 'replace/replace') return no(`${at}: a section or its field is replaced (replace, undone by replace), not ${ops}`);
      if (path.length === 4) {
        if (q.value !== null) return no(`${inv}.value: a created section is undone by null`);
        const s = v.safeParse(sectionSchema, p.value);
        if (!s.success) return no(`${at}.value${dotPath(s.issues[0])}: ${s.issues[0].message}`);
        const nr = r * g.SECTIONS_PER_ROOT + idx;
        if ((p.value as { nr: number }).nr !== nr || nr > maxSectionNr) return no(`${at}.value.nr: section ${String((p.value as { nr: unknown }).nr)} at the place of section ${nr}`);
        out.push(CREATE, r, idx, p.value);
        continue;
      }
      const name = path[4];
      const f = SECTION_FIELDS.indexOf(name as (typeof SECTION_FIELDS)[number]);
      if (typeof name !== 'string' || f < 0) return no(`${at}.path.4: not a section field (${SECTION_FIELDS.join(', ')})`);
      const schema = fieldSchema[name as (typeof SECTION_FIELDS)[number]];
      for (const [w, x] of [[at, p], [inv, q]] as const) {
        if (!('value' in x)) return no(`${w}: no value`);
        const s = v.safeParse(schema, x.value);
        if (!s.success) return no(`${w}.value${dotPath(s.issues[0])}: ${s.issues[0].message} (section field ${name})`);
      }
      out.push(FIELD, r, idx, f, p.value, q.value);
    } else if (head === 'highestPresentSectionNr' && path.length === 1) {
      if (ops !== 'replace/replace') return no(`${at}: highestPresentSectionNr is replaced, not ${ops}`);
      for (const [w, x] of [[at, p], [inv, q]] as const) {
        if (!Number.isSafeInteger(x.value) || (x.value as number) < -1 || (x.value as number) > maxSectionNr) return no(`${w}.value: not a section number (-1..${maxSectionNr})`);
      }
      out.push(HIGHEST, p.value, q.value);
    } else if (head === 'once' && path.length === 2) {
      if (typeof path[1] !== 'string' || !ONCE_SITE.test(path[1])) return no(`${at}.path.1: not a once-only call site (oops, or file:function:kind:text)`);
      if (ops !== 'add/remove' || p.value !== true || 'value' in q) return no(`${at}: a call site fires (add true, undone by remove), not ${ops}`);
      out.push(ONCE, path[1]);
    } else if (head === 'deviceRanges' && path.length === 1) {
      // Format 2 before per-range patches: the whole list replaced.
      if (ops !== 'replace/replace') return no(`${at}: deviceRanges are replaced, not ${ops}`);
      for (const [w, x] of [[at, p], [inv, q]] as const) {
        const why = deviceRangesProblem(g, x.value);
        if (why !== null) return no(`${w}.value.${why}`);
      }
      const d = deviceSplice(q.value as DeviceRange[], p.value as DeviceRange[]);
      out.push(DEVICE, d.i, d.removed, d.inserted);
    } else if (head === 'deviceRanges' && path.length === 2) {
      const i = path[1];
      if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= MAX_DEVICE_RANGES) return no(`${at}.path.1: not an index of the ZONE_DEVICE ranges (0..${MAX_DEVICE_RANGES - 1})`);
      const values = ops === 'replace/replace' ? [p, q] : ops === 'add/remove' ? [p] : ops === 'remove/add' ? [q] : null;
      if (values === null) return no(`${at}: a ZONE_DEVICE range is replaced, added or removed, not ${ops}`);
      for (const x of values) {
        const why = deviceRangesProblem(g, [x.value]);
        if (why !== null) return no(`${x === p ? at : inv}.value: not a [start, end) pair of pfns`);
      }
      const range = (x: RawPatch): DeviceRange[] => [x.value as DeviceRange];
      out.push(DEVICE, i, ops === 'add/remove' ? [] : range(q), ops === 'remove/add' ? [] : range(p));
    } else {
      return no(`${at}.path: not a path of the model's state (${PATHS})`);
    }
  }
  return { ok: true, changes: out };
}

// --- internal ---

const PATHS = 'roots.R, roots.R.sections.I, roots.R.sections.I.FIELD, highestPresentSectionNr, once.SITE, deviceRanges, deviceRanges.I';

function samePath(a: readonly unknown[], b: unknown): boolean {
  return Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A root's key as toPatches writes it (the decimal string of the root number). */
function rootNumber(key: unknown): number | null {
  if (typeof key !== 'string' || !/^(0|[1-9]\d{0,15})$/.test(key)) return null;
  return Number(key);
}

function isEmptyRoot(v: unknown, sectionsPerRoot: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const keys = Object.keys(v);
  const sections = (v as { sections?: unknown }).sections;
  return keys.length === 1 && Array.isArray(sections) && sections.length === sectionsPerRoot && sections.every((s) => s === null);
}

/** `.a.b` of an issue inside a value ('' at its top). */
function dotPath(issue: v.BaseIssue<unknown>): string {
  const p = v.getDotPath(issue);
  return p === null || p === '' ? '' : `.${p}`;
}
