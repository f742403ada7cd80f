/**
 * What a guest run could not probe (verify/probe_coverage.ts), read from a real console: Debian
 * 6.1's __meminit functions refused by kprobe_events and covered by memhp_guest.ko's kretprobes,
 * and the inlined ones that only the snapshots see.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coverageLines, refusedProbes } from '../verify/probe_coverage.js';

const CONSOLE = readFileSync('test/fixtures/verify/runs/6.1.0-56-amd64/direct_calls/console.log', 'latin1');

describe('refusedProbes', () => {
  it('names each refused function once with its coverage (6.1.0-56)', () => {
    expect(refusedProbes(CONSOLE)).toEqual([
      { fn: 'sparse_add_section', coverage: 'kretprobe' },
      { fn: 'section_activate', coverage: 'inlined' },
      { fn: 'fill_subsection_map', coverage: 'inlined' },
      { fn: 'clear_subsection_map', coverage: 'inlined' },
      { fn: '__populate_section_memmap', coverage: 'kretprobe' },
      { fn: 'vmemmap_populate', coverage: 'kretprobe' },
    ]);
  });

  it('says what the check loses, one line a kind; nothing when nothing was refused', () => {
    const lines = coverageLines(refusedProbes(CONSOLE));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^sparse_add_section, __populate_section_memmap, vmemmap_populate: refused by kprobe_events/);
    expect(lines[1]).toMatch(/^section_activate, fill_subsection_map, clear_subsection_map: not in kallsyms \(inlined\)/);
    expect(coverageLines(refusedProbes('@@LAB KPROBE_FAIL: p:lab/foo foo x=$arg1:x64\n'))).toEqual(['foo: refused by kprobe_events and not covered: their calls are not compared']);
    expect(coverageLines([])).toEqual([]);
  });
});
