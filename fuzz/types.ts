/** The fuzzer's shared types: a case (one mutated input and one command), a reader, what a case runs. */
import type { Rng } from '../verify/prng.js';
import type { MutateLimits, MutationStep } from './mutate.js';

/** One fuzz case: a corpus input, the mutation steps applied to it, and the reader's own choices. */
export interface FuzzCase {
  readonly reader: string;
  readonly index: number;
  /** Index of the corpus input. */
  readonly base: number;
  readonly steps: readonly MutationStep[];
  /** The reader's choices (command, which file, forge edit…), drawn from this seed. */
  readonly variant: number;
}

/** What a CLI case checks besides its class: a record's output, a flipped log detected, the input left alone by `-o` over it. */
export type Oracle = 'none' | 'record' | 'detect' | 'clobber';

/** What a case runs: a CLI command (argv with `%D` for the case's directory), or one raw request to a viewer. */
export type RunSpec =
  | { readonly kind: 'cli'; readonly argv: readonly string[]; readonly oracle: Oracle }
  | { readonly kind: 'viewer'; readonly input: string; readonly request: Buffer };

/** A case made concrete: files to write under the case's directory, what to run, and how to describe it. */
export interface Materialized {
  /** The input and the reader's choices, e.g. `examples/partial-cycle.scn` or `forge:hazards-7@12 (line 3)`. */
  readonly label: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly bytes: Buffer }>;
  readonly run: RunSpec;
}

/** Settings a reader is built with. */
export interface ReaderContext {
  /** Repository root (ends in /). */
  readonly root: string;
  /** A directory for the reader's own base files (e.g. the logs recorded at start). */
  readonly baseDir: string;
  readonly limits: MutateLimits;
  /** Keep the corpus to small inputs (the test's short run). */
  readonly small: boolean;
}

/** A reader under fuzz: draws cases over its corpus and makes them concrete. */
export interface Reader {
  readonly name: string;
  /** Draw a case's base, steps and variant. */
  draw(rng: Rng): Pick<FuzzCase, 'base' | 'steps' | 'variant'>;
  /** The case's files and command, under `dir`. */
  materialize(c: FuzzCase, dir: string): Materialized;
}
