/**
 * Log-file formats: a format-1 file (what `memhp run --json` wrote before log files: no hashes,
 * no boot layout, expect lines without their parsed form; test/fixtures/format1-partial-cycle.memhp,
 * written by that serializer) is upgraded on reading by pure functions; a file of an unknown or
 * newer format, or whose profile this memhp would make differently, is refused with what differs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../inputs/index.js';
import { createProfile } from '../kernel/index.js';
import { LOG_FORMAT, MEMHP_VERSION, logJsonLines, readLogLines, recordScenario, textLines, upgradeHeader, upgradeRecord } from '../log/index.js';
import { HeaderV1, RecordV1, check } from '../log/logfile_schema.js';
import { sealLine } from '../log/serialize.js';
import { cli } from './helpers/cli.js';

const V1 = 'test/fixtures/format1-partial-cycle.memhp';
const v1Text = readFileSync(V1, 'utf8');
const profile = createProfile({ kernel: '5.3' });
const dir = mkdtempSync(join(tmpdir(), 'memhp-format-'));

function scenario(): ReturnType<typeof parseScenario> & { ok: true } {
  const s = parseScenario(readFileSync('examples/partial-cycle.scn', 'utf8'), 'partial-cycle.scn', { geometry: profile.geometry });
  if (!s.ok) throw new Error('parse');
  return s;
}

describe('format 1 → 2', () => {
  it('upgradeHeader and upgradeRecord are pure: same input, same output, input untouched', () => {
    const [h, r] = v1Text.split('\n').slice(0, 3).filter((_, i) => i !== 1).map((l) => JSON.parse(l) as unknown);
    const header = check(HeaderV1, h);
    const record = check(RecordV1, r);
    if (!header.ok || !record.ok) throw new Error('fixture does not match format 1');
    const before = structuredClone([header.value, record.value]);
    const up = upgradeHeader(header.value);
    expect(up).toStrictEqual(upgradeHeader(header.value));
    expect(up).toMatchObject({ format: 2, kernel: '5.3', boot: null, kernelLine: null, forkedFrom: null, steps: 9 });
    const rec = upgradeRecord(record.value, profile.geometry);
    expect(rec).toStrictEqual(upgradeRecord(record.value, profile.geometry));
    expect([header.value, record.value]).toStrictEqual(before);
    // Step 1 has two expect lines; the upgrade parses their text back into the expectations.
    expect(rec.ok && rec.value.expects.map((e) => e.expect)).toEqual([
      { kind: 'ret', ret: 0 },
      { kind: 'section', nr: 144, state: 'partial', flags: 3, map: [15, 0], usage: 'slab', memmap: `vvvv${'.'.repeat(60)}` },
    ]);
  });

  it('an expect text that does not parse fails the upgrade of that record, with the expect line', () => {
    const r = JSON.parse(v1Text.split('\n')[2] as string) as Record<string, unknown>;
    const bad = check(RecordV1, { ...r, expects: [{ line: 9, text: 'expect ret=banana', ok: true, detail: '' }] });
    if (!bad.ok) throw new Error('shape');
    const up = upgradeRecord(bad.value, profile.geometry);
    expect(up.ok).toBe(false);
    expect(!up.ok && up.message).toMatch(/^expect line 9: /);
  });

  it('a format-1 file loads with the states, steps and expectations of the live run', () => {
    const r = readLogLines(textLines(v1Text), V1);
    if (!r.ok) throw new Error(r.damage.message);
    expect(r.value.format).toBe(1);
    expect(r.value.damage).toBeNull();
    const s = scenario();
    const live = recordScenario(s.value, profile);
    expect(r.value.log.length).toBe(live.length);
    for (let i = 0; i < live.length; i++) {
      expect(r.value.log.stateAt(i)).toStrictEqual(live.stateAt(i));
      expect(r.value.log.step(i).expects).toStrictEqual(live.step(i).expects.map((e) => ({ ...e })));
      // Format 1 predates the recorded nested calls: its outcomes read with none.
      expect(r.value.log.step(i).outcome.calls).toEqual([]);
    }
    expect(r.value.scenario.steps.map((st) => st.op)).toStrictEqual(s.value.steps.map((st) => st.op));
  });

  it('a truncated format-1 file keeps its complete records and says where it ends', () => {
    const cut = v1Text.slice(0, v1Text.length - 200);
    const r = readLogLines(textLines(cut), V1);
    expect(r.ok && r.value.log.length).toBe(8);
    expect(r.ok && r.value.damage).toEqual({ code: 'E_LOG', file: V1, line: 10, message: 'truncated: the record of step 8 is incomplete (the file ends mid-line); steps 8..8 not loaded' });
  });

  it('the CLI reads it with a one-line note, and record upgrades it to a verified format-2 file', async () => {
    const st = await cli(['state', V1, '--at', '2', '--section', '144']);
    expect(st.code).toBe(0);
    expect(st.stderr).toBe(`${V1}:1: note: format 1 log upgraded to format 2 on reading; it has no hash chain to verify\n`);
    expect(st.stdout).toContain('section 144');
    const out = join(dir, 'upgraded.memhp');
    expect((await cli(['record', V1, '--format', '2', '-o', out])).code).toBe(0);
    const up = readFileSync(out, 'utf8');
    expect(JSON.parse(up.split('\n')[0] as string)).toMatchObject({ format: LOG_FORMAT, boot: null });
    const r = readLogLines(textLines(up), out);
    expect(r.ok && r.value.format === LOG_FORMAT && r.value.damage === null).toBe(true);
  });

  it('a format-1 log cannot be run under another kernel (it has no boot layout): one line, exit 2', async () => {
    const r = await cli(['state', V1, '--kernel', '6.1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('it has no boot layout (format 1), so it cannot be run under another profile');
  });
});

describe('unknown formats and profiles', () => {
  /** A good format-2 file of the partial-cycle example, as lines. */
  const good = (): string[] => {
    const s = scenario().value;
    return [...logJsonLines(recordScenario(s, profile), { input: { name: 'p.scn', sha256: '0'.repeat(64) }, kernelLine: s.kernel, boot: s.boot, forkedFrom: null })];
  };

  /** The header rewritten by `edit` and every line sealed again (a well-formed file of another format or profile). */
  function withHeader(edit: (h: Record<string, unknown>) => Record<string, unknown>): string {
    const lines = good();
    let prev = '';
    for (let i = 0; i < lines.length; i++) {
      const o = JSON.parse(lines[i] as string) as Record<string, unknown>;
      delete o.hash;
      const sealed = sealLine(JSON.stringify(i === 0 ? edit(o) : o), prev);
      lines[i] = sealed.line;
      prev = sealed.hash;
    }
    return `${lines.join('\n')}\n`;
  }

  it('a newer format is refused, saying which format, who wrote it and what this memhp reads', () => {
    const r = readLogLines(textLines(withHeader((h) => ({ ...h, format: 4, version: '9.0.0' }))), 'new.memhp');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.damage).toEqual({ code: 'E_LOG', file: 'new.memhp', line: 1, message: `log format 4 is not one this memhp reads (written by memhp 9.0.0; memhp ${MEMHP_VERSION} reads formats 1, 2 and 3)` });
  });

  it('a format that is not a number is refused the same way', () => {
    const r = readLogLines(textLines(withHeader((h) => ({ ...h, format: '2' }))), 'odd.memhp');
    expect(!r.ok && r.damage.message).toMatch(/^log format "2" is not one this memhp reads/);
  });

  it('a header whose profile this memhp would make differently is refused with both', () => {
    const r = readLogLines(textLines(withHeader((h) => ({ ...h, profile: 'linux 5.3 x86_64 SOMETHING=y' }))), 'p.memhp');
    expect(!r.ok && r.damage.message).toBe(
      `header: profile 'linux 5.3 x86_64 SOMETHING=y' is not what memhp ${MEMHP_VERSION} makes of kernel 5.3 x86_64 (linux 5.3 x86_64 SPARSEMEM_VMEMMAP=y PSE=y DEBUG_VM=n MEMORY_FAILURE=y ZONE_DEVICE=y SECTIONS_PER_ROOT=128 MAX_PHYSMEM_BITS=46 (4-level paging))`,
    );
  });

  it('a header without paging (memhp before 5-level paging) reads as 4-level with its old profile line; the profile line must still match', () => {
    const old = (h: Record<string, unknown>): Record<string, unknown> => {
      const { paging: _paging, ...rest } = h;
      return { ...rest, profile: String(h.profile).replace(/ MAX_PHYSMEM_BITS=.*$/, '') };
    };
    const r = readLogLines(textLines(withHeader(old)), 'old.memhp');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.profile.geometry.MAX_PHYSMEM_BITS).toBe(46);
    const mismatched = readLogLines(textLines(withHeader((h) => ({ ...old(h), profile: 'linux 5.3 x86_64 SOMETHING=y' }))), 'old.memhp');
    expect(mismatched.ok).toBe(false);
    const five = readLogLines(textLines(withHeader((h) => ({ ...h, paging: 5 }))), 'p5.memhp');
    expect(!five.ok && five.damage.message).toMatch(/is not what memhp .* makes of kernel 5\.3 x86_64 \(.*MAX_PHYSMEM_BITS=52 \(5-level paging\)\)$/);
  });

  it('the CLI refuses an unknown format in one line, exit 2, no stack', async () => {
    const path = join(dir, 'v4.memhp');
    writeFileSync(path, withHeader((h) => ({ ...h, format: 4 })));
    const r = await cli(['run', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(`${path}:1: error[E_LOG]: log format 4 is not one this memhp reads (written by memhp ${MEMHP_VERSION}; memhp ${MEMHP_VERSION} reads formats 1, 2 and 3)`);
  });
});

describe('records memhp did not write', () => {
  /** The partial-cycle log with step `seq`'s record replaced by `edit` of it, the chain sealed again from there. */
  function resealed(seq: number, edit: (r: Record<string, unknown>) => Record<string, unknown>): string {
    const s = scenario().value;
    const lines = [...logJsonLines(recordScenario(s, profile), { input: { name: 'p.scn', sha256: '0'.repeat(64) }, kernelLine: s.kernel, boot: s.boot, forkedFrom: null })];
    let hash = (JSON.parse(lines[0] as string) as { hash: string }).hash;
    for (let i = 1; i < lines.length; i++) {
      const r = JSON.parse(lines[i] as string) as Record<string, unknown>;
      delete r.hash;
      const sealed = sealLine(JSON.stringify(i === seq + 1 ? edit(r) : r), hash);
      lines[i] = sealed.line;
      hash = sealed.hash;
    }
    return `${lines.join('\n')}\n`;
  }

  it('loaded steps keep the compact form of a recorded log; an added patch that is exact against the state loads', () => {
    const plain = readLogLines(textLines(resealed(1, (r) => r)), 'a.memhp');
    expect(plain.ok && plain.value.log.step(1).constructor.name).toBe('RecordedStep');
    // One more change memhp did not make, with the inverse that undoes it (step 1 left highestPresentSectionNr at 144).
    const extra = (old: number) => (r: Record<string, unknown>): Record<string, unknown> => ({
      ...r,
      patches: [...(r.patches as unknown[]), { op: 'replace', path: ['highestPresentSectionNr'], value: 200 }],
      inversePatches: [{ op: 'replace', path: ['highestPresentSectionNr'], value: old }, ...(r.inversePatches as unknown[])],
    });
    const odd = readLogLines(textLines(resealed(1, extra(144))), 'b.memhp');
    if (!odd.ok) throw new Error(odd.damage.message);
    expect(odd.value.damage).toBeNull();
    expect(odd.value.log.stateAt(1).highestPresentSectionNr).toBe(200);
    expect(odd.value.log.stateAt(0).highestPresentSectionNr).toBe(39);
    // An inverse that would not restore the state before the step is damage.
    const wrong = readLogLines(textLines(resealed(1, extra(199))), 'b.memhp');
    expect(wrong.ok && wrong.value.damage).toMatchObject({ line: 3, message: expect.stringMatching(/^corrupted: inversePatches: the highestPresentSectionNr it restores \(199\) is not the state's \(144\)/) as unknown });
  });

  it('a sealed record whose patches are not patches, or do not apply, is damage at its line', () => {
    const bad = readLogLines(textLines(resealed(2, (r) => ({ ...r, patches: [{ op: 'explode', path: 7 }], inversePatches: [{ op: 'explode', path: 7 }] }))), 'c.memhp');
    expect(bad.ok && bad.value.damage).toMatchObject({ line: 4, message: expect.stringMatching(/^corrupted: patches\.0\.path: /) as unknown });
    expect(bad.ok && bad.value.log.length).toBe(2);
    const path = ['roots', '77', 'sections', 3, 'flags'];
    const noApply = readLogLines(textLines(resealed(2, (r) => ({ ...r, patches: [{ op: 'replace', path, value: 1 }], inversePatches: [{ op: 'replace', path, value: 0 }] }))), 'd.memhp');
    expect(noApply.ok && noApply.value.damage).toMatchObject({ line: 4, message: expect.stringMatching(/^corrupted: patches\.0: changes flags of section 9859, which does not exist/) as unknown });
  });
});

describe('a format-1 header is held to the fields format 2 writes', () => {
  it('an input sha256 that is not 64 hex digits is refused at line 1, not written into a log that then cannot be read (fuzz)', async () => {
    const text = readFileSync(V1, 'utf8');
    const bad = text.replace(/"sha256":"([0-9a-f]{9})[0-9a-f]/, '"sha256":"$1\ufffd');
    expect(bad).not.toBe(text);
    const dir = mkdtempSync(join(tmpdir(), 'memhp-v1-'));
    const f = join(dir, 'bad.memhp');
    writeFileSync(f, bad);
    const r = await cli(['record', f, '-o', join(dir, 'out.memhp')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${f}:1: error\\[E_LOG\\]: header: input\\.sha256: `));
  });
});
