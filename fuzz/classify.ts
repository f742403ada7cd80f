/**
 * Classifying a fuzz result: `ok` (exit 0 or 1), `clean error` (exit 2 with one-line
 * `file:line: error[CODE]: …` / `memhp: error[CODE]: …` messages and hints), `crash` (a throw, exit 70 or another
 * code, a stack trace, a dead worker), `hang` (the watchdog fired), `wrong` (an oracle failed).
 */
import type { Outcome } from './pool.js';
import type { CliResult, ViewerResult } from './worker.js';

/** The classes, in the order the table lists them. */
export const CLASSES = ['ok', 'clean error', 'crash', 'hang', 'wrong'] as const;

/** One class. */
export type FuzzClass = (typeof CLASSES)[number];

/** A class and why (the first line of what showed it). */
export interface Verdict {
  readonly cls: FuzzClass;
  readonly why: string;
  readonly code: number | null;
}

/** A line of stderr a clean run may print: an error (with its code)/warning/note at `file:line`, `memhp: error[CODE]:`, or a hint. */
export const CLEAN_LINE = /^(memhp: error\[E_[A-Z_]+\]: [^\n]+|[^\n]+:\d+: (error\[E_[A-Z_]+\]|warning|note): [^\n]*|  hint: [^\n]*)$/;

/** A stack frame line, or memhp's own bug banner. */
const STACK = /^\s+at .+(\(.+:\d+:\d+\)|:\d+:\d+)$|internal error/m;

/** Classify a CLI run (in-process or the binary: `signal` set when the process was killed). */
export function classifyCli(o: Outcome | { status: 'done'; result: CliResult; signal?: string | null }): Verdict {
  if (o.status === 'hang') return { cls: 'hang', why: 'watchdog fired', code: null };
  if (o.status === 'died') return { cls: 'crash', why: `worker died: ${o.message}`, code: null };
  const r = o.result as CliResult;
  if (r.thrown !== null) return { cls: 'crash', why: `threw: ${firstLine(r.thrown)}`, code: null };
  if ('signal' in o && o.signal) return { cls: 'crash', why: `killed by ${o.signal}: ${firstLine(r.stderr)}`, code: r.code };
  if (r.code === 70) return { cls: 'crash', why: `exit 70: ${firstLine(stackHead(r.stderr))}`, code: 70 };
  if (r.code === null || ![0, 1, 2].includes(r.code)) return { cls: 'crash', why: `exit ${r.code}: ${firstLine(stackHead(r.stderr))}`, code: r.code };
  if (STACK.test(r.stderr)) return { cls: 'crash', why: `stack trace on stderr: ${firstLine(stackHead(r.stderr))}`, code: r.code };
  if (r.code === 2) {
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    if (lines.length === 0) return { cls: 'wrong', why: 'exit 2 with nothing on stderr', code: 2 };
    const bad = lines.find((l) => !CLEAN_LINE.test(l));
    if (bad !== undefined) return { cls: 'wrong', why: `exit 2 with a stderr line that is not file:line: / memhp: error[CODE]: / hint: ${bad.slice(0, 120)}`, code: 2 };
    return { cls: 'clean error', why: firstLine(lines.find((l) => /error/.test(l)) ?? lines[0] ?? ''), code: 2 };
  }
  return { cls: 'ok', why: `exit ${r.code}`, code: r.code };
}

/** Options of the viewer's oracles. */
export interface ViewerOracles {
  /** Every answer of the viewer carries a Content-Security-Policy, and a foreign Host gets 421. */
  readonly expectHardening: boolean;
}

/** Classify a raw HTTP exchange with the viewer: `request` as sent (to read its Host). */
export function classifyViewer(o: Outcome, request: Buffer, oracles: ViewerOracles): Verdict {
  if (o.status === 'hang') return { cls: 'hang', why: 'watchdog fired', code: null };
  if (o.status === 'died') return { cls: 'crash', why: `worker died: ${o.message}`, code: null };
  const r = o.result as ViewerResult;
  if (r.thrown !== null) return { cls: 'crash', why: `viewer threw: ${firstLine(r.thrown)}`, code: null };
  if (r.response === null) return { cls: 'ok', why: 'connection closed without an answer', code: null };
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(r.response);
  if (!m) return { cls: 'wrong', why: `not an HTTP answer: ${JSON.stringify(r.response.slice(0, 60))}`, code: null };
  const status = Number(m[1]);
  const head = r.response.split('\r\n\r\n')[0] ?? '';
  const has = (name: string): boolean => new RegExp(`^${name}:`, 'im').test(head);
  if (status >= 500) return { cls: 'wrong', why: `status ${status}: ${firstLine(r.response.slice(head.length + 4))}`, code: status };
  // Answers of the viewer itself (not node's own 400 for an unparsable request) carry nosniff.
  const fromViewer = has('x-content-type-options');
  if (oracles.expectHardening && fromViewer) {
    const host = foreignHost(request);
    // Node's parser refuses an unparsable request before any Host is read: 400/408/431 "malformed HTTP request", nothing of the input.
    const malformed = /"malformed HTTP request/.test(r.response.slice(head.length + 4));
    if (host !== null && status !== 421 && !malformed) return { cls: 'wrong', why: `foreign Host '${host.slice(0, 60)}' answered ${status}, not 421`, code: status };
    if (!has('content-security-policy')) return { cls: 'wrong', why: `status ${status} without Content-Security-Policy`, code: status };
  }
  return { cls: status < 400 ? 'ok' : 'clean error', why: `status ${status}`, code: status };
}

/** The Host of a request when it names another host than the viewer's (127.0.0.1, localhost, [::1]); null otherwise or when absent or repeated. */
export function foreignHost(request: Buffer): string | null {
  const head = request.toString('latin1').split('\r\n\r\n')[0] ?? '';
  const hosts = head.split('\r\n').slice(1).filter((l) => /^host:/i.test(l)).map((l) => l.slice(5).trim());
  if (hosts.length !== 1) return null;
  const host = hosts[0] ?? '';
  const name = host.replace(/:(\d*|%PORT)$/, '').toLowerCase();
  return name === '' || ['127.0.0.1', 'localhost', '[::1]'].includes(name) ? null : host;
}

/** The first line of a text, at most 160 characters. */
export function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').slice(0, 160);
}

// --- internal ---

/** From a bug's stderr, the line after memhp's banner (the error itself). */
function stackHead(stderr: string): string {
  const lines = stderr.split('\n');
  const i = lines.findIndex((l) => /internal error/.test(l));
  return i >= 0 ? (lines[i + 1] ?? lines[i] ?? '') : stderr;
}
