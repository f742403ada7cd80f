/**
 * Forged log files: a log whose records were edited and whose hash chain was then computed again
 * (log/logfile.ts verifies `"hash"` = sha256(previous hash + the line's JSON without its hash),
 * the header chained from ''), so it passes the chain check and only the reader's schema stands
 * between the edit and the model. The fuzzer's `log` reader feeds these to every command.
 */
import { mulberry32 } from '../verify/prng.js';
import type { Rng } from '../verify/prng.js';
import { splitHash } from '../log/logfile.js';
import { sealLine } from '../log/serialize.js';

/** A parsed line of a log: the header is line 0, step K's record is line K+1. */
export type LogJson = Record<string, unknown>;

/**
 * Re-chain a log file's text: every line's `"hash"` is dropped, `edit` may change the parsed
 * lines (header first) in place, and each line is sealed again with sha256(previous hash + JSON)
 * exactly as log/serialize.ts's sealLine does, so the result verifies as an unchanged log.
 */
export function forgeLog(text: string, edit: (lines: LogJson[]) => void): string {
  const lines = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(splitHash(l)?.content ?? l) as LogJson);
  edit(lines);
  let prev = '';
  const out: string[] = [];
  for (const l of lines) {
    const sealed = sealLine(JSON.stringify(l), prev);
    out.push(sealed.line);
    prev = sealed.hash;
  }
  return `${out.join('\n')}\n`;
}

/** The forge edits, drawn at random by forgeEdit. */
export const FORGE_EDITS = [
  'remove-field', 'wrong-type', 'huge-number', 'nr-pages-2^40', 'boot-range-2^52', 'hazards-7', 'sections-nr-x',
  'patches-object', 'proto-path', 'steps-count', 'checkpoint-every', 'source-no-line', 'op-kind', 'expects-junk',
] as const;

/** One forge edit. */
export type ForgeEdit = (typeof FORGE_EDITS)[number];

/** Apply edit `kind` (its choices drawn from `seed`) to a log's parsed lines. */
export function forgeEdit(kind: ForgeEdit, seed: number): (lines: LogJson[]) => void {
  return (lines) => {
    const rng = mulberry32(seed);
    const header = lines[0] ?? {};
    const rec = lines[1 + rng.int(Math.max(1, lines.length - 1))] ?? header;
    switch (kind) {
      case 'remove-field': {
        const target = rng.int(4) === 0 ? header : rec;
        const obj = pickObject(rng, target);
        const keys = Object.keys(obj).filter((k) => k !== 'hash');
        const k = keys[rng.int(keys.length)];
        if (k !== undefined) delete obj[k];
        break;
      }
      case 'wrong-type': {
        const target = rng.int(4) === 0 ? header : rec;
        const obj = pickObject(rng, target);
        const keys = Object.keys(obj);
        const k = keys[rng.int(keys.length)];
        if (k !== undefined) obj[k] = pick(rng, ['x', null, [], {}, true, -1, 1.5, [null], { nr: 'x' }, '0x10']);
        break;
      }
      case 'huge-number': {
        const obj = pickObject(rng, rec);
        const keys = Object.keys(obj).filter((k) => typeof obj[k] === 'number');
        const k = keys[rng.int(keys.length)];
        if (k !== undefined) obj[k] = pick(rng, [2 ** 40, 2 ** 52, 2 ** 53 + 2, 2 ** 64, 1e308, -(2 ** 31), Number.MAX_SAFE_INTEGER]);
        break;
      }
      case 'nr-pages-2^40': {
        const op = rec.op as Record<string, unknown> | null;
        if (op && typeof op === 'object') op[pick(rng, ['nr_pages', 'pfn', 'nid', 'start', 'size'])] = pick(rng, [2 ** 40, 2 ** 52, 2 ** 63, -1]);
        break;
      }
      case 'boot-range-2^52': {
        const boot = header.boot as { ranges?: Array<Record<string, unknown>> } | null;
        const r = boot?.ranges?.[0];
        if (r) r[pick(rng, ['startPfn', 'endPfn', 'nid'])] = pick(rng, [2 ** 52, 2 ** 40, -1, 2 ** 31]);
        else if (boot) boot.ranges = [{ startPfn: 0, endPfn: 2 ** 52, nid: 0 }];
        break;
      }
      case 'hazards-7': {
        const o = rec.outcome as Record<string, unknown> | undefined;
        if (o) o.hazards = [7];
        break;
      }
      case 'sections-nr-x': {
        const o = rec.outcome as Record<string, unknown> | undefined;
        if (o) o.sections = pick(rng, [[{ nr: 'x' }], [{ nr: 2 ** 40, before: 'absent.never', after: 'partial' }], [{}], 'x']);
        break;
      }
      case 'patches-object':
        rec[pick(rng, ['patches', 'inversePatches'])] = pick(rng, [{}, [{}], [{ op: 'add', path: 'x', value: 1 }], [{ op: 'replace', path: ['roots', '999999999'], value: {} }], [{ op: 'remove', path: [] }]]);
        break;
      case 'proto-path': {
        const path = pick(rng, [['__proto__', 'polluted'], ['constructor', 'prototype', 'polluted'], ['roots', '__proto__'], ['__proto__']]);
        rec.patches = [{ op: pick(rng, ['add', 'replace']), path, value: pick(rng, [1, { sections: [] }, 'x']) }];
        break;
      }
      case 'steps-count':
        header.steps = pick(rng, [0, -1, 2 ** 31, 1e9, 1.5, lines.length + 5]);
        break;
      case 'checkpoint-every':
        header.checkpointEvery = pick(rng, [0, -1, 1, 2 ** 31, 1e308, 0.5]);
        break;
      case 'source-no-line':
        rec.source = pick(rng, ['nocolon', 'x:', 'x:-1', `x:${2 ** 60}`, ':', '']);
        break;
      case 'op-kind': {
        const op = rec.op as Record<string, unknown> | null;
        if (op && typeof op === 'object') op.kind = pick(rng, ['nope', '__proto__', 'toString', '', 'boot']);
        else rec.op = { kind: pick(rng, ['__add_pages', '__remove_pages', 'pfn_valid']) };
        break;
      }
      case 'expects-junk':
        rec.expects = pick(rng, [[{}], [{ line: 1, text: 'x', expect: { kind: 'section', nr: 2 ** 40 }, ok: true, detail: '' }], [{ line: 1, text: 'x', expect: { kind: 'nope' }, ok: 'yes', detail: 1 }]]);
        break;
    }
  };
}

// --- internal ---

/** The record itself or one of its nested objects. */
function pickObject(rng: Rng, root: LogJson): LogJson {
  const objs: LogJson[] = [root];
  for (const v of Object.values(root)) if (v !== null && typeof v === 'object' && !Array.isArray(v)) objs.push(v as LogJson);
  return objs[rng.int(objs.length)] ?? root;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}
