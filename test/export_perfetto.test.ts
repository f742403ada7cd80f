/**
 * `memhp export --format perfetto`: the history as Chrome trace-event JSON, checked two ways.
 * Against the log itself (each touched section's state slices are the machine states stateAt()
 * gives step by step; the counter is the number of sections with SECTION_MARKED_PRESENT set; one
 * instant per WARN, hazard and failed expectation), and read back by a real consumer: DevTools'
 * trace engine (@paulirish/trace_engine, the code of Chrome's Performance panel), which must find
 * the same tracks, one root slice per step with the call path nested under it, and each section's
 * states in order. Same input, same bytes; stdout and -o agree; a scenario, a trace directory and a
 * log file all export; a bad --format or -o over the input is a one-line user error.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as TraceEngine from '@paulirish/trace_engine';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { loadInput } from '../cli/load.js';
import { readTextFile, type Io } from '../cli/io.js';
import { SECTION_IS_ONLINE, SECTION_MARKED_PRESENT } from '../kernel/types.js';
import { getSection, listSections } from '../model/model.js';
import type { HotplugLog } from '../log/log.js';
import { CALLS_TRACK, PRESENT_COUNTER, PRESENT_SERIES, STEP_US, pathFrames, stepSliceName, touchedSections, type TraceEvent } from '../present/perfetto.js';
import { cli, spawnCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'memhp-export-'));
const SEED = 'examples/seed-pmem-shared-section.scn';
const CYCLE = 'examples/partial-cycle.scn';
const DIMM = 'test/fixtures/traces/6.1.0-56-amd64/dimm_hotplug';
const DEVDAX = 'test/fixtures/traces/6.1.0-56-amd64/devdax_kmem';

const io: Io = { out: () => {}, err: () => {}, color: pc.createColors(false), readFile: readTextFile };

interface Exported {
  readonly text: string;
  readonly events: TraceEvent[];
  readonly log: HotplugLog;
}

/** Export `input` to a file with the CLI and load the same input's log as the oracle. */
async function exportOf(input: string, name: string, ...extra: string[]): Promise<Exported> {
  const out = join(dir, name);
  const r = await cli(['export', input, '--format', 'perfetto', '-o', out, ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^exported \d+ steps \(boot included\) of .* into .*: \d+ section track\(s\), \d+ bytes \(perfetto\)\n$/);
  const text = readFileSync(out, 'utf8');
  const json = JSON.parse(text) as { traceEvents: TraceEvent[] };
  return { text, events: json.traceEvents, log: loadInput(io, input, {}).log };
}

/** A section's machine states after each step, ` online` while SECTION_IS_ONLINE is set, runs of one collapsed (the oracle, from stateAt()). */
function statesOf(log: HotplugLog, nr: number): string[] {
  const out: string[] = [];
  for (let n = 0; n < log.length; n++) {
    const ms = getSection(log.profile, log.stateAt(n), nr);
    const st = `${ms?.machine ?? 'absent.never'}${(ms?.flags ?? 0) & SECTION_IS_ONLINE ? ' online' : ''}`;
    if (out[out.length - 1] !== st) out.push(st);
  }
  return out;
}

/** The DevTools trace engine's reading of the events. */
async function devtoolsParse(events: readonly TraceEvent[]): Promise<{ threads: Map<string, { entries: string[]; roots: Array<{ name: string; chain: string[] }> }>; processes: string[]; max: number }> {
  // The engine is written for the browser: the one DOM class it touches, for Node.
  const g = globalThis as { DOMRect?: unknown };
  g.DOMRect ??= class DOMRect {
    constructor(readonly x = 0, readonly y = 0, readonly width = 0, readonly height = 0) {}
  };
  const model = TraceEngine.TraceModel.Model.createWithAllHandlers();
  await model.parse(events as unknown as TraceEngine.Types.Events.Event[]);
  const parsed = model.parsedTrace(0);
  if (!parsed) throw new Error('the trace engine parsed nothing');
  const threads = new Map<string, { entries: string[]; roots: Array<{ name: string; chain: string[] }> }>();
  for (const p of parsed.data.Renderer.processes.values()) {
    for (const t of p.threads.values()) {
      const roots = [...(t.tree?.roots ?? [])].map((r) => {
        const chain: string[] = [];
        for (let n = r.children[0]; n; n = n.children[0]) chain.push(n.entry.name);
        return { name: r.entry.name, chain };
      });
      threads.set(t.name ?? '', { entries: t.entries.map((e) => e.name), roots });
    }
  }
  return { threads, processes: [...parsed.data.Meta.processNames.values()].map((e) => String(e.args.name)), max: parsed.data.Meta.traceBounds.max };
}

describe('memhp export --format perfetto', () => {
  it('the seed example: one track per touched section with its machine states, the counter of present sections, one instant per WARN and hazard', async () => {
    const { events, log } = await exportOf(SEED, 'seed.json');
    const touched = touchedSections(log);
    expect(touched).toEqual([...Array.from({ length: 32 }, (_, i) => 64 + i), 96]);
    // Perfetto names a thread by its tid alone: no tid in two processes, and none is 0 (its idle thread).
    const pidOfTid = new Map<number, number>();
    for (const e of events) {
      expect(e.tid).toBeGreaterThan(0);
      expect(pidOfTid.get(e.tid) ?? e.pid).toBe(e.pid);
      pidOfTid.set(e.tid, e.pid);
    }
    const names = events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args?.name);
    expect(names).toEqual([CALLS_TRACK, ...touched.map((nr) => `section ${nr}`)]);
    for (const nr of touched) {
      const slices = events.filter((e) => e.ph === 'X' && e.pid === 2 && e.args?.section === nr);
      expect(slices.map((e) => e.name)).toEqual(statesOf(log, nr));
      // Back to back from the end of boot to one step past the last step.
      expect(slices[0]?.ts).toBe(STEP_US);
      for (let i = 1; i < slices.length; i++) expect(slices[i]?.ts).toBe((slices[i - 1]?.ts ?? 0) + (slices[i - 1]?.dur ?? 0));
      const last = slices[slices.length - 1];
      expect((last?.ts ?? 0) + (last?.dur ?? 0)).toBe((log.length + 1) * STEP_US);
    }
    // Section 96 is the changelog's: online boot memory grown by the PMEM part, half torn down (F10), grown again.
    expect(events.filter((e) => e.ph === 'X' && e.args?.section === 96).map((e) => e.name)).toEqual(['early.boot online', 'early.grown online', 'early.boot online', 'early.grown online']);
    // The counter after each step where it changes: sections with SECTION_MARKED_PRESENT, counted in the state.
    const counter = events.filter((e) => e.ph === 'C');
    expect(counter.every((e) => e.name === PRESENT_COUNTER)).toBe(true);
    const present = (n: number): number => listSections(log.stateAt(n)).filter((ms) => (ms.flags & SECTION_MARKED_PRESENT) !== 0).length;
    const want = [];
    for (let n = 0; n < log.length; n++) if (n === 0 || present(n) !== present(n - 1)) want.push({ ts: (n + 1) * STEP_US, present: present(n) });
    expect(counter.map((e) => ({ ts: e.ts, present: e.args?.[PRESENT_SERIES] }))).toEqual(want);
    expect(want.map((w) => w.present)).toEqual([88, 120, 88]);
    // Instants: every WARN and hazard of every step, at its step.
    const instants = events.filter((e) => e.ph === 'i');
    const warns = log.steps.flatMap((s) => s.outcome.warnings.map((w) => ({ step: s.seq, name: `${w.kind} ${w.func}` })));
    const hazards = log.steps.flatMap((s) => s.outcome.hazards.map((h) => ({ step: s.seq, bug: h.bug })));
    expect(instants.filter((e) => e.cat === 'warn').map((e) => ({ step: e.args?.step, name: e.name }))).toEqual(warns);
    expect(instants.filter((e) => e.cat === 'hazard').map((e) => ({ step: e.args?.step, bug: e.args?.bug }))).toEqual(hazards);
    expect(hazards.map((h) => h.bug)).toEqual(['F14', 'F10', 'F10']);
    for (const e of instants) expect(e.ts).toBe(Number(e.args?.step) * STEP_US + STEP_US / 2);
  });

  it('DevTools\' trace engine reads the tracks, one root slice per step with its call path nested, and each section\'s states', async () => {
    for (const [input, name] of [
      [SEED, 'seed-dt.json'],
      [DEVDAX, 'devdax-dt.json'],
    ] as const) {
      const { events, log } = await exportOf(input, name);
      const got = await devtoolsParse(events);
      expect(got.processes).toEqual(expect.arrayContaining([`memhp ${input}`, 'mem_section']));
      const touched = touchedSections(log);
      expect([...got.threads.keys()].sort()).toEqual([CALLS_TRACK, ...touched.map((nr) => `section ${nr}`)].sort());
      const calls = got.threads.get(CALLS_TRACK);
      expect(calls?.roots.map((r) => r.name)).toEqual(log.steps.map(stepSliceName));
      expect(calls?.roots.map((r) => r.chain)).toEqual(log.steps.map((s) => pathFrames(s.outcome.path).map((f) => f.name)));
      for (const nr of touched) expect(got.threads.get(`section ${nr}`)?.entries).toEqual(statesOf(log, nr));
      expect(got.max).toBe((log.length + 1) * STEP_US);
    }
  });

  it('a recorded trace: steps named for the traced call and its arguments, not the lab\'s label; onlining and offlining are drawn', async () => {
    const { events, log } = await exportOf(DIMM, 'dimm.json');
    // The DIMM's first section: added, onlined, offlined, removed, three times over (the third ends online).
    const s32 = events.filter((e) => e.ph === 'X' && e.args?.section === 32);
    expect(s32.map((e) => e.name)).toEqual(statesOf(log, 32));
    expect(s32.map((e) => e.name).slice(0, 5)).toEqual(['absent.never', 'full-hotplug', 'full-hotplug online', 'full-hotplug', 'absent.deactivated']);
    const onlined = s32[2];
    expect(onlined?.args).toMatchObject({ state: 'full-hotplug', online: true });
    expect(events.find((e) => e.cat === 'step' && e.ts + STEP_US === onlined?.ts)?.name).toMatch(/^online_mem_sections start_pfn=0x100000 /);
    const steps = events.filter((e) => e.cat === 'step');
    expect(steps).toHaveLength(log.length);
    expect(steps[1]?.name).toBe('__add_pages nid=0 pfn=0x100000 nr_pages=0x10000');
    expect(String(steps[1]?.args?.source)).toMatch(/dimm_hotplug\/trace\.txt:\d+$/);
    expect(new Set(steps.slice(1).map((e) => e.name)).size).toBeGreaterThan(3);
    // Each traced step keeps the time ftrace printed on its line (seconds since boot), to find it in the user's own trace.
    const lines = readFileSync(join(DIMM, 'trace.txt'), 'utf8').split('\n');
    for (const e of steps.slice(1)) {
      const line = Number(/:(\d+)$/.exec(String(e.args?.source))?.[1]);
      const printed = /\s(\d+\.\d+): /.exec(lines[line - 1] ?? '')?.[1];
      expect(e.args?.trace_ts).toBe(Number(printed));
    }
    expect(steps[0]?.args).not.toHaveProperty('trace_ts');
  });

  it('same input, same bytes; stdout is the file; a log file exports the same slices as its scenario', async () => {
    const a = await exportOf(CYCLE, 'a.json');
    const b = await exportOf(CYCLE, 'b.json');
    expect(b.text).toBe(a.text);
    const out = await cli(['export', CYCLE]);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(a.text);
    const spawned = spawnCli(['export', CYCLE, '--format', 'perfetto']);
    expect(spawned.stderr).toBe('');
    expect(spawned.stdout).toBe(a.text);
    const logFile = join(dir, 'cycle.memhp');
    expect((await cli(['record', CYCLE, '-o', logFile])).code).toBe(0);
    const fromLog = await exportOf(logFile, 'from-log.json');
    const shape = (events: readonly TraceEvent[]): unknown[] => events.filter((e) => e.ph !== 'M').map((e) => [e.ph, e.name, e.tid, e.ts, e.dur ?? null]);
    expect(shape(fromLog.events)).toEqual(shape(a.events));
    expect(a.text.endsWith('}\n')).toBe(true);
    // Timestamps in µs, as the format defines them: no displayTimeUnit, which Perfetto would take as the unit of every ts.
    expect(a.text).not.toContain('displayTimeUnit');
    for (const l of a.text.split('\n').filter((x) => x.startsWith('{"ph"'))) expect(l).toMatch(/^\{"ph":"[XiCM]","ts":\d+,"pid":\d+,"tid":\d+,"name":/);
    expect(a.text.split('\n').filter((l) => l.startsWith('{"ph"'))).toHaveLength(a.events.length);
  });

  it('a failed expectation is an instant at its step, and the export still exits 0', async () => {
    const scn = join(dir, 'failing.scn');
    writeFileSync(scn, 'ram 0x0-0x7fffffff\nadd 0x100000000 128M\nexpect ret=-EEXIST\n');
    const { events } = await exportOf(scn, 'failing.json');
    const failed = events.filter((e) => e.cat === 'expect');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ ph: 'i', name: 'expect failed', args: { step: 1, expect: 'expect ret=-EEXIST' } });
  });

  it('refuses an unknown --format and -o over its own input, in one line each', async () => {
    const bad = await cli(['export', CYCLE, '--format', 'chrome']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("memhp: error[E_USAGE]: unknown --format 'chrome' for 'export'\n  hint: formats: perfetto\n");
    const over = await cli(['export', CYCLE, '-o', CYCLE]);
    expect(over.code).not.toBe(0);
    expect(over.stderr).toMatch(/^memhp: error\[E_PROTECTED\]: refusing to write over examples\/partial-cycle\.scn/);
    expect(readFileSync(CYCLE, 'utf8')).toContain('add');
  });
});
