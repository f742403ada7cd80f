/** The `scenario` reader: examples/*.scn and the tests' scenario texts, mutated, through every command that runs a scenario. */
import type { Rng } from '../../verify/prng.js';
import { scenarioCorpus } from '../corpus.js';
import { applySteps, drawSteps } from '../mutate.js';
import type { FuzzCase, Materialized, Reader, ReaderContext } from '../types.js';
import { INPUT_COMMANDS, pickCommand } from './commands.js';

/** Make the scenario reader. */
export function scenarioReader(ctx: ReaderContext): Reader {
  const corpus = scenarioCorpus(ctx.root, ctx.small);
  const others = corpus.map((c) => c.bytes);
  return {
    name: 'scenario',
    draw: (rng: Rng) => ({ base: rng.int(corpus.length), steps: drawSteps(rng), variant: rng.int(2 ** 31) }),
    materialize(c: FuzzCase, dir: string): Materialized {
      const base = corpus[c.base] ?? corpus[0];
      if (!base) throw new RangeError('empty scenario corpus');
      const file = `${dir}/input.scn`;
      return { label: base.name, files: [{ path: 'input.scn', bytes: applySteps(base.bytes, c.steps, others, ctx.limits) }], run: pickCommand(c.variant, INPUT_COMMANDS, file, dir) };
    },
  };
}
