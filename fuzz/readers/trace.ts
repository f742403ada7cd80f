/** The `trace` reader: recorded trace directories (trace.txt, console.log, run.json, iomem-before.txt), one file mutated at a time. */
import { basename, dirname } from 'node:path';
import { mulberry32 } from '../../verify/prng.js';
import type { Rng } from '../../verify/prng.js';
import { traceCorpus } from '../corpus.js';
import { applySteps, drawSteps } from '../mutate.js';
import type { FuzzCase, Materialized, Reader, ReaderContext } from '../types.js';
import { INPUT_COMMANDS, TRACE_COMMANDS, pickCommand } from './commands.js';

/** Make the trace reader. */
export function traceReader(ctx: ReaderContext): Reader {
  const corpus = traceCorpus(ctx.root, ctx.small);
  const commands = [...TRACE_COMMANDS, ...TRACE_COMMANDS, ...INPUT_COMMANDS.slice(0, 3)];
  return {
    name: 'trace',
    draw: (rng: Rng) => ({ base: rng.int(corpus.length), steps: drawSteps(rng), variant: rng.int(2 ** 31) }),
    materialize(c: FuzzCase, dir: string): Materialized {
      const base = corpus[c.base] ?? corpus[0];
      if (!base) throw new RangeError('empty trace corpus');
      // Keep release/run: the release directory's name is one way memhp finds the kernel.
      const sub = `${basename(dirname(base.dir))}/${basename(base.dir)}`;
      const rng = mulberry32(c.variant);
      // trace.txt twice as often as the others: it is the main input.
      const names = [...base.files.map((f) => f.name), 'trace.txt'];
      const target = names[rng.int(names.length)] ?? 'trace.txt';
      const others = base.files.map((f) => f.bytes);
      const files = base.files.map((f) => ({ path: `${sub}/${f.name}`, bytes: f.name === target ? applySteps(f.bytes, c.steps, others, ctx.limits) : f.bytes }));
      const input = rng.int(4) === 0 ? `${dir}/${sub}/trace.txt` : `${dir}/${sub}`;
      return { label: `${base.dir} (${target} mutated)`, files, run: pickCommand(c.variant, commands, input, dir) };
    },
  };
}
