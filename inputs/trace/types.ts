/**
 * Types of the ftrace text reader (inputs/trace/): one typed record per trace line, each with the
 * source location it was read from, plus the document-level groupings (snapshots, WARN splats,
 * unknown lines) and the call tree built by pairCalls.
 */
import type { InputError } from '../types.js';
import type { IomemResource, SourceLoc } from '../../kernel/operation.js';

/** A `key=value` value as printed, with its numeric reading when it is a number. */
export interface TraceValue {
  /** The value as printed (without the quotes of a quoted value). */
  readonly text: string;
  readonly quoted: boolean;
  /** The number (hex `0x…`, decimal, negative decimal), or null when the text is not one. */
  readonly int: bigint | null;
  /** `int` as a JavaScript number when it is a safe integer, else null. */
  readonly num: number | null;
}

/** Arguments by name, in the order printed. */
export type TraceArgs = Readonly<Record<string, TraceValue>>;

/** The ftrace line header: `TASK-PID [CPU] FLAGS TIMESTAMP:`. */
export interface TraceHeader {
  readonly task: string;
  readonly pid: number;
  readonly cpu: number;
  readonly flags: string;
  /** Seconds since boot (a trace file), or since the ring buffer's start (an ftrace_dump(): microseconds printed). */
  readonly timestamp: number;
}

/** A probe site `(func+0xOFF/0xSIZE)`; size is null when not printed (labkp's `(FUNC+0x0)`). */
export interface ProbeSite {
  readonly func: string;
  readonly offset: number;
  readonly size: number | null;
}

/** Who wrote an entry/return line: a tracefs kprobe, labkp.ko (`lab_kmod/`) or labcall.ko (`lab_call/`). */
export type CallOrigin = 'kprobe' | 'lab_kmod' | 'lab_call';

interface Located {
  readonly source: SourceLoc;
  readonly header: TraceHeader;
}

/** A function entry: `NAME: (func+0xOFF/0xSIZE) key=value ...` or a `lab_*` entry line. */
export interface EntryRecord extends Located {
  readonly kind: 'entry';
  readonly origin: CallOrigin;
  /** The function name (the event name for kprobes). */
  readonly name: string;
  readonly site: ProbeSite | null;
  /** The trace_printk caller printed before `lab_*` lines (unreliable for lab_call), else null. */
  readonly printkCaller: string | null;
  readonly args: TraceArgs;
}

/** A function return: `NAME_ret: (caller <- func) ret=...` or a `lab_*` `_ret` line. */
export interface ReturnRecord extends Located {
  readonly kind: 'return';
  readonly origin: CallOrigin;
  /** The function name, without `_ret`. */
  readonly name: string;
  /** The return site before `<-` (kprobes only; may be an address or `[unknown/kretprobe'd]`). */
  readonly caller: string | null;
  readonly printkCaller: string | null;
  /** null for `void` functions. */
  readonly ret: TraceValue | null;
  /** The low 32 bits of ret as a C `int` (0xffffffef → -17), or null. */
  readonly retInt32: number | null;
  /** The decimal form labkp prints in parentheses after the hex value, or null. */
  readonly retDecimal: bigint | null;
}

/** One section of a `secstate` line. */
export interface SectionState {
  readonly nr: number;
  /** `mem_section[nr].section_mem_map` (m<S>). */
  readonly word: bigint;
  /** The `ms->usage` pointer (p<S>). */
  readonly usage: bigint;
  /** `usage->subsection_map[0]` (u<S>). */
  readonly map0: bigint;
}

/** A `secstateN: (ksys_sync+…) vmb=… m<S>=… p<S>=… u<S>=…` line. */
export interface SecstateRecord extends Located {
  readonly kind: 'secstate';
  readonly probe: string;
  readonly site: ProbeSite;
  readonly vmemmapBase: bigint;
  readonly sections: readonly SectionState[];
}

/** A sysfs memory block line of a snapshot. */
export interface Memblk {
  readonly label: string;
  readonly section: number;
  readonly block: number;
  /** True for `absent` (no memoryN directory); the fields below are then null. */
  readonly absent: boolean;
  readonly state: string | null;
  readonly online: string | null;
  readonly zones: string | null;
  readonly removable: string | null;
}

/** The payload of a `tracing_mark_write:` line. */
export type Marker =
  | { readonly type: 'step' | 'cmd' | 'out' | 'host' | 'nosym' | 'kprobe_fail' | 'kprobe_arg_missing' | 'timeout'; readonly text: string }
  | { readonly type: 'rc'; readonly rc: number }
  | { readonly type: 'host_answer'; readonly status: 'OK' | 'ERROR'; readonly text: string }
  | { readonly type: 'snap_begin' | 'snap_end'; readonly label: string }
  | { readonly type: 'iomem'; readonly label: string; readonly line: string }
  | ({ readonly type: 'memblk' } & Memblk)
  | { readonly type: 'secstate_sections'; readonly sections: readonly number[]; readonly spr: number | null };

/** A `tracing_mark_write:` line. */
export interface MarkerRecord extends Located {
  readonly kind: 'marker';
  readonly marker: Marker;
}

/** A `console:` (printk) line. */
export interface ConsoleRecord extends Located {
  readonly kind: 'console';
  /** The message, without the printk prefix (5.10's console event carries `[    1.234567] `). */
  readonly text: string;
  /** The printk time stamp printed in front of the message (seconds), or null. */
  readonly printkTime: number | null;
}

/** A WARNING console line (inputs/trace/warning.ts: every release's format of __warn()). */
export interface WarnRecord extends Located {
  readonly kind: 'warn';
  readonly cpu: number;
  readonly pid: number;
  /** The task's comm where the line prints it (7.3), else null. */
  readonly comm: string | null;
  /** Source file and line of the WARN in the kernel tree, e.g. `mm/sparse.c`, 667 (null: printed without). */
  readonly file: string | null;
  readonly line: number | null;
  readonly symbol: string;
  readonly site: ProbeSite;
  /** The WARN's message (console lines between `cut here` and WARNING), or null for a WARN without text. */
  readonly text: string | null;
  /** The console line where the message starts (null without a message). */
  readonly textSource: SourceLoc | null;
}

/** A labkp.ko note such as `lab_kmod/REGISTERED sparse_add_section at ffffffff81a5136d nargs=5`. */
export interface LabNoteRecord extends Located {
  readonly kind: 'lab_note';
  readonly printkCaller: string;
  readonly text: string;
}

/** A `[LOST N EVENTS]` line: the ring buffer dropped events here. */
export interface LostRecord {
  readonly kind: 'lost';
  readonly source: SourceLoc;
  /** null for `[LOST EVENTS]` (the ring buffer did not know how many; kernel/trace/trace.c print_trace_line()). */
  readonly count: number | null;
}

/** A kernel oops splat in the console (inputs/trace/oops_splat.ts): the kernel died here. */
export interface OopsRecord {
  readonly kind: 'oops';
  /** The splat's first line. */
  readonly source: SourceLoc;
  /** That line's text, e.g. `BUG: kernel NULL pointer dereference, address: 0000000000000008`. */
  readonly line: string;
  /** The function of the first kernel `RIP: 0010:FUNC+0x…/0x…` line, or null when none was printed. */
  readonly func: string | null;
  readonly rip: SourceLoc | null;
  /** The PID of the splat's `CPU: N … PID: P Comm: …` line (the task that died), or null. */
  readonly pid: number | null;
}

/** Any record of a trace. */
export type TraceRecord =
  | EntryRecord
  | ReturnRecord
  | SecstateRecord
  | MarkerRecord
  | ConsoleRecord
  | WarnRecord
  | LabNoteRecord
  | LostRecord
  | OopsRecord;

/** A line the reader does not know; listed, never guessed at. */
export interface UnknownLine {
  readonly source: SourceLoc;
  readonly text: string;
}

/** A `LAB_SNAP_BEGIN` … `LAB_SNAP_END` group. */
export interface Snapshot {
  readonly label: string;
  /** null when IOMEM/MEMBLK lines of this label appeared without a LAB_SNAP_BEGIN. */
  readonly begin: SourceLoc | null;
  readonly end: SourceLoc | null;
  readonly iomem: readonly IomemResource[];
  readonly memblocks: readonly Memblk[];
  /** The secstate line recorded inside the snapshot, if any. */
  readonly secstate: SecstateRecord | null;
}

/** A parsed trace. */
export interface TraceDocument {
  readonly file: string;
  readonly records: readonly TraceRecord[];
  readonly warns: readonly WarnRecord[];
  readonly snapshots: readonly Snapshot[];
  readonly unknown: readonly UnknownLine[];
  /** True when the trace has at least one `[LOST N EVENTS]` line. */
  readonly lostEvents: boolean;
  /** Where the records come from: a trace file (or its copy in a console.log), or ftrace_dump()'s dump at an oops. */
  readonly from: 'trace' | 'ftrace_dump';
  /** For an ftrace dump: its `Dumping ftrace buffer:` line and closing dashes line (null: cut short). */
  readonly dump: { readonly begin: number; readonly end: number | null } | null;
  /** Non-fatal remarks (e.g. LAB_SNAP_END without its LAB_SNAP_BEGIN). */
  readonly warnings: readonly TraceWarning[];
  /** Lines of a known kind that could not be read (skipped, never half-read), in line order. */
  readonly malformed: readonly InputError[];
}

/** A non-fatal remark about a trace (e.g. an entry without its return). */
export interface TraceWarning {
  readonly message: string;
  readonly file: string;
  readonly line: number;
}

/** An entry paired with its return. */
export interface Call {
  readonly name: string;
  readonly origin: CallOrigin;
  readonly pid: number;
  readonly task: string;
  readonly args: TraceArgs;
  /** null for void returns, for unmatched entries, and for probes that have no return probe. */
  readonly ret: TraceValue | null;
  readonly retInt32: number | null;
  readonly entry: SourceLoc;
  /** null when no return was recorded (no return probe, or unmatched). */
  readonly exit: SourceLoc | null;
  readonly children: readonly Call[];
  /** The oops the call never returned from (the kernel died inside it), else null. */
  readonly crash: OopsRecord | null;
}
