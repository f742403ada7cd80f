/**
 * The /proc/iomem parser: `START-END : NAME` lines in hex without `0x`, nesting shown by two spaces
 * of indentation per level (kernel/resource.c r_show). Depth is measured relative to the first
 * non-blank line, so an indented inline block in a scenario reads the same as the file itself.
 */
import { stripComment } from './lexer.js';
import { hex, isSafe, parseBareHex } from './numbers.js';
import type { InputError, Result } from './types.js';
import type { Failed } from '../kernel/errors.js';
import type { IomemResource } from '../kernel/operation.js';
import { checkLineLength } from './limits.js';

/** At most this many errors are collected before parsing stops. */
const MAX_ERRORS = 20;

/** `START-END : NAME` of a trimmed line (the name runs to the end: a lazy name before `\s*$` was quadratic in the spaces inside it). */
const LINE_RE = /^([^\s:-]+)-([^\s:]+)\s*:\s*(.*)$/;

/** A resource with the line it was read from. */
export interface IomemLine {
  readonly resource: IomemResource;
  readonly line: number;
}

/** Parse /proc/iomem text; `firstLine` is the line number of the text's first line within `file`. */
export function parseIomem(text: string, file: string, firstLine: number): Result<IomemResource[]> {
  const r = parseIomemLines(text, file, firstLine);
  return r.ok ? { ok: true, value: r.value.map((l) => l.resource) } : r;
}

/** Like parseIomem, keeping each resource's line number (for errors found later). */
export function parseIomemLines(text: string, file: string, firstLine: number): Result<IomemLine[]> {
  const resources: IomemLine[] = [];
  const errors: InputError[] = [];
  /** Enclosing resources of the current line, outermost first. */
  const stack: IomemResource[] = [];
  let base: number | null = null;
  const lines = text.split(/\r?\n/);
  for (let idx = 0; idx < lines.length && errors.length < MAX_ERRORS; idx++) {
    const line = firstLine + idx;
    const error = (message: string, hint?: string): void => {
      errors.push(hint === undefined ? { code: 'E_IOMEM', message, file, line } : { code: 'E_IOMEM', message, file, line, hint });
    };
    const long = checkLineLength(lines[idx] ?? '');
    if (!long.ok) {
      errors.push({ ...long.problem, file, line });
      continue;
    }
    const body = stripComment(lines[idx] ?? '').trimEnd();
    if (body.trim() === '') continue;
    const indentText = /^\s*/.exec(body)?.[0] ?? '';
    if (indentText.includes('\t')) {
      error('indentation uses a tab', '/proc/iomem indents nested resources with 2 spaces per level');
      continue;
    }
    const indent = indentText.length;
    base ??= indent;
    const rel = indent - base;
    if (rel < 0 || rel % 2 !== 0) {
      error(
        `indentation of ${indent} spaces does not fit the nesting (first line: ${base} spaces)`,
        '/proc/iomem indents nested resources with 2 spaces per level, relative to the first line',
      );
      continue;
    }
    const depth = rel / 2;
    if (depth > stack.length) {
      error(`nested ${depth} levels deep but the line before is only at depth ${stack.length - 1}`, 'indent a child resource 2 spaces more than its parent');
      continue;
    }
    const parsed = parseResource(body.trim(), depth);
    stack.length = depth;
    if (!parsed.ok) {
      error(parsed.message, parsed.hint);
      // Stand-in parent so the children of a bad line are not reported as well.
      stack.push({ start: 0, end: Number.MAX_SAFE_INTEGER, name: '', depth });
      continue;
    }
    const res = parsed.value;
    const parent = stack[depth - 1];
    if (parent !== undefined && (res.start < parent.start || res.end > parent.end)) {
      error(`${describe(res)} is not inside its parent ${describe(parent)}`, 'a nested resource must lie within the one it is indented under');
    }
    stack.push(res);
    resources.push({ resource: res, line });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: resources };
}

type Parsed = { ok: true; value: IomemResource } | Failed;

/** Parse one trimmed `START-END : NAME` line. */
function parseResource(text: string, depth: number): Parsed {
  const m = LINE_RE.exec(text);
  if (m === null) {
    return { ok: false, code: 'E_IOMEM', message: `not a /proc/iomem line: ${text}`, hint: 'expected START-END : NAME, e.g. 100000000-1ffffffff : System RAM' };
  }
  const [, startText = '', endText = '', nameText = ''] = m;
  const name = nameText.trimEnd();
  if (/^0[xX]/.test(startText) || /^0[xX]/.test(endText)) {
    const fixed = `${startText.replace(/^0[xX]/, '')}-${endText.replace(/^0[xX]/, '')}`;
    return { ok: false, code: 'E_IOMEM', message: `/proc/iomem addresses have no 0x prefix: ${text}`, hint: `write ${fixed}` };
  }
  const start = parseBareHex(startText);
  if (!start.ok) return { ok: false, code: 'E_IOMEM', message: `bad start address: ${start.message}`, hint: HEX_HINT };
  const end = parseBareHex(endText);
  if (!end.ok) return { ok: false, code: 'E_IOMEM', message: `bad end address: ${end.message}`, hint: HEX_HINT };
  for (const v of [start.value, end.value]) {
    if (!isSafe(v)) return { ok: false, code: 'E_IOMEM', message: `address ${hex(v)} is above 2^53, larger than any physical address` };
  }
  if (end.value < start.value) {
    return { ok: false, code: 'E_IOMEM', message: `end ${endText} is below start ${startText}`, hint: 'the end address is inclusive and must be ≥ the start' };
  }
  if (name === '') return { ok: false, code: 'E_IOMEM', message: `resource ${startText}-${endText} has no name`, hint: 'expected START-END : NAME' };
  return { ok: true, value: { start: Number(start.value), end: Number(end.value), name, depth } };
}

const HEX_HINT = 'addresses are hex digits without 0x, e.g. 100000000-1ffffffff';

/** A resource as /proc/iomem prints it. */
function describe(r: IomemResource): string {
  return `${r.start.toString(16)}-${r.end.toString(16)} : ${r.name}`;
}
