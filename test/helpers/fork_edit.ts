/** The operations a fork runs, spelled out independently of query/fork.ts (the forks' tests' oracle). */
import type { ScenarioStep } from '../../inputs/types.js';
import type { ForkEdit } from '../../query/index.js';

/** The edited list of operations (the fork's semantics spelled out independently of query/fork.ts). */
export function edited(steps: readonly ScenarioStep[], at: number, e: ForkEdit): ScenarioStep[] {
  const out: ScenarioStep[] = [];
  steps.forEach((st, i) => {
    const seq = i + 1;
    if (e.kind === 'insert' && seq === at + 1) out.push(e.op);
    if (e.kind !== 'insert' && seq === e.step) {
      if (e.kind === 'replace') out.push(e.op);
      return;
    }
    out.push(st);
  });
  if (e.kind === 'insert' && at === steps.length) out.push(e.op);
  return out;
}
