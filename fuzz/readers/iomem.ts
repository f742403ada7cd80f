/**
 * The `iomem` reader: /proc/iomem copies, mutated, read three ways: a scenario's `iomem FILE`
 * line, a scenario's inline `iomem` … `end` block, and `--iomem FILE` beside a recorded trace.
 */
import { join } from 'node:path';
import { mulberry32 } from '../../verify/prng.js';
import type { Rng } from '../../verify/prng.js';
import { iomemCorpus, traceCorpus } from '../corpus.js';
import { applySteps, drawSteps } from '../mutate.js';
import type { FuzzCase, Materialized, Reader, ReaderContext } from '../types.js';
import { INPUT_COMMANDS, TRACE_COMMANDS, pickCommand } from './commands.js';

const OPS = '__add_pages nid=0 pfn=0x480000 nr_pages=0x800\nexpect ret=0\n__remove_pages pfn=0x480000 nr_pages=0x800\n';

/** Make the iomem reader. */
export function iomemReader(ctx: ReaderContext): Reader {
  const corpus = iomemCorpus(ctx.root);
  const others = corpus.map((c) => c.bytes);
  // The smallest recorded trace: the --iomem copy is read beside it.
  const trace = traceCorpus(ctx.root, true)[0];
  return {
    name: 'iomem',
    draw: (rng: Rng) => ({ base: rng.int(corpus.length), steps: drawSteps(rng), variant: rng.int(2 ** 31) }),
    materialize(c: FuzzCase, dir: string): Materialized {
      const base = corpus[c.base] ?? corpus[0];
      if (!base) throw new RangeError('empty iomem corpus');
      const bytes = applySteps(base.bytes, c.steps, others, ctx.limits);
      const how = mulberry32(c.variant ^ 0x5bd1e995).int(3);
      if (how === 2 && trace) {
        const run = pickCommand(c.variant, TRACE_COMMANDS, join(ctx.root, trace.dir), dir, ['--iomem', `${dir}/iomem.txt`]);
        return { label: `${base.name} via --iomem beside ${trace.dir}`, files: [{ path: 'iomem.txt', bytes }], run };
      }
      const scn = how === 0 ? Buffer.from(`kernel 5.3\niomem iomem.txt\n${OPS}`) : Buffer.concat([Buffer.from('kernel 5.3\niomem\n'), bytes, Buffer.from(`\nend\n${OPS}`)]);
      const files = how === 0 ? [{ path: 'iomem.txt', bytes }, { path: 'input.scn', bytes: scn }] : [{ path: 'input.scn', bytes: scn }];
      return { label: `${base.name} via ${how === 0 ? 'a scenario\'s `iomem iomem.txt` line' : 'a scenario\'s inline iomem block'}`, files, run: pickCommand(c.variant, INPUT_COMMANDS, `${dir}/input.scn`, dir) };
    },
  };
}
