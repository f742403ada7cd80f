/**
 * The input registry (inputs/registry.ts): one answer to "what is this input?" from the file's
 * name and content, for every format memhp reads; and how the CLI answers an input of each kind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INPUT_FORMATS, SNIFF_BYTES, sniffInput, type InputKind } from '../inputs/registry.js';
import { cli, ROOT } from './helpers/cli.js';
import { TRACES } from './helpers/traces.js';

const RUN = join(TRACES, '6.1.0-56-amd64/sparse_error_paths');

/** The registry's answer for a file's text, under `name`. */
function kindOf(name: string, text: string): InputKind {
  return sniffInput({ name, head: text.slice(0, SNIFF_BYTES), text: () => text });
}

describe('what is this input', () => {
  it('names each format from real files', () => {
    expect(kindOf('seed.scn', readFileSync(join(ROOT, 'examples/seed-pmem-shared-section.scn'), 'utf8'))).toBe('scenario');
    expect(kindOf('iomem-before.txt', readFileSync(join(RUN, 'iomem-before.txt'), 'utf8'))).toBe('iomem');
    expect(kindOf('trace.txt', readFileSync(join(RUN, 'trace.txt'), 'utf8'))).toBe('trace');
    expect(kindOf('console.log', readFileSync(join(RUN, 'console.log'), 'utf8'))).toBe('console');
    expect(kindOf('run.memhp', readFileSync(join(ROOT, 'test/fixtures/format1-partial-cycle.memhp'), 'utf8'))).toBe('log');
  });

  it('by content, whatever the file is called', () => {
    expect(kindOf('x', readFileSync(join(RUN, 'trace.txt'), 'utf8'))).toBe('trace');
    expect(kindOf('x', readFileSync(join(RUN, 'console.log'), 'utf8'))).toBe('console');
    expect(kindOf('x', readFileSync(join(RUN, 'iomem-before.txt'), 'utf8'))).toBe('iomem');
    expect(kindOf('x', '{"memhp":"log"}\n')).toBe('log');
    expect(kindOf('x', '# a scenario\nram 0x100000000 1G\n')).toBe('scenario');
  });

  it('the lab\'s names count too: a trace.txt without its header, a console.log without markers', () => {
    expect(kindOf('trace.txt', '            init-1       [000] .....     6.690629: tracing_mark_write: LAB_CMD x\n')).toBe('trace');
    expect(kindOf('console.log', '[    0.000000] Linux version 6.1.0\n')).toBe('console');
  });

  it('each format is named once, the scenario (which takes anything) last', () => {
    const names = INPUT_FORMATS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names[names.length - 1]).toBe('scenario');
  });
});

describe('an input of a kind a command does not run', () => {
  it('a /proc/iomem copy given as the input says what it is and where it goes', async () => {
    const r = await cli(['run', join(RUN, 'iomem-before.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`memhp: error[E_USAGE]: ${join(RUN, 'iomem-before.txt')} is a copy of /proc/iomem, not an input memhp runs\n  hint: give it with --iomem FILE to a recorded trace without IOMEM snapshots, or name it on a scenario's iomem line\n`);
  });
});
