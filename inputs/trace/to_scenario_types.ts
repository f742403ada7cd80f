/**
 * The types of a trace translated into a scenario (made by
 * inputs/trace/to_scenario.ts): the check points, each step's recorded return, crash, user action and call chain, and the
 * TraceScenario itself.
 */
import type { SourceLoc } from '../../kernel/operation.js';
import type { Scenario } from '../types.js';
import type { BootSource } from './boot.js';
import type { Memblk, SectionState, TraceWarning } from './types.js';

/** A secstate snapshot as a check point: compared with the model's state after step `afterStep`. */
export interface TraceCheckPoint {
  /** The log step (0 = boot) whose state the snapshot shows. */
  readonly afterStep: number;
  readonly source: SourceLoc;
  readonly label: string | null;
  readonly vmemmapBase: bigint;
  readonly sections: readonly SectionState[];
  /** The snapshot's sysfs memory blocks (MEMBLK lines): their online state is compared too. */
  readonly memblocks: readonly Memblk[];
}

/** The return value a trace recorded for a step (null: void or not recorded). */
export interface TraceStepRet {
  /** The log step (1-based: step 0 is boot). */
  readonly step: number;
  /** The line that printed the return value (the entry line when none was recorded). */
  readonly source: SourceLoc;
  readonly ret: number | null;
}

/** A step the kernel died in: its call (or a call inside it) never returned because of this oops. */
export interface TraceStepCrash {
  /** The log step (1-based). */
  readonly step: number;
  /** The oops's first console line. */
  readonly source: SourceLoc;
  /** That line's text, e.g. `BUG: kernel NULL pointer dereference, address: 0000000000000008`. */
  readonly line: string;
  /** The function of its first kernel `RIP: 0010:` line, or null. */
  readonly func: string | null;
}

/** Where a step came from: the user action and the recorded call chain around it. */
export interface TraceStepContext {
  /** The `LAB_STEP` text, with the last action command (`LAB_CMD` / `LAB_HOST`) before the call, or null. */
  readonly label: string | null;
  /** The recorded calls from the outermost caller down to the step's call, with their returns. */
  readonly call: string;
}

/** A nested call the kernel made during a step (sparse_add_section …), as the trace recorded it. */
export interface TraceSubCall {
  readonly fn: string;
  readonly pfn: number;
  readonly nr_pages: number;
  /** The int it returned (sparse_add_section only), else null. */
  readonly ret: number | null;
  readonly source: SourceLoc;
  /** The line that printed its return, when recorded. */
  readonly exit: SourceLoc | null;
  /** True when the kernel died inside it (it never returned). */
  readonly crashed: boolean;
}

/** A trace as a scenario plus what to compare. */
export interface TraceScenario {
  readonly scenario: Scenario;
  /** One per scenario step, in order. */
  readonly context: readonly TraceStepContext[];
  /** The nested traceable calls of each step (index = step - 1), in entry order. */
  readonly subcalls: ReadonlyArray<readonly TraceSubCall[]>;
  /** The functions of the model's nested calls (kernel/subcalls.ts) the trace has probes for (the others cannot be compared). */
  readonly probed: ReadonlySet<string>;
  readonly snapshots: readonly TraceCheckPoint[];
  readonly rets: readonly TraceStepRet[];
  /** The steps the kernel crashed in (at most one: the oops ends the trace). */
  readonly crashes: readonly TraceStepCrash[];
  /** The modelled kernel named by a `Linux version` banner in the trace, else null. */
  readonly kernel: string | null;
  /** Where the boot layout came from (inputs/trace/boot.ts). */
  readonly bootFrom: BootSource;
  /** How the boot layout was found, when it was not the trace's own /proc/iomem; contradictions with the command line. */
  readonly bootNotes: readonly TraceWarning[];
  /** Remarks about the calls: an entry without its return, a return without its entry. */
  readonly notes: readonly TraceWarning[];
}
