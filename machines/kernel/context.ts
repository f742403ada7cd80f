/**
 * The execution context kernel functions run in: the profile, an immer draft of the state, and the
 * outcome being built (warnings, hazards, resources, the deciding call path). Helpers here model the
 * kernel's cross-cutting machinery: WARN_ON_ONCE/pr_warn_once once-flags, __nr_to_section, injected
 * allocation failures.
 */
import { castDraft } from 'immer';
import type { Draft } from 'immer';
import { bitmapZero } from '../bitmap.js';
import { sectionNrToRoot } from '../geometry.js';
import type { Geometry } from '../geometry.js';
import { nextSectionState } from '../section_machine.js';
import type { SectionEvent } from '../section_machine.js';
import type {
  AllocKind,
  Hazard,
  InjectedFailure,
  KernelState,
  MemSection,
  Outcome,
  Profile,
  ResourceEvent,
  SectionStateValue,
  Warning,
} from '../types.js';

/** A mutable draft of one section. */
export type SectionDraft = Draft<MemSection>;

/** Everything a kernel function needs; `s` is an immer draft and is the only thing it may write. */
export interface KernelCtx {
  readonly p: Profile;
  readonly g: Geometry;
  readonly s: Draft<KernelState>;
  readonly warnings: Warning[];
  readonly hazards: Hazard[];
  readonly resources: ResourceEvent[];
  readonly notes: string[];
  /** Machine state of each touched section before the step, by section number. */
  readonly before: Map<number, SectionStateValue>;
  readonly stack: string[];
  path: string;
  pathIsError: boolean;
  readonly inject: readonly InjectedFailure[];
  readonly allocCount: Record<AllocKind, number>;
  /** altmap->alloc for the current __add_pages call (pages handed out of the altmap). */
  altmapAlloc: number;
}

/** A fresh context for one operation. */
export function createCtx(p: Profile, s: Draft<KernelState>, inject: readonly InjectedFailure[]): KernelCtx {
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
    pathIsError: false,
    inject,
    allocCount: { usage: 0, root: 0, memmap: 0 },
    altmapAlloc: 0,
  };
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
  ctx.path = `${ctx.stack.join(' → ')}: ${what}`;
  ctx.pathIsError = isError;
}

/** Emit a warning every time (WARN / WARN_ON). */
export function warn(ctx: KernelCtx, w: Warning): void {
  ctx.warnings.push(w);
}

/** Emit a warning only the first time its call site fires in this run (WARN_ON_ONCE, pr_warn_once). */
export function warnOnce(ctx: KernelCtx, w: Warning): void {
  const site = `${w.file}:${w.func}:${w.kind}:${w.text}`;
  if (ctx.s.once[site]) return;
  ctx.s.once[site] = true;
  ctx.warnings.push(w);
}

/** True when the next allocation of `kind` is one the input asked to fail. */
export function allocFails(ctx: KernelCtx, kind: AllocKind): boolean {
  const n = ++ctx.allocCount[kind];
  return ctx.inject.some((f) => f.kind === kind && f.nth === n);
}

/** __nr_to_section(nr) for reading: undefined when the root is NULL (or the section never touched). */
export function peekSection(ctx: KernelCtx, nr: number): SectionDraft | undefined {
  return ctx.s.roots[sectionNrToRoot(ctx.g, nr)]?.sections[nr];
}

/** True when mem_section[SECTION_NR_TO_ROOT(nr)] is allocated. */
export function rootPresent(ctx: KernelCtx, nr: number): boolean {
  return ctx.s.roots[sectionNrToRoot(ctx.g, nr)] !== undefined;
}

/** __nr_to_section(nr) for writing, creating the zeroed entry inside an existing root; undefined for a NULL root. */
export function sectionForWrite(ctx: KernelCtx, nr: number): SectionDraft | undefined {
  const root = ctx.s.roots[sectionNrToRoot(ctx.g, nr)];
  if (!root) return undefined;
  let ms = root.sections[nr];
  if (!ms) {
    root.sections[nr] = castDraft(zeroSection(ctx.g, nr));
    ms = root.sections[nr];
  }
  if (ms && !ctx.before.has(nr)) ctx.before.set(nr, ms.machine);
  return ms;
}

/** A section as a freshly allocated root holds it: all zero. */
export function zeroSection(g: Geometry, nr: number): MemSection {
  return {
    nr,
    flags: 0,
    map: 'zero',
    nid: 0,
    usage: 'none',
    subsectionMap: bitmapZero(g.SUBSECTIONS_PER_SECTION),
    bootMap: null,
    memmap: '.'.repeat(g.SUBSECTIONS_PER_SECTION),
    machine: 'absent.never',
  };
}

/** Step the section machine for `ms`. */
export function stepMachine(ms: SectionDraft, event: SectionEvent): void {
  ms.machine = nextSectionState(ms.machine, event);
}

/** Freeze the context into the Outcome of the operation. */
export function finishOutcome(ctx: KernelCtx, ret: number | null, value: boolean | null): Outcome {
  const sections = [...ctx.before.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([nr, before]) => ({ nr, before, after: peekSection(ctx, nr)?.machine ?? before }));
  return {
    ret,
    value,
    warnings: ctx.warnings,
    path: ctx.path,
    sections,
    resources: ctx.resources,
    hazards: ctx.hazards,
    notes: ctx.notes,
  };
}
