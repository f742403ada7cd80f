/**
 * Forged log files: a record edited and the hash chain sealed again (test/helpers/forge.ts) is as
 * well chained as one memhp wrote, so every field of it is checked: a forged field is damage at
 * its line naming the field, as a hash mismatch is (the steps before it load, nothing after), and
 * a forged header is refused at line 1 (exit 2). No forged value reaches a command as a crash or
 * an allocation beyond the scenario limits. Also: a UTF-8 byte order mark before the header, and
 * the limits of log/logfile_limits.ts (steps, line length).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../inputs/index.js';
import { createProfile } from '../kernel/index.js';
import { DEFAULT_WORKLOAD, generateWorkload } from '../bench/generate.js';
import { isLogFile, jsonLines, logJsonLines, readLogFile, readLogLines, recordScenario, runScenario, textLines } from '../log/index.js';
import type { LogLine } from '../log/index.js';
import type { LogStep } from '../log/types.js';
import { fileLines } from '../log/logfile_fs.js';
import { MAX_LOG_LINE_BYTES, MAX_LOG_STEPS } from '../log/logfile_limits.js';
import { cli, spawnCli } from './helpers/cli.js';
import { forgeLine, logObjects } from './helpers/forge.js';
import type { ForgedLine } from './helpers/forge.js';

const profile = createProfile({ kernel: '5.3' });
const dir = mkdtempSync(join(tmpdir(), 'memhp-forged-'));

/** The partial-cycle example recorded as a log file (header, then steps 0..8; step 1 creates section 144 = root 1, index 16). */
const GOOD = ((): string => {
  const s = parseScenario(readFileSync('examples/partial-cycle.scn', 'utf8'), 'partial-cycle.scn', { geometry: profile.geometry });
  if (!s.ok) throw new Error('parse');
  const meta = { input: { name: 'partial-cycle.scn', sha256: '0'.repeat(64) }, kernelLine: s.value.kernel, boot: s.value.boot, forkedFrom: null };
  return [...logJsonLines(recordScenario(s.value, profile), meta)].map((l) => `${l}\n`).join('');
})();

/** GOOD with step `seq`'s record edited (in place) by `edit`, the chain sealed again. */
function forgedStep(seq: number, edit: (r: ForgedLine) => void): string {
  return forgeLine(GOOD, seq + 1, (r) => {
    edit(r);
    return r;
  });
}

/** A patch and the inverse patch that undoes it, as the only change of a record. */
function onlyPatch(r: ForgedLine, patch: Record<string, unknown>, inverse: Record<string, unknown>): void {
  r.patches = [patch];
  r.inversePatches = [inverse];
}

type Rec = Record<string, unknown> & { outcome: Record<string, unknown>; op: Record<string, unknown>; patches: Array<Record<string, unknown>> };

/** Forged records of step 2 (line 4) and the field each must be refused by. */
const FORGED_STEP_2: ReadonlyArray<readonly [string, (r: Rec) => void, RegExp]> = [
  ['a hazard that is a number', (r) => (r.outcome.hazards = [7]), /^outcome\.hazards\.0: /],
  ['a section effect with a string number', (r) => (r.outcome.sections = [{ nr: 'x' }]), /^outcome\.sections\.0\.nr: /],
  ['a warning of an unknown kind', (r) => (r.outcome.warnings = [{ kind: 'BUG', func: 'f', file: 'f.c', text: '' }]), /^outcome\.warnings\.0\.kind: /],
  ['nested calls not in fours', (r) => (r.outcome.calls = [0, 1, 2]), /^outcome\.calls: not a whole number of calls/],
  ['a nested call of no traced function', (r) => (r.outcome.calls = [9, 0, 0, 0]), /^outcome\.calls: a call names no traced function/],
  ['a resource of an unknown kind', (r) => (r.outcome.resources = [{ kind: 'leak', section: 1, pfn: 0, nrPages: 1, how: '' }]), /^outcome\.resources\.0\.kind: /],
  ['an outcome without its path', (r) => delete r.outcome.path, /^outcome\.path: /],
  ['an op with no fields', (r) => (r.op = { kind: '__add_pages' }), /^op\.nid: /],
  ['an op of an unknown kind', (r) => (r.op = { kind: 'rm -rf', pfn: 0 }), /^op\.kind: /],
  ['a nid past MAX_NUMNODES', (r) => (r.op.nid = 1024), /^op\.nid: a node number must be below MAX_NUMNODES \(1024\)/],
  ['nr_pages = 2^40 (2^25 sections)', (r) => (r.op.nr_pages = 2 ** 40), /^op: __add_pages spans 33554433 sections: memhp models at most MAX_SECTIONS_PER_CALL \(524288\) sections per call/],
  ['a range past the 64-bit physical address space', (r) => (r.op.pfn = 2 ** 52), /^op: pfn=0x10000000000000 \+ nr_pages=0x1000 = 0x10000000001000 is past the end of the 64-bit physical address space/],
  ['a pfn that is not an integer', (r) => (r.op.pfn = 0.5), /^op\.pfn: /],
  [
    'sparse_add_section across a section boundary',
    (r) => (r.op = { kind: 'sparse_add_section', nid: 0, pfn: 0x480000, nr_pages: 0x10000, altmap: null }),
    /^op: sparse_add_section pfn=0x480000 nr_pages=0x10000 crosses the section boundary/,
  ],
  ['an injected failure at the 0th allocation', (r) => (r.inject = [{ kind: 'usage', nth: 0 }]), /^inject\.0\.nth: /],
  ['an expectation of an unknown kind', (r) => (r.expects = [{ line: 1, text: 'x', expect: { kind: 'nothing' }, ok: true, detail: '' }]), /^expects\.0\.expect\.kind: /],
  ['an expectation of a section past NR_MEM_SECTIONS', (r) => (r.expects = [{ line: 1, text: 'x', expect: { kind: 'section', nr: 2 ** 40 }, ok: true, detail: '' }]), /^expects\.0\.expect\.nr: section 1099511627776 is beyond NR_MEM_SECTIONS/],
  ['a source without a line', (r) => (r.source = 'partial-cycle.scn'), /^source: /],
  ['a patch on __proto__', (r) => onlyPatch(r, { op: 'add', path: ['once', '__proto__'], value: true }, { op: 'remove', path: ['once', '__proto__'] }), /^patches\.0\.path\.1: not a once-only call site/],
  ['a patch on constructor', (r) => onlyPatch(r, { op: 'add', path: ['roots', 'constructor'], value: {} }, { op: 'remove', path: ['roots', 'constructor'] }), /^patches\.0\.path\.1: not a mem_section root number/],
  ['a path of length 1000', (r) => onlyPatch(r, { op: 'replace', path: new Array<string>(1000).fill('roots'), value: 1 }, { op: 'replace', path: new Array<string>(1000).fill('roots'), value: 0 }), /^patches\.0\.path: not a path of the model's state/],
  ['a huge array index', (r) => onlyPatch(r, { op: 'replace', path: ['roots', '1', 'sections', 1e9, 'flags'], value: 1 }, { op: 'replace', path: ['roots', '1', 'sections', 1e9, 'flags'], value: 3 }), /^patches\.0\.path\.3: not a section index of a root \(0\.\.127\)/],
  ['a root past the address space', (r) => onlyPatch(r, { op: 'add', path: ['roots', '9007199254740991'], value: { sections: [] } }, { op: 'remove', path: ['roots', '9007199254740991'] }), /^patches\.0\.path\.1: not a mem_section root number/],
  ['a field of a wrong type', (r) => onlyPatch(r, { op: 'replace', path: ['roots', '1', 'sections', 16, 'memmap'], value: 7 }, { op: 'replace', path: ['roots', '1', 'sections', 16, 'memmap'], value: `vvvv${'.'.repeat(60)}` }), /^patches\.0\.value: .* \(section field memmap\)/],
  ['a bitmap of the wrong size', (r) => onlyPatch(r, { op: 'replace', path: ['roots', '1', 'sections', 16, 'subsectionMap'], value: new Array<number>(10 ** 5).fill(0) }, { op: 'replace', path: ['roots', '1', 'sections', 16, 'subsectionMap'], value: [15, 0] }), /^patches\.0\.value: not a bitmap of 64 bits/],
  ['a field no section has', (r) => onlyPatch(r, { op: 'replace', path: ['roots', '1', 'sections', 16, 'toString'], value: 1 }, { op: 'replace', path: ['roots', '1', 'sections', 16, 'toString'], value: 0 }), /^patches\.0\.path\.4: not a section field/],
  ['an unknown patch op', (r) => onlyPatch(r, { op: 'move', path: ['highestPresentSectionNr'], value: 1 }, { op: 'move', path: ['highestPresentSectionNr'], value: 144 }), /^patches\.0: highestPresentSectionNr is replaced, not move\/move/],
  ['an inverse that restores another value', (r) => onlyPatch(r, { op: 'replace', path: ['roots', '1', 'sections', 16, 'flags'], value: 1 }, { op: 'replace', path: ['roots', '1', 'sections', 16, 'flags'], value: 0 }), /^inversePatches: the flags of section 144 it restores is not the one the state holds/],
  ['ZONE_DEVICE ranges that are not ranges', (r) => onlyPatch(r, { op: 'replace', path: ['deviceRanges'], value: [[5, 1]] }, { op: 'replace', path: ['deviceRanges'], value: [] }), /^patches\.0\.value\.0: \[0x5, 0x1\) is empty/],
  ['a section effect the patches do not make', (r) => (r.outcome.sections = [{ nr: 144, before: 'absent.never', after: 'partial' }]), /^outcome\.sections\.0\.before: section 144 was partial before the step, not absent\.never/],
];

describe('forged records (the chain sealed again)', () => {
  for (const [what, edit, field] of FORGED_STEP_2) {
    it(`${what}: damage at its line naming the field; steps 0..1 load`, () => {
      const r = readLogLines(textLines(forgedStep(2, (rec) => edit(rec as Rec))), 'f.memhp');
      if (!r.ok) throw new Error(r.damage.message);
      expect(r.value.damage?.line).toBe(4);
      const message = r.value.damage?.message ?? '';
      expect(message.replace(/^corrupted: /, '')).toMatch(field);
      expect(message).toMatch(/^corrupted: .*; steps 2\.\.8 not loaded$/);
      expect(r.value.log.length).toBe(2);
    });
  }

  it('a created section of another shape ({}): damage naming the patch, not a TypeError later', () => {
    const r = readLogLines(
      textLines(
        forgedStep(1, (rec) => {
          const create = (rec.patches as Array<{ path: unknown[]; value?: unknown }>).find((p) => p.path.length === 4);
          if (create === undefined) throw new Error('step 1 creates no section');
          create.value = {};
        }),
      ),
      'f.memhp',
    );
    expect(r.ok && r.value.damage).toMatchObject({ line: 3, message: expect.stringMatching(/^corrupted: patches\.\d+\.value\.nr: /) as unknown });
    expect(r.ok && r.value.log.length).toBe(1);
  });

  it('a step 0 that is forged leaves nothing usable: refused at line 2', () => {
    const r = readLogLines(textLines(forgedStep(0, (rec) => ((rec as Rec).outcome.hazards = [7]))), 'f.memhp');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.damage).toMatchObject({ line: 2, message: expect.stringMatching(/^corrupted: outcome\.hazards\.0: /) as unknown });
  });

  it('every record memhp writes passes (the examples, a format-1 file)', () => {
    expect(readLogLines(textLines(GOOD), 'g.memhp')).toMatchObject({ ok: true, value: { damage: null } });
  });
});

describe('forged headers', () => {
  type Header = ForgedLine & { boot: { ranges: Array<Record<string, number>> } };
  const header = (edit: (h: Header) => void): string =>
    forgeLine(GOOD, 0, (h) => {
      edit(h as Header);
      return h;
    });
  const CASES: ReadonlyArray<readonly [string, (h: Header) => void, RegExp]> = [
    ['a boot range ending at 2^52 pfns', (h) => (h.boot.ranges[0] = { startPfn: 0x100000, endPfn: 2 ** 52, nid: 0 }), /^header: boot\.ranges\.0: endPfn 0x10000000000000 is past the end of the physical address space \(limit MAX_PFN = 0x400000000, MAX_PHYSMEM_BITS 46\)/],
    ['5-level boot RAM of 2^25 sections, past MAX_BOOT_SECTIONS', (h) => {
      const x = h as unknown as { paging: number; profile: string };
      x.paging = 5;
      x.profile = x.profile.replace('MAX_PHYSMEM_BITS=46 (4-level paging)', 'MAX_PHYSMEM_BITS=52 (5-level paging)');
      h.boot.ranges[0] = { startPfn: 0x100000, endPfn: 2 ** 40, nid: 0 };
    }, /^header: boot\.ranges: boot RAM spans 33554400 sections: memhp models at most 524288 present sections at boot/],
    ['a boot range that is empty', (h) => (h.boot.ranges[0] = { startPfn: 5, endPfn: 5, nid: 0 }), /^header: boot\.ranges\.0: endPfn 0x5 is not above startPfn 0x5/],
    ['overlapping boot ranges', (h) => h.boot.ranges.push({ startPfn: 0x100000, endPfn: 0x100001, nid: 0 }), /^header: boot\.ranges\.1: starts at pfn 0x100000, below the end/],
    ['an iomem line ending below its start', (h) => ((h.boot as unknown as { iomem: unknown[] }).iomem = [{ start: 10, end: 5, name: 'System RAM', depth: 0 }]), /^header: boot\.iomem\.0: end 0x5 is below start 0xa/],
    ['a boot range with a string', (h) => (h.boot.ranges[0] = { startPfn: 0, endPfn: '1' as unknown as number, nid: 0 }), /^header: boot\.ranges\.0\.endPfn: /],
    ['more steps than MAX_LOG_STEPS', (h) => (h.steps = 1e12), new RegExp(`^header: steps: more steps than MAX_LOG_STEPS \\(${MAX_LOG_STEPS}\\), the most memhp reads from one log file`)],
  ];
  for (const [what, edit, message] of CASES) {
    it(`${what}: refused at line 1`, () => {
      const r = readLogLines(textLines(header(edit)), 'h.memhp');
      expect(r.ok).toBe(false);
      expect(!r.ok && r.damage.line).toBe(1);
      expect(!r.ok && r.damage.message).toMatch(message);
    });
  }
});

describe('forged logs on the command line', () => {
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('print, state and blame: one warning line naming the field, the steps before it, no internal error', async () => {
    const path = write('hazard.memhp', forgedStep(2, (r) => ((r as Rec).outcome.hazards = [7])));
    for (const args of [['print', path, '--section', '144'], ['state', path, '--at', '1'], ['blame', path, '--section', '144'], ['run', path]]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stderr).toBe(`${path}:4: warning: corrupted: outcome.hazards.0: Invalid type: Expected Object but received 7; steps 2..8 not loaded (using steps 0..1)\n`);
    }
    const past = await cli(['state', path, '--at', '2']);
    expect(past.code).toBe(2);
    expect(past.stderr).toContain('--at 2 is past the last step');
  });

  it('a forged header: exit 2, one error line naming the field, no stack (the built binary)', () => {
    const path = write('boot.memhp', forgeLine(GOOD, 0, (h) => ({ ...h, boot: { ...(h.boot as object), ranges: [{ startPfn: 0x100000, endPfn: 2 ** 52, nid: 0 }] } })));
    const r = spawnCli(['state', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^${path}:1: error\\[E_LOG\\]: header: boot\\.ranges\\.0: endPfn 0x10000000000000 is past the end of the physical address space`));
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('an op of 2^40 pages run again under another kernel: refused at load, within a small heap (no allocation per section)', () => {
    const path = write('wide.memhp', forgedStep(2, (r) => ((r as Rec).op.nr_pages = 2 ** 40)));
    const r = spawnCli(['state', path, '--kernel', '6.1'], { NODE_OPTIONS: '--max-old-space-size=200' });
    expect(r.stderr).not.toMatch(/internal error|heap out of memory/);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(`${path}:4: warning: corrupted: op: __add_pages spans 33554433 sections: memhp models at most MAX_SECTIONS_PER_CALL (524288) sections per call; steps 2..8 not loaded (using steps 0..1)`);
  });
});

describe('a UTF-8 byte order mark before the header', () => {
  it('is skipped: the log loads whole, isLogFile sees it, the CLI says what it says without one', async () => {
    const plain = join(dir, 'plain.memhp');
    const bom = join(dir, 'bom.memhp');
    writeFileSync(plain, GOOD);
    writeFileSync(bom, `\uFEFF${GOOD}`);
    expect(isLogFile(bom)).toBe(true);
    const r = readLogFile(bom);
    expect(r.ok && r.value.damage).toBeNull();
    expect(r.ok && r.value.log.length).toBe(9);
    const a = await cli(['state', plain, '--at', '3']);
    const b = await cli(['state', bom, '--at', '3']);
    expect(b.code).toBe(0);
    expect(b.stderr).toBe('');
    expect(b.stdout.replaceAll('bom.memhp', 'plain.memhp')).toBe(a.stdout);
  });
});

describe('limits', () => {
  it(`a line longer than the limit is counted, not kept; reading goes on after it`, () => {
    const path = join(dir, 'long.memhp');
    writeFileSync(path, `short\n${'x'.repeat(5000)}\nafter\n${'y'.repeat(300)}`);
    const lines = [...fileLines(path, 100)];
    expect(lines).toEqual([
      { text: 'short', line: 1, complete: true },
      { text: '', line: 2, complete: true, tooLong: 5000 },
      { text: 'after', line: 3, complete: true },
      { text: '', line: 4, complete: false, tooLong: 300 },
    ]);
  });

  it('a record line past MAX_LOG_LINE_BYTES is damage naming the limit; a header line past it leaves nothing', () => {
    const good = textLines(GOOD);
    const long = (l: LogLine): LogLine => ({ text: '', line: l.line, complete: true, tooLong: MAX_LOG_LINE_BYTES + 1 });
    const r = readLogLines(good.map((l) => (l.line === 5 ? long(l) : l)), 'l.memhp');
    expect(r.ok && r.value.damage).toEqual({ code: 'E_LIMIT', file: 'l.memhp', line: 5, message: `line longer than MAX_LOG_LINE_BYTES (${MAX_LOG_LINE_BYTES} bytes), the longest log line memhp reads (more than ${MAX_LOG_LINE_BYTES + 1} bytes); steps 3..8 not loaded` });
    expect(r.ok && r.value.log.length).toBe(3);
    const h = readLogLines(good.map((l) => (l.line === 1 ? long(l) : l)), 'l.memhp');
    expect(!h.ok && h.damage.line).toBe(1);
    expect(!h.ok && h.damage.message).toMatch(/^line longer than MAX_LOG_LINE_BYTES/);
  });

  it('a generated workload (as the bench makes one: every kind of operation, steps at line 0) loads clean', () => {
    const wl = generateWorkload(profile.geometry, { ...DEFAULT_WORKLOAD, steps: 400 });
    const meta = { input: { name: 'bench', sha256: '0'.repeat(64) }, kernelLine: wl.scenario.kernel, boot: wl.boot, forkedFrom: null };
    const steps = function* (): Generator<LogStep> {
      for (const r of runScenario(wl.scenario, profile)) yield r.step;
    };
    const text = [...jsonLines(profile, 64, wl.ops.length + 1, steps(), meta)].map((l) => `${l}\n`).join('');
    const r = readLogLines(textLines(text), 'bench.memhp');
    expect(r.ok && r.value.damage).toBeNull();
    expect(r.ok && r.value.log.length).toBe(wl.ops.length + 1);
  });

  it('the examples recorded by the CLI all load clean (no record memhp writes is refused)', async () => {
    for (const ex of ['partial-cycle', 'eexist-collision', 'seed-pmem-shared-section', 'sparse-error-paths']) {
      const out = join(dir, `${ex}.memhp`);
      const rec = await cli(['record', `examples/${ex}.scn`, '--format', '2', '-o', out]);
      expect(rec.code, ex).toBeLessThan(2);
      const r = readLogFile(out);
      expect(r.ok && r.value.damage, ex).toBeNull();
      expect(logObjects(readFileSync(out, 'utf8')).length).toBe(r.ok ? r.value.log.length + 1 : -1);
      // Format 3 (the default) of the same input loads clean to the same number of steps.
      const out3 = join(dir, `${ex}.3.memhp`);
      expect((await cli(['record', `examples/${ex}.scn`, '-o', out3])).code, ex).toBeLessThan(2);
      const r3 = readLogFile(out3);
      expect(r3.ok && r3.value.damage, ex).toBeNull();
      expect(r3.ok && r3.value.format).toBe(3);
      expect(r3.ok && r3.value.log.length).toBe(r.ok ? r.value.log.length : -1);
    }
  });
});
