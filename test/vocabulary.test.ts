/**
 * The vocabulary lists of kernel/ (operation kinds, section states, map and usage kinds, memmap
 * cells, configuration options, change ids …) are each defined once; the types, the log file's
 * schema, the scenario parser and the help text are made from them. These tests check that every
 * list is free of duplicates, that the schema takes exactly the list's values, and (at type level,
 * through the typecheck `npm test` runs) that a change id not in kernel/versions.ts does not compile.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../inputs/index.js';
import { CONFIG_NAMES, CONFIG_OPTIONS, DEFAULT_CONFIG, configText, type KernelConfig } from '../kernel/config.js';
import { OPERATION_KINDS, ZONES, type Operation } from '../kernel/operation.js';
import { createProfile, describeProfile, has } from '../kernel/profile.js';
import { MAP_KINDS, MEMMAP_CELLS, MEMMAP_CHARS, SECTION_STATE_NAMES, SECTION_STATES, USAGE_KINDS, type MemmapCell } from '../kernel/section_fields.js';
import { ALLOC_KINDS, HAZARD_KINDS, RESOURCE_KINDS, SUBCALL_FNS, WARNING_KINDS } from '../kernel/types.js';
import { CHANGES, type ChangeId } from '../kernel/versions.js';
import { check, RecordV2 } from '../log/logfile_schema.js';
import { sectionMachine } from '../model/section_machine.js';

const geometry = createProfile().geometry;

const LISTS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['OPERATION_KINDS', OPERATION_KINDS],
  ['ZONES', ZONES],
  ['SECTION_STATES', SECTION_STATES],
  ['SECTION_STATE_NAMES', SECTION_STATE_NAMES],
  ['MAP_KINDS', MAP_KINDS],
  ['USAGE_KINDS', USAGE_KINDS],
  ['MEMMAP_CELLS', MEMMAP_CELLS.map(([c]) => c)],
  ['CONFIG_NAMES', CONFIG_NAMES],
  ['ALLOC_KINDS', ALLOC_KINDS],
  ['WARNING_KINDS', WARNING_KINDS],
  ['HAZARD_KINDS', HAZARD_KINDS],
  ['RESOURCE_KINDS', RESOURCE_KINDS],
  ['SUBCALL_FNS', SUBCALL_FNS],
  ['CHANGES ids', CHANGES.map((ch) => ch.id)],
];

/** A format-2 record that passes RecordV2, for `edit` to break one field of. */
function record(edit: (r: Record<string, any>) => void = () => {}): unknown {
  const r: Record<string, any> = {
    seq: 1,
    source: 's.scn:4',
    text: 'add_pages pfn=0x100000 nr_pages=0x8000',
    op: { kind: 'add_pages', nid: 0, pfn: 0x100000, nr_pages: 0x8000, altmap: null },
    inject: [{ kind: 'usage', nth: 1 }],
    outcome: {
      ret: 0,
      value: null,
      warnings: [{ kind: 'WARN', func: 'f', file: 'mm/sparse.c', text: 't' }],
      path: 'p',
      sections: [{ nr: 32, before: 'absent.never', after: 'full-hotplug' }],
      resources: [{ kind: 'usage-alloc', section: 32, pfn: 0x100000, nrPages: 0x8000, how: 'kzalloc' }],
      hazards: [{ kind: 'leak', bug: null, text: 't', fixedBy: null }],
      notes: [],
      calls: [0, 0x100000, 0x8000, 0],
    },
    patches: [],
    inversePatches: [],
    expects: [{ line: 5, text: 'expect section 32', expect: { kind: 'section', nr: 32, state: 'full-hotplug', usage: 'slab', memmap: 'VV' }, ok: true, detail: '' }],
  };
  edit(r);
  return r;
}

describe('vocabulary lists', () => {
  it.each(LISTS)('%s has no duplicates and no empty value', (_name, list) => {
    expect(list.length).toBeGreaterThan(0);
    expect(new Set(list).size).toBe(list.length);
    expect(list.every((x) => x.length > 0)).toBe(true);
  });

  it('the base record passes the schema', () => {
    expect(check(RecordV2, record())).toEqual(expect.objectContaining({ ok: true }));
  });

  const fields: ReadonlyArray<readonly [string, readonly string[], (r: Record<string, any>, x: string) => void]> = [
    ['op.kind', ['add_pages', '__add_pages', 'sparse_add_section'], (r, x) => (r.op.kind = x)],
    ['inject.0.kind', ALLOC_KINDS, (r, x) => (r.inject[0].kind = x)],
    ['outcome.warnings.0.kind', WARNING_KINDS, (r, x) => (r.outcome.warnings[0].kind = x)],
    ['outcome.sections.0.before', SECTION_STATES, (r, x) => (r.outcome.sections[0].before = x)],
    ['outcome.resources.0.kind', RESOURCE_KINDS, (r, x) => (r.outcome.resources[0].kind = x)],
    ['outcome.hazards.0.kind', HAZARD_KINDS, (r, x) => (r.outcome.hazards[0].kind = x)],
    ['expects.0.expect.state', SECTION_STATE_NAMES, (r, x) => (r.expects[0].expect.state = x)],
    ['expects.0.expect.usage', USAGE_KINDS, (r, x) => (r.expects[0].expect.usage = x)],
    ['expects.0.expect.memmap', MEMMAP_CELLS.map(([c]) => c.repeat(3)), (r, x) => (r.expects[0].expect.memmap = x)],
  ];
  it.each(fields)('the schema takes every value of the list at %s and refuses one not in it', (path, values, set) => {
    for (const x of values) expect(check(RecordV2, record((r) => set(r, x))), `${path} = ${x}`).toEqual(expect.objectContaining({ ok: true }));
    const bad = check(RecordV2, record((r) => set(r, 'no-such-value')));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message.startsWith(`${path}:`)).toBe(true);
  });

  it('the schema takes every zone and refuses another', () => {
    const withZone = (zone: string): unknown => record((r) => (r.op = { kind: 'move_pfn_range_to_zone', pfn: 0x100000, nr_pages: 0x8000, zone }));
    for (const z of ZONES) expect(check(RecordV2, withZone(z)).ok).toBe(true);
    expect(check(RecordV2, withZone('dma32'))).toEqual({ ok: false, code: 'E_LOG', message: expect.stringMatching(/^op\.zone: /) });
  });

  it('the schema refuses a nested call naming no function of SUBCALL_FNS', () => {
    const call = (fn: number): unknown => record((r) => (r.outcome.calls = [fn, 0x100000, 0x200, 0]));
    for (let i = 0; i < SUBCALL_FNS.length; i++) expect(check(RecordV2, call(i)).ok).toBe(true);
    expect(check(RecordV2, call(SUBCALL_FNS.length))).toEqual({ ok: false, code: 'E_LOG', message: 'outcome.calls: a call names no traced function (its first number is not 0-3)' });
  });

  it('every operation kind is an operation word of a scenario', () => {
    const r = parseScenario('no_such_operation\n', 's.scn', { geometry });
    expect(r.ok).toBe(false);
    const words = r.ok ? [] : (/operations: ([^;]*);/.exec(r.errors[0]?.hint ?? '')?.[1] ?? '').split(', ');
    expect(words.filter((w) => !['add', 'remove', 'online', 'offline'].includes(w)).sort()).toEqual([...OPERATION_KINDS].sort());
    for (const kind of OPERATION_KINDS) expect(parseScenario(`ram 0x100000000-0x13fffffff\n${kind}\n`, 's.scn', { geometry })).not.toEqual(expect.objectContaining({ errors: [expect.objectContaining({ code: 'E_UNKNOWN_OP' })] }));
  });

  it('the section machine has a state for each of SECTION_STATES and no other (besides the transient `emptied`)', () => {
    const leaves = (node: { key: string; states: Record<string, unknown> }, prefix: string): string[] =>
      Object.values(node.states).flatMap((child) => {
        const c = child as { key: string; states: Record<string, unknown> };
        const path = `${prefix}${c.key}`;
        return Object.keys(c.states).length ? leaves(c, `${path}.`) : [path];
      });
    expect(leaves(sectionMachine.root, '').filter((s) => s !== 'emptied').sort()).toEqual([...SECTION_STATES].sort());
  });

  it('an `expect section` names the states, the usage kinds and the memmap characters of the lists', () => {
    const r = parseScenario('ram 0x100000000-0x13fffffff\nexpect section 32 state=nope\nexpect section 32 usage=nope\nexpect section 32 memmap=X\n', 's.scn', { geometry });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.hint)).toEqual([
      `states: ${SECTION_STATE_NAMES.join(', ')}`,
      'write usage=none, usage=boot or usage=slab',
      expect.stringContaining(`from ${MEMMAP_CHARS}`),
    ]);
    expect(MEMMAP_CHARS).toBe('.BbvVAFMK');
    expect(SECTION_STATE_NAMES).toEqual(['absent', 'absent.never', 'absent.deactivated', 'absent.emptied-early', 'early', 'early.boot', 'early.grown', 'early.trimmed', 'partial', 'full-hotplug']);
  });

  it('the configuration options make DEFAULT_CONFIG and the profile line', () => {
    expect(DEFAULT_CONFIG).toEqual({ SPARSEMEM_VMEMMAP: true, PSE: true, DEBUG_VM: false, MEMORY_FAILURE: true, ZONE_DEVICE: true });
    expect(Object.keys(DEFAULT_CONFIG)).toEqual(CONFIG_OPTIONS.map((o) => o.name));
    expect(configText(DEFAULT_CONFIG)).toBe('SPARSEMEM_VMEMMAP=y PSE=y DEBUG_VM=n MEMORY_FAILURE=y ZONE_DEVICE=y');
    expect(describeProfile(createProfile({ kernel: '6.1', config: { DEBUG_VM: true } }))).toContain(' x86_64 SPARSEMEM_VMEMMAP=y PSE=y DEBUG_VM=y MEMORY_FAILURE=y ZONE_DEVICE=y SECTIONS_PER_ROOT=');
  });

  it('change ids are typed: has() takes only an id of kernel/versions.ts (the @ts-expect-error lines fail the typecheck if they compile)', () => {
    const p = createProfile({ kernel: '6.1' });
    expect(has(p, 'F10')).toBe(true);
    // @ts-expect-error: not a change id
    expect(has(p, 'no-such-change')).toBe(false);
    // @ts-expect-error: a misspelt change id (F10 is, f10 is not)
    expect(has(p, 'f10')).toBe(false);
    const id: ChangeId = 'SUBSECTION';
    expect(p.changes.has(id)).toBe(true);
    // @ts-expect-error: not a memmap cell
    const cell: MemmapCell = 'X';
    expect(MEMMAP_CHARS.includes(cell)).toBe(false);
    // @ts-expect-error: not a configuration option
    const config: KernelConfig = { ...DEFAULT_CONFIG, SPARSEMEM: true };
    expect(Object.keys(config)).toContain('SPARSEMEM');
    // @ts-expect-error: not an operation kind
    const op: Operation = { kind: 'add_memory', pfn: 0 };
    expect(OPERATION_KINDS).not.toContain(op.kind);
  });
});
