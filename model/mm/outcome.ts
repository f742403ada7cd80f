/**
 * Turning a step's context into its Outcome. A log keeps every step's outcome, so what repeats
 * across steps is shared rather than copied: empty lists, call-path texts, frame names with a
 * section number, and the one-section effect lists most steps have.
 */
import type { Outcome, SectionEffect, SectionStateValue } from '../../kernel/types.js';
import { peekSection } from './context.js';
import type { KernelCtx } from './context.js';

/** Freeze the context into the Outcome of the operation. */
export function finishOutcome(ctx: KernelCtx, ret: number | null, value: boolean | null): Outcome {
  for (const f of ctx.finishers) f();
  const sections =
    ctx.before.size === 1
      ? singleEffect(ctx, ctx.before.keys().next().value as number)
      : [...ctx.before.entries()].sort((a, b) => a[0] - b[0]).map(([nr, before]) => ({ nr, before, after: peekSection(ctx, nr)?.machine ?? before }));
  return {
    ret,
    value,
    warnings: orEmpty(ctx.warnings),
    path: pathText(ctx.pathFrames, ctx.pathDepth, ctx.path),
    sections: orEmpty(sections),
    resources: orEmpty(ctx.resources),
    hazards: orEmpty(ctx.hazards),
    notes: orEmpty(ctx.notes),
    calls: ctx.calls.length ? ctx.calls.slice() : EMPTY,
  };
}

/** Frame names with a section number (`sparse_add_section(96)`), one string per function and section. */
export function sectionFrame(func: string, nr: number): string {
  let byNr = FRAMES.get(func);
  if (!byNr) FRAMES.set(func, (byNr = new Map()));
  let text = byNr.get(nr);
  if (text === undefined) {
    text = [func, '(', nr, ')'].join(''); // joined, not a template: one flat string, not a tree of cons strings
    if (byNr.size < 65536) byNr.set(nr, text);
  }
  return text;
}
const FRAMES = new Map<string, Map<number, string>>();

// --- internal ---

const EMPTY: readonly never[] = Object.freeze([]);

/** Outcomes are kept for every step of a log: empty lists share one frozen array. */
function orEmpty<T>(list: readonly T[]): readonly T[] {
  return list.length ? list : EMPTY;
}

/**
 * Most steps touch one section: its [{ nr, before, after }] list is made once per distinct triple,
 * for the first EFFECT_SECTIONS sections met; past them (a workload over the whole address space
 * touches millions, and three Maps per section cost more than the list they share) each step gets
 * its own list.
 */
function singleEffect(ctx: KernelCtx, nr: number): readonly SectionEffect[] {
  const before = ctx.before.get(nr) as SectionStateValue;
  const after = peekSection(ctx, nr)?.machine ?? before;
  let byBefore = EFFECTS.get(nr);
  if (!byBefore) {
    if (EFFECTS.size >= EFFECT_SECTIONS) return [{ nr, before, after }];
    EFFECTS.set(nr, (byBefore = new Map()));
  }
  let byAfter = byBefore.get(before);
  if (!byAfter) byBefore.set(before, (byAfter = new Map()));
  let list = byAfter.get(after);
  if (!list) byAfter.set(after, (list = Object.freeze([Object.freeze({ nr, before, after })])));
  return list;
}
/** Sections whose effect lists are shared (a bound, like FRAMES' and PATHS'). */
const EFFECT_SECTIONS = 4096;
/** Bounded: at most EFFECT_SECTIONS × 8 × 8 entries. */
const EFFECTS = new Map<number, Map<SectionStateValue, Map<SectionStateValue, readonly SectionEffect[]>>>();

/** A trie of call paths already rendered, keyed by frame strings (cached hashes), so each path text exists once. */
interface PathNode {
  text: string | undefined;
  readonly next: Map<string, PathNode>;
}
const PATHS: PathNode = { text: undefined, next: new Map() };
let pathNodes = 0;

/** `frame → frame → …: what`, one shared copy per distinct path (bounded, so memory cannot grow without end). */
function pathText(frames: readonly string[], depth: number, what: string): string {
  let node = PATHS;
  for (let i = 0; i <= depth; i++) {
    const key = i < depth ? (frames[i] as string) : what;
    let next = node.next.get(key);
    if (!next) {
      if (pathNodes >= 65536) return renderPath(frames, depth, what);
      next = { text: undefined, next: new Map() };
      node.next.set(key, next);
      pathNodes++;
    }
    node = next;
  }
  return (node.text ??= renderPath(frames, depth, what));
}

function renderPath(frames: readonly string[], depth: number, what: string): string {
  return depth ? [frames.slice(0, depth).join(' → '), what].join(': ') : what; // flat strings, not cons trees
}
