/**
 * The xstate part of `npm run bench`: the section machine's transition() per call (and xstate's
 * own share of it) vs the memoised nextSectionState, over representative (state, event) pairs.
 */
import { transition } from 'xstate';
import { nextSectionState, sectionMachine, transitionUncached } from '../model/index.js';
import type { SectionEvent } from '../model/index.js';
import type { SectionStateValue } from '../kernel/index.js';
import { fmtRate, fmtRatio, fmtUs, timeRuns } from './measure.js';
import { sectionEventPairs } from './section_events.js';

/** Rows of the bench table ([measure, memhp, baseline, ratio, target]). */
export function xstateBench(runs: number, progress: (what: string) => void): string[][] {
  const rows: string[][] = [];
  const row = (...cells: string[]): void => void rows.push(cells);
  const pairs = sectionEventPairs();
  for (const [v, e] of pairs) {
    if (nextSectionState(v, e) !== transitionUncached(v, e)) throw new Error(`xstate: memo and transition() disagree on ${v} + ${JSON.stringify(e)}`);
  }
  const snapshots = pairs.map(([v]) => sectionMachine.resolveState({ value: v.includes('.') ? { [v.split('.')[0] as string]: v.split('.')[1] as string } : v, context: {} }));
  const loop = (n: number, f: (i: number) => unknown): (() => unknown) => () => {
    let out: unknown;
    for (let i = 0; i < n; i++) out = f(i % pairs.length);
    return out;
  };
  const pair = (i: number): readonly [SectionStateValue, SectionEvent] => pairs[i] as readonly [SectionStateValue, SectionEvent];
  progress('xstate: transition() vs memo');
  const nSlow = 20_000;
  const nFast = 1_000_000;
  const uncached = timeRuns(runs, () => undefined, loop(nSlow, (i) => transitionUncached(...pair(i))));
  const raw = timeRuns(runs, () => undefined, loop(nSlow, (i) => transition(sectionMachine, snapshots[i] as (typeof snapshots)[number], pair(i)[1])));
  const memo = timeRuns(runs, () => undefined, loop(nFast, (i) => nextSectionState(...pair(i))));
  const uncachedUs = (uncached.ms * 1000) / nSlow;
  const rawUs = (raw.ms * 1000) / nSlow;
  const memoUs = (memo.ms * 1000) / nFast;
  row('xstate transitionUncached()', `${fmtUs(uncachedUs)}/call, ${fmtRate(1e6 / uncachedUs, 'calls')}`, `memo nextSectionState: ${fmtUs(memoUs)}/call`, fmtRatio(uncachedUs / memoUs), '');
  row('  of which transition()', `${fmtUs(rawUs)}/call (snapshot resolved beforehand)`, `memo: ${fmtUs(memoUs)}/call`, fmtRatio(rawUs / memoUs), '');
  return rows;
}
