/**
 * verify/probes.ts against the lab's recorded runs: the offsets equal the offsets.env of the
 * 6.1.0-56 and 6.12.95 runs, and the kprobe_events lines equal what the lab defined (its
 * kprobes.txt, the kernel's listing of the accepted ones, plus the refused ones of run.json).
 * Fixtures: test/fixtures/btf/ (.BTF sections, kprobes.txt and recorded.json copied from the traces).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseBtf } from '../inputs/btf/btf.js';
import type { Btf, BtfType } from '../inputs/btf/types.js';
import { guestProbes, type GuestProbes } from '../verify/probes.js';

const FIX = new URL('./fixtures/btf/', import.meta.url);
interface Recorded {
  readonly offsets_env: Record<string, string>;
  readonly kprobe_failures: string[];
  readonly secstate_sections: number[];
  readonly spr: number;
}
const recorded = JSON.parse(readFileSync(new URL('recorded.json', FIX), 'utf8')) as Record<string, Recorded>;

function loadFixture(release: string): Btf {
  const r = parseBtf(gunzipSync(readFileSync(new URL(`${release}.btf.gz`, FIX))));
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function probes(btf: Btf, sections: readonly number[]): GuestProbes {
  const r = guestProbes(btf, sections);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

/** The kernel lists `r:` probes as `rMAXACTIVE:` (r10: here); compare without the number. */
const norm = (l: string): string => l.trim().replace(/^r\d*:/, 'r:');

const btfs = new Map<string, Btf>();
const btfOf = (release: string): Btf => btfs.get(release) ?? (btfs.set(release, loadFixture(release)).get(release) as Btf);

describe.each(Object.keys(recorded))('guestProbes on %s', (release) => {
  const rec = recorded[release]!;
  const env = rec.offsets_env;

  it('offsets equal the recorded offsets.env (all but KVER, PROTO_*, SECTION_SIZE_BITS)', () => {
    const want = Object.fromEntries(
      Object.entries(env)
        .filter(([k, v]) => k !== 'KVER' && k !== 'SECTION_SIZE_BITS' && !k.startsWith('PROTO_') && v !== '')
        .map(([k, v]) => [k, Number(v)]),
    );
    expect(Object.keys(want).length).toBeGreaterThan(20);
    expect(probes(btfOf(release), []).offsets).toEqual(want);
  });

  it('kretprobes lines name the recorded prototypes', () => {
    const got = probes(btfOf(release), rec.secstate_sections).kretprobes;
    for (const [k, v] of Object.entries(env)) {
      if (!k.startsWith('PROTO_') || v === '') continue;
      expect(got).toContain(`${k.slice('PROTO_'.length)} ${v}`);
    }
    const entries = probes(btfOf(release), rec.secstate_sections).kprobeEvents.filter((l) => l.startsWith('p:'));
    expect(got.map((l) => l.split(' ')[0])).toEqual([...new Set(entries.map((l) => l.split(' ')[1]))]);
  });

  it('kprobe_events lines equal the lab\'s (accepted ones in kprobes.txt order, refused ones in run.json)', () => {
    const p = probes(btfOf(release), rec.secstate_sections);
    expect(p.spr).toBe(rec.spr);
    const accepted = readFileSync(new URL(`${release}.kprobes.txt`, FIX), 'utf8').split('\n').filter((l) => l.trim() !== '').map(norm);
    const refused = rec.kprobe_failures.map(norm);
    const got = p.kprobeEvents.map(norm);
    expect(new Set(got)).toEqual(new Set([...accepted, ...refused]));
    expect(got.length).toBe(accepted.length + refused.length);
    expect(got.filter((l) => !refused.includes(l))).toEqual(accepted);
  });

  it('secstate probes: 8 sections per event, the section list is an input', () => {
    const secs = [0, 1, 2, 3, 4, 5, 6, 7, 128, 200];
    const lines = probes(btfOf(release), secs).kprobeEvents.filter((l) => l.startsWith('p:lab/secstate'));
    expect(lines.length).toBe(2);
    expect(lines[1]).toBe('p:lab/secstate1 ksys_sync vmb=@vmemmap_base:x64 m128=+0(+8(@mem_section)):x64 p128=+8(+8(@mem_section)):x64 u128=+16(+8(+8(@mem_section))):x64 m200=+2304(+8(@mem_section)):x64 p200=+2312(+8(@mem_section)):x64 u200=+16(+2312(+8(@mem_section))):x64');
    expect(lines[0]!.match(/ m\d+=/g)?.length).toBe(8);
  });
});

describe('guestProbes on edited BTF', () => {
  const base = btfOf('6.12.95+deb12-amd64');
  /** `btf` with the types appended (ids continue) and the byName index rebuilt. */
  const withTypes = (btf: Btf, edit: (types: BtfType[]) => void): Btf => {
    const types = [...btf.types];
    edit(types);
    const byName = new Map<string, number[]>();
    for (const t of types) if (t.name) byName.set(t.name, [...(byName.get(t.name) ?? []), t.id]);
    return { types, byName };
  };

  it('notes the arguments a prototype lacks (6.12 sparse_remove_section has no ms/map_offset)', () => {
    const notes = probes(base, []).notes;
    expect(notes).toContain('sparse_remove_section: ms left out: no parameter ms in the BTF prototype (pfn nr_pages altmap)');
    expect(notes).toContain('sparse_remove_section: map_offset left out: no parameter map_offset in the BTF prototype (pfn nr_pages altmap)');
    expect(notes).toContain('section_activate: no BTF FUNC record (static or inlined); its probe has no arguments');
  });

  it('7.x __add_memory_resource / __add_memory_driver_managed are probed when the BTF has them (lines as the lab recorded on 7.3.4)', () => {
    const n = base.types.length;
    const int = base.types.find((t) => t.kind === 'INT' && t.name === 'int')!.id;
    const p = (...names: string[]) => names.map((name) => ({ name, type: int }));
    const btf = withTypes(base, (ts) => {
      ts.push({ id: n + 1, kind: 'FUNC_PROTO', name: '', type: int, params: p('nid', 'res', 'mhp_flags', 'online_type') });
      ts.push({ id: n + 2, kind: 'FUNC', name: '__add_memory_resource', type: n + 1, linkage: 0 });
      ts.push({ id: n + 3, kind: 'FUNC_PROTO', name: '', type: int, params: p('nid', 'start', 'size', 'resource_name', 'mhp_flags', 'online_type') });
      ts.push({ id: n + 4, kind: 'FUNC', name: '__add_memory_driver_managed', type: n + 3, linkage: 0 });
    });
    const got = probes(btf, []);
    expect(got.kprobeEvents).toContain('p:lab/__add_memory_resource __add_memory_resource nid=$arg1:s32 start=+0($arg2):x64 end=+8($arg2):x64 name=+0(+16($arg2)):string mhp_flags=$arg3:x32 online_type=$arg4:s32');
    expect(got.kprobeEvents).toContain('p:lab/__add_memory_driver_managed __add_memory_driver_managed nid=$arg1:s32 start=$arg2:x64 size=$arg3:x64 resource_name=+0($arg4):string mhp_flags=$arg5:x32 online_type=$arg6:s32');
    expect(got.kprobeEvents).toContain('r:lab/__add_memory_resource_ret __add_memory_resource ret=$retval:s32');
    expect(got.kretprobes).toContain('__add_memory_driver_managed nid start size resource_name mhp_flags online_type');
    expect(probes(base, []).kprobeEvents.some((l) => l.includes('__add_memory_resource'))).toBe(false);
  });

  it('struct mhp_params without pgmap (before 5.17): pgmap left out of __add_pages/arch_add_memory, with a note', () => {
    const btf = withTypes(base, (ts) => {
      const i = ts.findIndex((t) => t.kind === 'STRUCT' && t.name === 'mhp_params');
      const t = ts[i]!;
      if (t.kind === 'STRUCT') ts[i] = { ...t, members: t.members.filter((m) => m.name !== 'pgmap') };
    });
    const got = probes(btf, []);
    expect(got.offsets.MHP_OFF_PGMAP).toBeUndefined();
    expect(got.kprobeEvents).toContain('p:lab/__add_pages __add_pages nid=$arg1:s32 pfn=$arg2:x64 nr_pages=$arg3:x64 altmap=+0($arg4):x64');
    expect(got.notes).toContain('__add_pages/arch_add_memory: pgmap left out (struct mhp_params has no pgmap member)');
  });

  it('a BTF without struct mem_section is E_ENV naming it', () => {
    const btf = withTypes(base, (ts) => {
      const i = ts.findIndex((t) => t.kind === 'STRUCT' && t.name === 'mem_section');
      ts[i] = { id: i + 1, kind: 'FWD', name: 'mem_section', union: false };
    });
    const r = guestProbes(btf, [1]);
    expect(r).toMatchObject({ ok: false, code: 'E_ENV' });
    if (!r.ok) expect(r.message).toBe("the kernel's BTF has no struct mem_section (MS_SIZE), needed for verify's probes");
  });
});
