/** A step as the log keeps it (log/log.ts): its outcome and compact changes, patches expanded when asked for. */
import type { Operation, SourceLoc } from '../kernel/operation.js';
import type { InjectedFailure, Outcome, Profile } from '../kernel/types.js';
import type { StepResult } from '../model/model.js';
import { ChangeSet } from '../model/changes.js';
import type { Changes } from '../model/changes.js';
import type { ExpectResult, LogStep } from './types.js';

/** A step as the log keeps it: its changes stay compact, patches are expanded when asked for. */
export class RecordedStep extends ChangeSet implements LogStep {
  constructor(
    readonly seq: number,
    readonly source: SourceLoc,
    readonly text: string,
    readonly op: Operation | null,
    readonly inject: readonly InjectedFailure[],
    readonly expects: readonly ExpectResult[],
    readonly outcome: Outcome,
    changes: Changes,
    sectionsPerRoot: number,
  ) {
    super(changes, sectionsPerRoot);
  }

  /** A log step from a model step (keeps the outcome and the changes, not the state). */
  static of(seq: number, source: SourceLoc, text: string, op: Operation | null, inject: readonly InjectedFailure[], expects: readonly ExpectResult[], r: StepResult, p: Profile): RecordedStep {
    return new RecordedStep(seq, source, text, op, inject, expects, r.outcome, r.changes, p.geometry.SECTIONS_PER_ROOT);
  }
}

