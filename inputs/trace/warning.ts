/**
 * The `WARNING:` line of a WARN splat, in every release's format (kernel/panic.c __warn()):
 *   5.10–6.12: `WARNING: CPU: %d PID: %d at %s:%d %pS` and, without file:line, `WARNING: CPU: %d PID: %d at %pS`;
 *   7.3:       `WARNING: %s:%d at %pS, CPU#%d: %s/%d` and, without file:line, `WARNING: at %pS, CPU#%d: %s/%d`.
 * Parsed with fixed anchors and string searches, never a backtracking pattern over the whole line.
 */
import type { ProbeSite } from './types.js';

/** What a WARNING line says. */
export interface WarningLine {
  readonly cpu: number;
  readonly pid: number;
  /** The task's comm (7.3 prints it; null before). */
  readonly comm: string | null;
  /** Source file and line of the WARN (null when the kernel printed the form without them). */
  readonly file: string | null;
  readonly line: number | null;
  /** The `%pS` of the WARN's address: symbol, offset, size (func is the address when no symbol). */
  readonly site: ProbeSite;
  /** The module of a `%pS` in a module (`func+0x1/0x2 [mod]`), else null. */
  readonly module: string | null;
}

const OLD_HEAD_RE = /^WARNING: CPU: (\d+) PID: (\d+) at /;
const FILE_LINE_RE = /^([^\s:]+):(\d+) /;
/** `%pS`: `sym+0xOFF/0xSIZE` with an optional ` [module]`, or a bare `0x…` address. */
const SYMBOL_RE = /^(?:([A-Za-z_.$][\w.$]*)\+0x([0-9a-f]+)\/0x([0-9a-f]+)(?: \[([\w.-]+)\])?|(0x[0-9a-f]+))$/;
const TAIL_RE = /, CPU#(\d+): /;

/** Parse a console message (printk prefix removed) as a WARNING line; null when it is not one. */
export function parseWarningLine(text: string): WarningLine | null {
  if (!text.startsWith('WARNING: ')) return null;
  const old = OLD_HEAD_RE.exec(text);
  if (old !== null) {
    // 5.10–6.12: `... at FILE:LINE SYMBOL` or `... at SYMBOL`; anything after the symbol is not ours.
    let rest = text.slice(old[0].length);
    let file: string | null = null;
    let line: number | null = null;
    const fl = FILE_LINE_RE.exec(rest);
    if (fl !== null) {
      file = fl[1] ?? '';
      line = Number(fl[2]);
      rest = rest.slice(fl[0].length);
    }
    const sym = symbolAt(rest);
    if (sym === null) return null;
    return { cpu: Number(old[1]), pid: Number(old[2]), comm: null, file, line, ...sym };
  }
  // 7.3: `WARNING: FILE:LINE at SYMBOL, CPU#N: COMM/PID` or `WARNING: at SYMBOL, CPU#N: COMM/PID`.
  let rest = text.slice('WARNING: '.length);
  let file: string | null = null;
  let line: number | null = null;
  if (!rest.startsWith('at ')) {
    const at = rest.indexOf(' at ');
    const colon = rest.lastIndexOf(':', at);
    if (at < 0 || colon < 0) return null;
    const lineText = rest.slice(colon + 1, at);
    if (!/^\d+$/.test(lineText)) return null;
    file = rest.slice(0, colon);
    line = Number(lineText);
    if (file === '' || /\s/.test(file)) return null;
    rest = rest.slice(at + 1);
  }
  rest = rest.slice('at '.length);
  const tail = TAIL_RE.exec(rest);
  if (tail === null) return null;
  const sym = symbolAt(rest.slice(0, tail.index));
  if (sym === null) return null;
  // comm may itself hold '/' (kworker/1:2): the pid follows the last one.
  const task = rest.slice(tail.index + tail[0].length);
  const slash = task.lastIndexOf('/');
  const pidText = task.slice(slash + 1);
  if (slash < 0 || !/^\d+$/.test(pidText)) return null;
  return { cpu: Number(tail[1]), pid: Number(pidText), comm: task.slice(0, slash), file, line, ...sym };
}

/** The `%pS` at the start of `text` (up to the first space not inside ` [module]`). */
function symbolAt(text: string): { site: ProbeSite; module: string | null } | null {
  const sp = text.indexOf(' ');
  // Only `sym+0x/0x [mod]` has a space inside; anything after it is more text of the line.
  const end = sp >= 0 && text[sp + 1] === '[' ? text.indexOf(']', sp) + 1 : sp;
  const m = SYMBOL_RE.exec(end <= 0 ? text : text.slice(0, end));
  if (m === null) return null;
  if (m[5] !== undefined) return { site: { func: m[5], offset: 0, size: null }, module: null };
  return { site: { func: m[1] ?? '', offset: Number.parseInt(m[2] ?? '0', 16), size: Number.parseInt(m[3] ?? '0', 16) }, module: m[4] ?? null };
}
