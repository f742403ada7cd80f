/**
 * One ftrace text line → one typed record: the `TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: ...` header,
 * then kprobe entries/returns, `lab_call/` and `lab_kmod/` lines, `secstateN` lines, markers and
 * console lines. Context-dependent work (WARN texts, snapshots) is left to the reader.
 */
import type { SourceLoc } from '../../kernel/operation.js';
import { parseMarker } from './markers.js';
import { splitPrintk } from './printk.js';
import type { CallOrigin, SectionState, TraceHeader, TraceRecord } from './types.js';
import { probedFunction } from './probe_names.js';
import { makeValue, parseArgs, parseInt64, parseSite, toInt32, type Parsed } from './values.js';

/** What a line turned out to be. */
export type LineResult =
  | { readonly kind: 'record'; readonly record: TraceRecord }
  | { readonly kind: 'skip' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'error'; readonly message: string };

/** trace-cmd report's own header and notes: `cpus=2`, `version = 6`, `CPU 1 is empty`. */
export const TRACE_CMD_NOTE_RE = /^(cpus=\d+|version = \d+|CPU \d+ is empty|trace-cmd: .*)$/;
const EVENT_RE = /^([^\s:]+):(?: (.*))?$/s;
/**
 * `CPU:%d [LOST %lu EVENTS]` / `CPU:%d [LOST EVENTS]` (kernel/trace/trace.c print_trace_line(), 5.10–7.3);
 * trace-cmd report's `CPU:%d [%lld EVENTS DROPPED]` / `CPU:%d [EVENTS DROPPED]` (tracecmd/trace-read.c trace_show_data()).
 */
const LOST_RE = /^(?:CPU:\s*\d+\s+)?\[(?:LOST (?:(\S+) )?EVENTS|(?:(\S+) )?EVENTS DROPPED)\]$/;
/** The ftrace:print event's text after its `%ps: ` (the writer's symbol, or its address without kallsyms). */
const PRINT_RE = /^(?:tracing_mark_write|0x[0-9a-f]+|[0-9a-f]{8,16}): (.*)$/s;
const LAB_RE = /^(lab_call|lab_kmod)\/([A-Za-z_][\w.]*):(?: (.*))?$/s;

const UNKNOWN: LineResult = { kind: 'unknown' };
const fail = (message: string): LineResult => ({ kind: 'error', message });

/** Parse one line (without its line end). */
export function parseLine(text: string, source: SourceLoc): LineResult {
  const trimmed = text.trim();
  if (trimmed === '' || text.startsWith('#') || TRACE_CMD_NOTE_RE.test(trimmed)) return { kind: 'skip' };
  const lost = parseLost(trimmed, source);
  if (lost !== null) return lost;
  const h = scanHeader(text);
  if (h === null) return UNKNOWN;
  return parseEvent(h.body, h.header, source);
}

/**
 * `TASK-PID [CPU] FLAGS TIMESTAMP: rest` (trace-cmd report prints no FLAGS column), as
 * `^\s*(\S.*)-(\d+)\s+\[(\d+)\]\s+(?:(\S+)\s+)?(\d+\.\d+):\s(.*)$` would read it (the task may
 * hold '-' and spaces: the last `-PID [CPU]` that is followed by a time stamp ends it), scanned by
 * hand in time linear in the line: each `[` is tried once, from the right, and every run of
 * digits or spaces is looked at by at most two tries (that regex backtracks quadratically).
 */
export function scanHeader(text: string): { header: TraceHeader; body: string } | null {
  let first = 0;
  while (first < text.length && isSpace(text, first)) first++;
  for (let k = text.lastIndexOf('['); k > first; k = text.lastIndexOf('[', k - 1)) {
    // Backwards from `[`: spaces, the pid's digits, the '-' that ends the task (at least one character).
    let i = k - 1;
    while (i > first && isSpace(text, i)) i--;
    if (i === k - 1) continue;
    const pidEnd = i + 1;
    while (i > first && isDigit(text, i)) i--;
    if (i + 1 === pidEnd || text[i] !== '-' || i <= first) continue;
    const dash = i;
    // Forwards: CPU digits, `]`, spaces, an optional flags word and spaces, `SECONDS.FRACTION:` and one space.
    let j = k + 1;
    while (isDigit(text, j)) j++;
    if (j === k + 1 || text[j] !== ']') continue;
    const cpuEnd = j;
    j = skipSpaces(text, j + 1);
    if (j === cpuEnd + 1) continue;
    let flags = '';
    let ts = timestampAt(text, j);
    if (ts < 0) {
      let w = j;
      while (w < text.length && !isSpace(text, w)) w++;
      const next = skipSpaces(text, w);
      if (w === j || next === w) continue;
      ts = timestampAt(text, next);
      if (ts < 0) continue;
      flags = text.slice(j, w);
      j = next;
    }
    const header: TraceHeader = {
      task: text.slice(first, dash).trim(),
      pid: Number(text.slice(dash + 1, pidEnd)),
      cpu: Number(text.slice(k + 1, cpuEnd)),
      flags,
      timestamp: Number(text.slice(j, ts)),
    };
    return { header, body: text.slice(ts + 2) };
  }
  return null;
}

/** The end of `\d+\.\d+` at `at` when it is followed by `:` and a space, else -1. */
function timestampAt(text: string, at: number): number {
  let j = at;
  while (isDigit(text, j)) j++;
  if (j === at || text[j] !== '.') return -1;
  const frac = ++j;
  while (isDigit(text, j)) j++;
  if (j === frac || text[j] !== ':' || !isSpace(text, j + 1)) return -1;
  return j;
}

function skipSpaces(text: string, at: number): number {
  let j = at;
  while (j < text.length && isSpace(text, j)) j++;
  return j;
}

function isDigit(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c >= 48 && c <= 57;
}

/** True when the character at `at` is one that `\s` matches (by its code: a regex test per character was a tenth of `memhp check`'s parsing). */
function isSpace(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** A `[LOST N EVENTS]` line as a record (or an error for a count that is no number); null for other lines. */
export function parseLost(text: string, source: SourceLoc): LineResult | null {
  const lost = LOST_RE.exec(text);
  if (lost === null) return null;
  const n = lost[1] ?? lost[2];
  if (n === undefined) return { kind: 'record', record: { kind: 'lost', source, count: null } };
  if (!/^\d+$/.test(n)) return fail(`${lost[1] !== undefined ? `[LOST ${n} EVENTS]` : `[${n} EVENTS DROPPED]`}: the count is not a number`);
  return { kind: 'record', record: { kind: 'lost', source, count: Number(n) } };
}

/** The part of a trace line after its header (`EVENT: …`), whichever header format it had. */
export function parseEvent(body: string, header: TraceHeader, source: SourceLoc): LineResult {
  const ev = EVENT_RE.exec(body);
  if (ev === null) return UNKNOWN;
  const event = ev[1] ?? '';
  const rest = ev[2] ?? '';
  const base = { source, header };
  // trace-cmd report prints a trace_marker write as the ftrace:print event: `print: tracing_mark_write: TEXT` (%ps: %s).
  const marker = event === 'tracing_mark_write' ? rest : event === 'print' ? PRINT_RE.exec(rest)?.[1] : undefined;
  if (marker !== undefined) {
    const m = parseMarker(marker);
    if (m === null) return UNKNOWN;
    return m.ok ? { kind: 'record', record: { kind: 'marker', ...base, marker: m.value } } : fail(m.message);
  }
  if (event === 'console') {
    // 5.10 traces the console text with its printk prefix (trace_console() in call_console_drivers()); 6.1+ without.
    const p = splitPrintk(rest);
    return { kind: 'record', record: { kind: 'console', ...base, text: p.text, printkTime: p.time } };
  }
  if (/^secstate\d+$/.test(event)) return parseSecstate(event, rest, base);
  if (rest.startsWith('lab_call/') || rest.startsWith('lab_kmod/')) return parseLab(event, rest, base);
  if (rest.startsWith('(')) return parseKprobe(event, rest, base);
  return UNKNOWN;
}

type Base = { readonly source: SourceLoc; readonly header: TraceHeader };

/** `NAME: (func+0xOFF/0xSIZE) args` or `NAME_ret: (caller <- func) ret=...`. */
function parseKprobe(event: string, rest: string, base: Base): LineResult {
  const ret = /^\((.*) <- ([^\s)]+)\)(?: (.*))?$/s.exec(rest);
  if (ret !== null) {
    const args = parseArgs(ret[3] ?? '');
    if (!args.ok) return fail(`${event}: ${args.message}`);
    const value = args.value.ret ?? null;
    if (value !== null && value.int === null) return fail(`${event}: ret=${value.text} is not a number`);
    const record = {
      kind: 'return',
      ...base,
      origin: 'kprobe',
      // A bare address (trace-cmd report, perf script) names no function: the event's name does.
      name: isSymbol(ret[2] ?? '') ? (ret[2] ?? '') : probedFunction(event),
      caller: ret[1] ?? '',
      printkCaller: null,
      ret: value,
      retInt32: value?.int == null ? null : toInt32(value.int),
      retDecimal: null,
    } as const;
    return { kind: 'record', record };
  }
  const entry = /^\(([^)]*)\)(?: (.*))?$/s.exec(rest);
  if (entry === null) return fail(`${event}: unterminated probe site "${rest}"`);
  const site = parseSite(entry[1] ?? '');
  if (!site.ok) return fail(`${event}: ${site.message}`);
  const args = parseArgs(entry[2] ?? '');
  if (!args.ok) return fail(`${event}: ${args.message}`);
  // The function is the probe site's symbol (events may carry any name, e.g. p___add_pages_0); a
  // bare-address site (trace-cmd report, perf script) names none, and the event's name tells it.
  const name = isSymbol(site.value.func) ? site.value.func : probedFunction(event);
  const record = { kind: 'entry', ...base, origin: 'kprobe', name, site: site.value, printkCaller: null, args: args.value } as const;
  return { kind: 'record', record };
}

/** `lab_call/FUNC: args`, `lab_call/FUNC_ret: ret=N|(void)`, `lab_kmod/FUNC: (FUNC+0x0) args`, `lab_kmod/FUNC_ret: ret=0xH (D)`. */
function parseLab(printkCaller: string, rest: string, base: Base): LineResult {
  const m = LAB_RE.exec(rest);
  if (m === null) return { kind: 'record', record: { kind: 'lab_note', ...base, printkCaller, text: rest } };
  const origin: CallOrigin = m[1] === 'lab_call' ? 'lab_call' : 'lab_kmod';
  const fn = m[2] ?? '';
  const body = (m[3] ?? '').trim();
  const what = `${origin}/${fn}`;
  if (fn.endsWith('_ret')) {
    const common = { kind: 'return', ...base, origin, name: fn.slice(0, -4), caller: null, printkCaller } as const;
    if (body === '(void)') return { kind: 'record', record: { ...common, ret: null, retInt32: null, retDecimal: null } };
    const r = /^ret=(\S+)(?: \((\S*)\))?$/.exec(body);
    if (r === null) return fail(`${what}: expected "ret=N", "ret=0xHEX (DECIMAL)" or "(void)", got "${body}"`);
    const value = makeValue(r[1] ?? '', false);
    if (value.int === null) return fail(`${what}: ret=${value.text} is not a number`);
    let retDecimal: bigint | null = null;
    if (r[2] !== undefined) {
      if (!/^-?\d+$/.test(r[2])) return fail(`${what}: "(${r[2]})" is not a decimal number`);
      retDecimal = BigInt(r[2]);
    }
    return { kind: 'record', record: { ...common, ret: value, retInt32: toInt32(value.int), retDecimal } };
  }
  let argText = body;
  let site = null;
  const s = /^\(([^)]*)\)\s*(.*)$/s.exec(body);
  if (s !== null) {
    const p = parseSite(s[1] ?? '');
    if (!p.ok) return fail(`${what}: ${p.message}`);
    site = p.value;
    argText = s[2] ?? '';
  } else if (body.startsWith('(')) {
    return fail(`${what}: unterminated probe site "${body}"`);
  }
  const args = parseArgs(argText);
  if (!args.ok) return fail(`${what}: ${args.message}`);
  return { kind: 'record', record: { kind: 'entry', ...base, origin, name: fn, site, printkCaller, args: args.value } };
}

/**
 * `secstateN: (ksys_sync+0x0/0xa0) vmb=0x… m<S>=0x… p<S>=0x… u<S>=0x…`, or taken at a return
 * (`memhp capture` snapshots after each top-level hotplug call): `secstateN: (CALLER <- FUNC) vmb=…`,
 * whose site is FUNC.
 */
function parseSecstate(probe: string, rest: string, base: Base): LineResult {
  const ret = /^\((.*) <- ([^\s)]+)\)(?: (.*))?$/s.exec(rest);
  const m = ret ?? /^\(([^)]*)\)(?: (.*))?$/s.exec(rest);
  if (m === null) return fail(`${probe}: expected "(ksys_sync+0xOFF/0xSIZE) vmb=… m<S>=… p<S>=… u<S>=…"`);
  const site = ret === null ? parseSite(m[1] ?? '') : { ok: true as const, value: { func: ret[2] ?? '', offset: 0, size: null } };
  if (!site.ok) return fail(`${probe}: ${site.message}`);
  const args = parseArgs((ret === null ? m[2] : ret[3]) ?? '');
  if (!args.ok) return fail(`${probe}: ${args.message}`);
  let vmb: bigint | null = null;
  const parts = new Map<number, { m?: bigint; p?: bigint; u?: bigint }>();
  for (const [key, value] of Object.entries(args.value)) {
    const n = parseHexWord(value.text, value.quoted);
    if (!n.ok) return fail(`${probe}: ${key}=${value.text}: ${n.message}`);
    if (key === 'vmb') {
      vmb = n.value;
      continue;
    }
    const k = /^([mpu])(\d+)$/.exec(key);
    if (k === null) return fail(`${probe}: unexpected field "${key}" (expected vmb, m<S>, p<S>, u<S>)`);
    const nr = Number(k[2]);
    const entry = parts.get(nr) ?? {};
    entry[k[1] as 'm' | 'p' | 'u'] = n.value;
    parts.set(nr, entry);
  }
  if (vmb === null) return fail(`${probe}: no vmb= field`);
  const sections: SectionState[] = [];
  for (const [nr, e] of parts) {
    if (e.m === undefined || e.p === undefined || e.u === undefined) {
      return fail(`${probe}: section ${nr} needs all of m${nr}=, p${nr}= and u${nr}=`);
    }
    sections.push({ nr, word: e.m, usage: e.p, map0: e.u });
  }
  return { kind: 'record', record: { kind: 'secstate', ...base, probe, site: site.value, vmemmapBase: vmb, sections } };
}

/** True for a symbol name, false for an address (trace-cmd report prints `(%lx)` sites as bare hex). */
function isSymbol(text: string): boolean {
  return /^[A-Za-z_.$][\w.$]*$/.test(text) && !/^[0-9a-f]{8,16}$/.test(text);
}

/** A 64-bit value printed as `0x…` hex. */
function parseHexWord(text: string, quoted: boolean): Parsed<bigint> {
  const v = quoted ? null : parseInt64(text);
  if (v === null || !text.startsWith('0x')) return { ok: false, code: 'E_PARSE', message: 'not a 0x hex number' };
  if (v >= 1n << 64n) return { ok: false, code: 'E_PARSE', message: 'does not fit in 64 bits' };
  return { ok: true, value: v };
}
