/**
 * The execution context kernel functions run in: the profile, the step's copy-on-write state (a
 * WorkingState, model/working.ts), and the outcome being built (warnings, hazards, resources, the
 * deciding call path). Helpers here model the kernel's cross-cutting machinery: WARN_ON_ONCE/
 * pr_warn_once once-flags, __nr_to_section, injected allocation failures.
 */
import { oopsHazard, oopsText } from '../oops.js';
import { zeroSection } from '../../kernel/zero_section.js';
import { bitmapZero } from '../../kernel/bitmap.js';
import type { Geometry } from '../../kernel/geometry.js';
import { nextSectionState } from '../section_machine.js';
import { SUBCALL_FNS } from '../../kernel/subcalls.js';
import type { SectionEvent } from '../section_machine.js';
import type { MutableSection, WorkingState } from '../working.js';
import type { AllocKind, Hazard, InjectedFailure, MemSection, Oops, Profile, ResourceEvent, SectionStateValue, SubCall, Warning } from '../../kernel/types.js';

/** A section a kernel function may write during the current step. */
export type SectionDraft = MutableSection;

/** Everything a kernel function needs; `s` is the step's copy-on-write state, the only thing it may write. */
export interface KernelCtx {
  readonly p: Profile;
  readonly g: Geometry;
  readonly s: WorkingState;
  readonly warnings: Warning[];
  readonly hazards: Hazard[];
  readonly resources: ResourceEvent[];
  readonly notes: string[];
  /** Machine state of each touched section before the step, by section number. */
  readonly before: Map<number, SectionStateValue>;
  readonly stack: string[];
  /** The deciding decision (`what`) and the call frames it was made in; joined by finishOutcome. */
  path: string;
  /** The first `pathDepth` entries are the deciding call frames (a reused buffer, no allocation per decision). */
  readonly pathFrames: string[];
  pathDepth: number;
  pathIsError: boolean;
  readonly inject: readonly InjectedFailure[];
  readonly allocCount: Record<AllocKind, number>;
  /** altmap->alloc for the current __add_pages call (pages handed out of the altmap). */
  altmapAlloc: number;
  /** The traceable calls made so far, in Outcome.calls' compact form (kernel/subcalls.ts). */
  readonly calls: number[];
  /** Run when the step ends, before its outcome is frozen: texts that name everything a step touched are written once. */
  readonly finishers: Array<() => void>;
}

/** A fresh context for one operation. */
export function createCtx(p: Profile, s: WorkingState, inject: readonly InjectedFailure[]): KernelCtx {
  return {
    p,
    g: p.geometry,
    s,
    warnings: [],
    hazards: [],
    resources: [],
    notes: [],
    before: new Map(),
    stack: [],
    path: '',
    pathFrames: [],
    pathDepth: 0,
    pathIsError: false,
    inject,
    allocCount: { usage: 0, root: 0, memmap: 0 },
    altmapAlloc: 0,
    calls: [],
    finishers: [],
  };
}

/** Note a call of a function a kernel trace records (at its entry, so calls keep the order of entries); set `ret` on return. */
export function recordCall(ctx: KernelCtx, fn: SubCall['fn'], pfn: number, nr_pages: number): number {
  const at = ctx.calls.length;
  ctx.calls.push(SUBCALL_FNS.indexOf(fn), pfn, nr_pages, 0);
  return at;
}

/** Set the return of the call recordCall() noted at `at`. */
export function recordReturn(ctx: KernelCtx, at: number, ret: number): void {
  ctx.calls[at + 3] = ret;
}

/** Run `fn` with `frame` pushed on the call path. */
export function call<T>(ctx: KernelCtx, frame: string, fn: () => T): T {
  ctx.stack.push(frame);
  try {
    return fn();
  } finally {
    ctx.stack.pop();
  }
}

/** Record the current call path as the one that decided the outcome; an error decision is kept over later ones. */
export function decide(ctx: KernelCtx, what: string, isError = false): void {
  if (ctx.pathIsError) return;
  for (let i = 0; i < ctx.stack.length; i++) ctx.pathFrames[i] = ctx.stack[i] as string;
  ctx.pathDepth = ctx.stack.length;
  ctx.path = what;
  ctx.pathIsError = isError;
}

/** Thrown when the modelled kernel oopses: it unwinds the step, and model.ts turns it into the step's outcome. */
export class KernelOops extends Error {
  constructor(readonly hazard: Hazard) {
    super(hazard.text);
  }
}

/** The kernel dies here with `o`, for the reason `why`: record it as the deciding error and unwind the step. */
export function oops(ctx: KernelCtx, o: Oops, why: string): never {
  const hazard = oopsHazard(o, why);
  ctx.hazards.push(hazard);
  decide(ctx, oopsText(o), true);
  throw new KernelOops(hazard);
}

/** Emit a warning every time (WARN / WARN_ON). */
export function warn(ctx: KernelCtx, w: Warning): void {
  ctx.warnings.push(w);
}

/** Emit a warning only the first time its call site fires in this run (WARN_ON_ONCE, pr_warn_once); `condition` tells apart two sites of one function that print the same text. */
export function warnOnce(ctx: KernelCtx, w: Warning, condition = ''): void {
  const site = `${w.file}:${w.func}:${w.kind}:${w.text}${condition && `:${condition}`}`;
  if (ctx.s.fired(site)) return;
  ctx.s.fire(site);
  ctx.warnings.push(w);
}

/** True when the next allocation of `kind` is one the input asked to fail. */
export function allocFails(ctx: KernelCtx, kind: AllocKind): boolean {
  const n = ++ctx.allocCount[kind];
  return ctx.inject.some((f) => f.kind === kind && f.nth === n);
}

/** __nr_to_section(nr) for reading: undefined when the root is NULL (or the section never touched). */
export function peekSection(ctx: KernelCtx, nr: number): MemSection | undefined {
  return ctx.s.peek(nr);
}

/** True when mem_section[SECTION_NR_TO_ROOT(nr)] is allocated. */
export function rootPresent(ctx: KernelCtx, nr: number): boolean {
  return ctx.s.hasRoot(Math.floor(nr / ctx.g.SECTIONS_PER_ROOT));
}

/** __nr_to_section(nr) for writing, creating the zeroed entry inside an existing root; undefined for a NULL root. */
export function sectionForWrite(ctx: KernelCtx, nr: number): SectionDraft | undefined {
  const ms = ctx.s.write(nr, () => zeroSection(ctx.g, nr));
  if (ms && !ctx.before.has(nr)) ctx.before.set(nr, ms.machine);
  return ms;
}


/** Step the section machine for `ms`. */
export function stepMachine(ms: SectionDraft, event: SectionEvent): void {
  ms.machine = nextSectionState(ms.machine, event);
}
