/**
 * The `log` reader: log files recorded at start from examples/*.scn with `memhp record`, in
 * format 2 (JSON lines) and format 3 (compact), then (1) one byte flipped — which every command
 * must detect (a warning or exit 2, never a silent exit 0), (2) mutated like any bytes, (3) a
 * format-2 log forged: a record's JSON edited and the hash chain computed again (fuzz/forge.ts),
 * so only the reader's schema can refuse it.
 */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { mulberry32 } from '../../verify/prng.js';
import type { Rng } from '../../verify/prng.js';
import { runCli } from '../../cli/app.js';
import { readTextFile } from '../../cli/io.js';
import { FORGE_EDITS, forgeEdit, forgeLog } from '../forge.js';
import { applySteps, drawSteps } from '../mutate.js';
import type { FuzzCase, Materialized, Reader, ReaderContext } from '../types.js';
import { INPUT_COMMANDS, pickCommand } from './commands.js';

/** How a case changes its log. */
type Mode = 'flip' | 'mutate' | 'forge';

/** The mode of a case, from its variant. */
function modeOf(variant: number): Mode {
  return (['flip', 'mutate', 'forge', 'forge'] as const)[mulberry32(variant ^ 0x1234567).int(4)] ?? 'forge';
}

/** Record the examples into `ctx.baseDir` and make the log reader. */
export async function logReader(ctx: ReaderContext): Promise<Reader> {
  mkdirSync(ctx.baseDir, { recursive: true });
  const corpus: Array<{ name: string; bytes: Buffer; chained: boolean; flippable: boolean }> = [];
  const quiet = { out: () => undefined, err: () => undefined, color: pc.createColors(false), readFile: readTextFile };
  for (const f of readdirSync(join(ctx.root, 'examples')).filter((n) => n.endsWith('.scn')).sort()) {
    for (const format of ['2', '3']) {
      const out = join(ctx.baseDir, f.replace(/\.scn$/, `.${format}.memhp`));
      const code = await runCli(['record', join(ctx.root, 'examples', f), '--format', format, '-o', out], quiet);
      if (code > 1) throw new Error(`cannot record examples/${f} (exit ${code})`);
      corpus.push({ name: `memhp record examples/${f} --format ${format}`, bytes: readFileSync(out), chained: format === '2', flippable: true });
    }
  }
  corpus.push({ name: 'test/fixtures/format1-partial-cycle.memhp', bytes: readFileSync(join(ctx.root, 'test/fixtures/format1-partial-cycle.memhp')), chained: false, flippable: false });
  const chained = corpus.flatMap((c, i) => (c.chained ? [i] : []));
  const flippable = corpus.flatMap((c, i) => (c.flippable ? [i] : []));
  const others = corpus.map((c) => c.bytes);
  const commands = [...INPUT_COMMANDS, { argv: ['diff', '%F', '%F'], oracle: 'none' as const }];
  return {
    name: 'log',
    draw(rng: Rng) {
      const variant = rng.int(2 ** 31);
      const mode = modeOf(variant);
      if (mode === 'flip') return { base: flippable[rng.int(flippable.length)] ?? 0, steps: [{ kind: 'flip', seed: rng.int(2 ** 31) }], variant };
      return { base: mode === 'forge' ? (chained[rng.int(chained.length)] ?? 0) : rng.int(corpus.length), steps: mode === 'mutate' ? drawSteps(rng) : [], variant };
    },
    materialize(c: FuzzCase, dir: string): Materialized {
      const base = corpus[c.base] ?? corpus[0];
      if (!base) throw new RangeError('empty log corpus');
      const file = `${dir}/input.memhp`;
      const mode = modeOf(c.variant);
      if (mode === 'flip') {
        // print reads every record: a flip anywhere must show as a warning or an error.
        return { label: `${base.name}, one bit flipped`, files: [{ path: 'input.memhp', bytes: applySteps(base.bytes, c.steps, others, ctx.limits) }], run: { kind: 'cli', argv: ['print', file, '--section', '0'], oracle: 'detect' } };
      }
      let bytes = base.bytes;
      let label = base.name;
      if (mode === 'forge') {
        const rng = mulberry32(c.variant);
        const edits = Array.from({ length: 1 + rng.int(2) }, () => ({ kind: FORGE_EDITS[rng.int(FORGE_EDITS.length)] ?? 'remove-field', seed: rng.int(2 ** 31) }));
        bytes = Buffer.from(forgeLog(bytes.toString('utf8'), (lines) => edits.forEach((e) => forgeEdit(e.kind, e.seed)(lines))));
        label = `${base.name}, forged (${edits.map((e) => `${e.kind}@${e.seed}`).join(' ')}) and re-chained`;
      }
      return { label, files: [{ path: 'input.memhp', bytes: applySteps(bytes, c.steps, others, ctx.limits) }], run: pickCommand(c.variant, commands, file, dir) };
    },
  };
}
