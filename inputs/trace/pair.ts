/**
 * Pair function entries with their returns, per task (pid), into a call tree. Each task has a
 * stack; a return closes the innermost open entry of the same function and origin (entries above
 * it that never returned are closed as unmatched). Functions that have no return line anywhere in
 * the trace (entry-only probes such as vmemmap_free) become leaf calls without a warning.
 */
import type { SourceLoc } from '../../kernel/operation.js';
import type { Call, CallOrigin, EntryRecord, OopsRecord, ReturnRecord, TraceArgs, TraceRecord, TraceValue, TraceWarning } from './types.js';

/** The call trees of a trace and the entries/returns that could not be paired. */
export interface PairedCalls {
  /** Top-level calls in entry order (all tasks). */
  readonly calls: readonly Call[];
  readonly warnings: readonly TraceWarning[];
}

interface OpenCall {
  readonly entry: EntryRecord;
  readonly children: Call[];
  /** Where the finished call goes: the parent's children or the top level. */
  readonly into: Call[];
  readonly index: number;
}

const key = (origin: CallOrigin, name: string): string => `${origin}/${name}`;

/**
 * Pair entry and return records per task into calls with children. When the trace ends in an oops
 * (an ftrace dump), the dying task's entries after its last return were all still running: they
 * nest (whether or not their function has a return probe) and end as calls that never returned,
 * carrying the oops.
 */
export function pairCalls(records: readonly TraceRecord[]): PairedCalls {
  const returning = new Set<string>();
  for (const r of records) if (r.kind === 'return') returning.add(key(r.origin, r.name));
  const oops = records.find((r): r is OopsRecord => r.kind === 'oops' && r.pid !== null) ?? null;
  let lastReturn = -1;
  records.forEach((r, i) => {
    if (r.kind === 'return' && r.header.pid === oops?.pid) lastReturn = i;
  });

  const top: Call[] = [];
  const warnings: TraceWarning[] = [];
  const stacks = new Map<number, OpenCall[]>();
  const warn = (message: string, at: SourceLoc): void => {
    warnings.push({ message, file: at.file, line: at.line });
  };
  /** Reserve a slot so calls keep entry order even though they are finished later. */
  const place = (stack: OpenCall[]): { into: Call[]; index: number } => {
    const into = stack[stack.length - 1]?.children ?? top;
    into.push(PLACEHOLDER);
    return { into, index: into.length - 1 };
  };
  const finish = (open: OpenCall, ret: ReturnRecord | null, crash: OopsRecord | null = null): void => {
    open.into[open.index] = makeCall(open.entry, ret, open.children, crash);
  };

  for (const [i, r] of records.entries()) {
    if (r.kind !== 'entry' && r.kind !== 'return') continue;
    const pid = r.header.pid;
    let stack = stacks.get(pid);
    if (stack === undefined) {
      stack = [];
      stacks.set(pid, stack);
    }
    if (r.kind === 'entry') {
      const slot = place(stack);
      const running = oops !== null && pid === oops.pid && i > lastReturn;
      if (!running && !returning.has(key(r.origin, r.name))) {
        slot.into[slot.index] = makeCall(r, null, []);
        continue;
      }
      stack.push({ entry: r, children: [], ...slot });
      continue;
    }
    let at = -1;
    for (let i = stack.length - 1; i >= 0; i--) {
      const e = stack[i]?.entry;
      if (e !== undefined && e.origin === r.origin && e.name === r.name) {
        at = i;
        break;
      }
    }
    if (at < 0) {
      warn(`${label(r.origin, r.name)} return without a matching entry in task ${r.header.task}-${pid}`, r.source);
      continue;
    }
    while (stack.length > at + 1) {
      const lost = stack.pop();
      if (lost === undefined) break;
      warn(`${label(lost.entry.origin, lost.entry.name)} entry has no return (closed by the return of ${r.name})`, lost.entry.source);
      finish(lost, null);
    }
    const open = stack.pop();
    if (open !== undefined) finish(open, r);
  }
  for (const [pid, stack] of stacks) {
    for (const open of stack.reverse()) {
      if (oops !== null && pid === oops.pid) {
        warn(`${label(open.entry.origin, open.entry.name)} never returned: the kernel crashed (${oops.line}, line ${oops.source.line})`, open.entry.source);
        finish(open, null, oops);
        continue;
      }
      warn(`${label(open.entry.origin, open.entry.name)} entry has no return before the end of the trace`, open.entry.source);
      finish(open, null);
    }
  }
  return { calls: top, warnings };
}

const EMPTY_ARGS: TraceArgs = {};
const NO_LOC: SourceLoc = { file: '', line: 0 };
/** Stands in for a call until it is finished; never left in the output. */
const PLACEHOLDER: Call = {
  name: '',
  origin: 'kprobe',
  pid: -1,
  task: '',
  args: EMPTY_ARGS,
  ret: null,
  retInt32: null,
  entry: NO_LOC,
  exit: null,
  children: [],
  crash: null,
};

function makeCall(entry: EntryRecord, ret: ReturnRecord | null, children: readonly Call[], crash: OopsRecord | null = null): Call {
  const value: TraceValue | null = ret?.ret ?? null;
  return {
    name: entry.name,
    origin: entry.origin,
    pid: entry.header.pid,
    task: entry.header.task,
    args: entry.args,
    ret: value,
    retInt32: ret?.retInt32 ?? null,
    entry: entry.source,
    exit: ret?.source ?? null,
    children,
    crash,
  };
}

function label(origin: CallOrigin, name: string): string {
  return origin === 'kprobe' ? name : `${origin}/${name}`;
}

/** All calls of a tree, depth first (parents before children); an explicit stack, so any depth. */
export function flattenCalls(calls: readonly Call[]): Call[] {
  const out: Call[] = [];
  const stack: Call[] = [...calls].reverse();
  for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
    out.push(c);
    for (let i = c.children.length - 1; i >= 0; i--) {
      const k = c.children[i];
      if (k !== undefined) stack.push(k);
    }
  }
  return out;
}
