/**
 * memhp verify's translation of a scenario into a guest run (verify/plan.ts): the QEMU memory and
 * memmap= carve-outs of the boot layout, each operation's guest action, the legacy pmem namespace
 * pairs, and the steps reported "not verifiable".
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../inputs/scenario.js';
import type { Scenario } from '../inputs/types.js';
import { createProfile } from '../kernel/profile.js';
import { planGuest, planScriptFor } from '../verify/plan.js';

const geometry = createProfile().geometry;

function scenario(text: string, file = 't.scn'): Scenario {
  const r = parseScenario(text, file, { geometry });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.value;
}

const example = (name: string): Scenario => scenario(readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8'), name);

describe('planGuest', () => {
  it('sparse-error-paths: memmap= for both legacy pmem ranges, namespace binds for the devm pairs, direct calls for the rest', () => {
    const p = planGuest(example('sparse-error-paths.scn'));
    expect(p.append).toEqual(['memmap=64M!0x40000000', 'memmap=64M!0x4c000000']);
    expect(p.machine).toEqual({ machine: 'pc', mem: '2048M', devices: [] });
    const actions = p.steps.map((s) => ('action' in s ? s.action : `!${s.notVerifiable}`));
    expect(actions.slice(0, 4)).toEqual([
      'ns_enable 0x40000000',
      'ns_enable 0x4c000000',
      'call __add_pages 0 0x40100 0x100',
      'call __add_pages 0 0x40000 0x200',
    ]);
    expect(actions).toContain('ns_disable 0x4c000000');
    expect(actions).toContain('call __remove_pages 0x4be00 0x400');
    expect(actions.some((a) => a.startsWith('!'))).toBe(false);
    // ns_enable covers two scenario steps: add_pages and move_pfn_range_to_zone.
    expect(p.steps[0]).toMatchObject({ step: 1, covers: [1, 2] });
    expect(p.sections).toEqual([4, 8, 9, 10, 32]);
  });

  it('partial-cycle: every operation is a direct call, section 144 watched, 2 GiB above the layout', () => {
    const p = planGuest(example('partial-cycle.scn'));
    expect(p.sections).toEqual([144]);
    expect(p.steps.every((s) => 'action' in s)).toBe(true);
    expect(p.steps.map((s) => ('action' in s ? s.action : ''))).toContain('call pfn_valid 0x480800');
    // ram 0x100000000-0x13fffffff: 3 GiB below 4 GiB plus 1 GiB above.
    expect(p.machine.mem).toBe('4096M');
    expect(p.append).toEqual([]);
  });

  it('reports what has no guest equivalent: an altmap, an injected failure, a zone move on its own', () => {
    const p = planGuest(
      scenario(
        [
          'ram 0x100000000-0x13fffffff',
          '__add_pages nid=0 pfn=0x480000 nr_pages=0x8000 altmap=0x480000,0x200',
          '__add_pages nid=0 pfn=0x488000 nr_pages=0x8000 fail=usage',
          'move_pfn_range_to_zone pfn=0x480000 nr_pages=0x8000 zone=movable',
          'sparse_remove_section pfn=0x480000 nr_pages=0x200 map_offset=0',
          '',
        ].join('\n'),
      ),
    );
    expect(p.steps.map((s) => ('notVerifiable' in s ? s.notVerifiable.split(' ')[0] : 'action' in s ? s.action : ''))).toEqual([
      'an',
      'an',
      'move_pfn_range_to_zone',
      'call sparse_remove_section 0x480000 0x200 0x0',
    ]);
    expect(p.script).toContain("note 'step 1: ");
  });

  it('writes plan.sh with the watched sections first and a snapshot after every action', () => {
    const p = planGuest(example('partial-cycle.scn'));
    const script = planScriptFor(p, 128);
    const lines = script.split('\n');
    expect(lines[0]).toBe('watch 128 144');
    expect(lines).toContain('snap boot');
    expect(lines.filter((l) => l.startsWith('snap ')).length).toBe(1 + p.steps.length);
    expect(lines).toContain("step '1: __add_pages nid=0 pfn=0x480000 nr_pages=0x800'");
  });

  it('quotes a step text holding quotes and shell syntax as one word', () => {
    const p = planGuest(scenario("ram 0x100000000-0x13fffffff\npfn_valid pfn=0x480000 # it's $(reboot)\n"));
    const script = planScriptFor(p, 128);
    expect(script).not.toMatch(/step [^'\n]/);
  });
});
