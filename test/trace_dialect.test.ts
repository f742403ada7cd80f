/**
 * The trace dialects (inputs/trace/dialect.ts): tracefs `trace` / `trace_pipe`, `trace-cmd report`
 * and `perf script`, told apart by content; probes under default names with bare-address sites;
 * lost events in each tool's form; the unknown-line listing; "nothing compared". On cuts of the
 * real tools' outputs (test/fixtures/format-cuts/, README there); then a recorded run with console
 * lines and WARNs (6.12 dimm_hotplug) printed again the way each tool prints a line (their printf
 * formats: tracecmd/trace-read.c, tools/perf/builtin-script.c) must check the same. The whole
 * recorded outputs are read in test/trace_formats.test.ts.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectDialect } from '../inputs/trace/dialect.js';
import { probedFunction } from '../inputs/trace/probe_names.js';
import { readTrace } from '../inputs/trace/index.js';
import { traceToScenario } from '../inputs/trace/to_scenario.js';
import { cli } from './helpers/cli.js';
import { TRACES } from './helpers/traces.js';

const RUN_612 = `${TRACES}/6.12.95+deb12-amd64/dimm_hotplug`;
const SUMMARY_612 = '16 steps, 10 snapshots, 5 sections, 222 fields compared, 0 mismatches';

/** A copy of a run with trace.txt rewritten; returns the trace path (named report.txt: the name says nothing). */
function rewritten(run: string, rewrite: (text: string) => string): string {
  const dir = mkdtempSync(`${tmpdir()}/memhp-dialect-`);
  writeFileSync(`${dir}/report.txt`, rewrite(readFileSync(`${run}/trace.txt`, 'utf8')));
  copyFileSync(`${run}/run.json`, `${dir}/run.json`);
  return `${dir}/report.txt`;
}

interface Line {
  task: string;
  pid: number;
  cpu: number;
  flags: string;
  time: string;
  event: string;
  rest: string;
}
const LINE_RE = /^\s*(.+)-(\d+)\s+\[(\d+)\]\s+(\S+)\s+(\d+\.\d+): ([^\s:]+):(?: (.*))?$/;
function lines(text: string): Line[] {
  return text.split('\n').flatMap((l) => {
    const m = LINE_RE.exec(l);
    return m === null ? [] : [{ task: m[1] ?? '', pid: Number(m[2]), cpu: Number(m[3]), flags: m[4] ?? '', time: m[5] ?? '', event: m[6] ?? '', rest: m[7] ?? '' }];
  });
}
/** The event text as the event format's `(%lx)` / `(%lx <- %lx)` prints it: a bare address for the site. */
function bareSites(rest: string): string {
  return rest.replace(/^\([^)<]*? <- [^)]*\)/, '(ffffffff81a5136d <- ffffffff81a51200)').replace(/^\([A-Za-z_][\w.]*\+0x[0-9a-f]+\/0x[0-9a-f]+\)/, '(ffffffff81a51200)');
}
/** Default kprobe_events names (p_FUNC_0 / r_FUNC_0) for everything but the secstate probes. */
function defaultName(event: string): string {
  if (event === 'tracing_mark_write' || event === 'console' || event.startsWith('secstate')) return event;
  return event.endsWith('_ret') ? `r_${event.slice(0, -4)}_0` : `p_${event}_0`;
}
const pad = (s: string, n: number): string => s.padStart(n);

/** trace-cmd report's trace_show_data(): `%16s-%-5d [%03d] %6.1000d:` (opts), ` NAME: ` padded to 20. */
function traceCmd(text: string, opts: { tsDiff?: boolean; latency?: boolean } = {}): string {
  let last: number | null = null;
  const out = ['version = 6', 'CPU 2 is empty', 'cpus=3'];
  for (const l of lines(text)) {
    const name = l.event === 'tracing_mark_write' ? 'print' : defaultName(l.event);
    const info = l.event === 'tracing_mark_write' ? `tracing_mark_write: ${l.rest}` : bareSites(l.rest);
    let head = opts.latency ? `${pad(l.task.slice(0, 8), 8)}-${String(l.pid).padEnd(5)} ${pad(String(l.cpu), 3)}${l.flags}` : `${pad(l.task, 16)}-${String(l.pid).padEnd(5)} [${String(l.cpu).padStart(3, '0')}]`;
    head += ` ${pad(l.time, 6)}:`;
    if (opts.tsDiff) {
      const us = Math.round(Number(l.time) * 1e6);
      head += ` ${(last === null ? '' : `(+${us - last})`).padEnd(8)}`;
      last = us;
    }
    out.push(`${head} ${name}: ${' '.repeat(Math.max(0, 20 - name.length))}${info}`);
  }
  return `${out.join('\n')}\n`;
}

/** perf script's default fields of a tracepoint (comm,tid,cpu,time,event,trace): `%16s %7d [%03d] %12s: %*s: `. */
function perfScript(text: string, opts: { pidTid?: boolean } = {}): string {
  const ls = lines(text).filter((l) => l.event !== 'tracing_mark_write' && l.event !== 'console');
  const name = (e: string): string => `probe:${e.endsWith('_ret') ? `${e.slice(0, -4)}__return` : e}`;
  const width = ls.reduce((w, l) => Math.max(w, name(l.event).length), 0);
  return ls.map((l) => `${pad(l.task, 16)} ${opts.pidTid ? `${pad(String(l.pid), 7)}/${String(l.pid).padEnd(7)}` : pad(String(l.pid), 7)} [${String(l.cpu).padStart(3, '0')}] ${pad(l.time, 12)}: ${pad(name(l.event), width)}: ${bareSites(l.rest)}\n`).join('');
}

const CUTS = fileURLToPath(new URL('./fixtures/format-cuts/6.1.0-56-amd64', import.meta.url));
const cut = (name: string): string => readFileSync(`${CUTS}/${name}`, 'utf8');
/** A cut (or any text) in a fresh directory under a name that says nothing about its format. */
function asFile(text: string): string {
  const dir = mkdtempSync(`${tmpdir()}/memhp-dialect-`);
  writeFileSync(`${dir}/session.log`, text);
  return `${dir}/session.log`;
}
interface CheckJson {
  steps: number;
  snapshots: number;
  fieldsCompared: number;
  unknownLines: number;
  malformedLines: number;
  lostEvents: boolean;
  lost?: { lines: number; events: number | null; line: number };
  mismatches: unknown[];
}
async function checkJson(file: string, extra: readonly string[] = []): Promise<{ j: CheckJson; stderr: string; stdout: string }> {
  const r = await cli(['check', file, '--kernel', '6.1.192', '--json', ...extra]);
  return { j: JSON.parse(r.stdout) as CheckJson, stderr: r.stderr, stdout: r.stdout };
}
function stepsOf(text: string): unknown[] {
  const d = readTrace(text, 'cut.txt');
  if (!d.ok) throw new Error('unreadable');
  const ts = traceToScenario(d.value, 'cut.txt');
  if (!ts.ok) throw new Error('untranslatable');
  return ts.value.scenario.steps.map((st) => st.op);
}

const CUT_DIALECTS: Array<[string, string]> = [
  ['trace.create.txt', 'ftrace'],
  ['trace_pipe.create.txt', 'ftrace'],
  ['trace-cmd-report.create.txt', 'trace-cmd'],
  ['trace-cmd-report-t.create.txt', 'trace-cmd'],
  ['trace-cmd-report-l.create.txt', 'trace-cmd'],
  ['trace-cmd-report-ts-diff.create.txt', 'trace-cmd'],
  ['trace-cmd-report-R.create.txt', 'trace-cmd'],
  ['trace-cmd-report.default-names.txt', 'trace-cmd'],
  ['perf-script.create.txt', 'perf'],
];

describe('the dialect is told from the lines, not the file name', () => {
  for (const [name, dialect] of CUT_DIALECTS) {
    it(`${name}: ${dialect}`, () => {
      expect(detectDialect(cut(name).split('\n'))).toBe(dialect);
    });
  }
  it('a scenario is no trace', () => {
    expect(detectDialect(readFileSync(fileURLToPath(new URL('../examples/partial-cycle.scn', import.meta.url)), 'utf8').split('\n'))).toBeNull();
  });
});

describe('each tool\'s cut of the create step gives the tracefs cut\'s steps and check', () => {
  const ref = stepsOf(cut('trace.create.txt'));
  it('the tracefs cut: __add_pages and move_pfn_range_to_zone of the namespace', () => {
    expect(ref).toEqual([
      { kind: '__add_pages', nid: 0, pfn: 0x100000, nr_pages: 0x20000, altmap: null },
      { kind: 'move_pfn_range_to_zone', pfn: 0x100000, nr_pages: 0x20000, zone: 'device' },
    ]);
  });
  for (const [name] of CUT_DIALECTS) {
    it(name, async () => {
      expect(stepsOf(cut(name))).toEqual(ref);
      const { j, stderr } = await checkJson(asFile(cut(name)));
      expect(stderr).toBe('');
      expect(j).toMatchObject({ steps: 2, snapshots: 2, fieldsCompared: 49, mismatches: [], unknownLines: 0, malformedLines: 0, lostEvents: false });
    });
  }
});

describe('what each tool prints is read as it means', () => {
  it('trace-cmd: the cpus= header is no line of unknown kind; names padded to 20 columns; print events are markers', () => {
    const d = readTrace(cut('trace-cmd-report.create.txt'), 'r.txt');
    if (!d.ok) throw new Error('unreadable');
    expect(d.value.unknown).toEqual([]);
    expect(d.value.records[0]).toMatchObject({ kind: 'marker', header: { task: 'sh', pid: 214, cpu: 1, flags: '' }, marker: { type: 'secstate_sections', sections: [31, 32, 33, 34, 35, 36] } });
    const snap = d.value.records.find((r) => r.kind === 'secstate');
    expect(snap).toMatchObject({ probe: 'secstate0', site: { func: 'ffffffff813abfb0' }, vmemmapBase: 0xffd4000000000000n });
    expect(d.value.records.filter((r) => r.kind === 'entry' || r.kind === 'return').map((r) => `${r.kind} ${r.name}`)).toEqual([
      'entry memremap_pages',
      'entry arch_add_memory',
      'entry __add_pages',
      'return __add_pages',
      'return arch_add_memory',
      'entry move_pfn_range_to_zone',
      'return memremap_pages',
    ]);
  });

  it('perf script: COMM TID [CPU] TIME: probe:NAME / probe:NAME__return, the function from the name', () => {
    const d = readTrace(cut('perf-script.create.txt'), 'p.txt');
    if (!d.ok) throw new Error('unreadable');
    expect(d.value.records.map((r) => (r.kind === 'entry' || r.kind === 'return' ? `${r.kind} ${r.name} ${r.header.task}-${r.header.pid}` : r.kind))).toEqual([
      'secstate',
      'entry memremap_pages ndctl-325',
      'entry arch_add_memory ndctl-325',
      'entry __add_pages ndctl-325',
      'return __add_pages ndctl-325',
      'return arch_add_memory ndctl-325',
      'entry move_pfn_range_to_zone ndctl-325',
      'return memremap_pages ndctl-325',
      'secstate',
    ]);
  });

  it('default probe names with bare-address sites (p___add_pages_0: (ffffffff81a4b1d0)) are kept: the function comes from the name', () => {
    const d = readTrace(cut('trace-cmd-report.default-names.txt'), 'r.txt');
    if (!d.ok) throw new Error('unreadable');
    expect(d.value.records.find((r) => r.kind === 'entry' && r.name === '__add_pages')).toMatchObject({ site: { func: 'ffffffff81a4b1d0' }, args: { pfn: { num: 0x100000 } } });
    expect(d.value.records.find((r) => r.kind === 'return' && r.name === '__add_pages')).toMatchObject({ retInt32: 0 });
  });

  it('a probe\'s function from its name: kprobe_events defaults, perf probe, memhp probes', () => {
    expect(probedFunction('p___remove_pages_0')).toBe('__remove_pages');
    expect(probedFunction('r___add_pages_0')).toBe('__add_pages');
    expect(probedFunction('__add_pages__return')).toBe('__add_pages');
    expect(probedFunction('online_pages_ret')).toBe('online_pages');
    expect(probedFunction('__add_pages')).toBe('__add_pages');
  });

  it('trace_pipe: a u<S> read through a null usage pointer (ring-buffer leftovers) is no map', async () => {
    expect(cut('trace_pipe.create.txt')).toContain('p31=0x0 u31=0x3533203433203333');
    const { j } = await checkJson(asFile(cut('trace_pipe.create.txt')));
    expect(j.mismatches).toEqual([]);
  });
});

describe('one run printed as each tool prints it checks the same', () => {
  const cases: Array<[string, (t: string) => string]> = [
    ['tracefs trace_pipe (no header)', (t) => t.split('\n').filter((l) => !l.startsWith('#')).join('\n')],
    ['trace-cmd report', (t) => traceCmd(t)],
    ['trace-cmd report --ts-diff', (t) => traceCmd(t, { tsDiff: true })],
    ['trace-cmd report -l', (t) => traceCmd(t, { latency: true })],
  ];
  for (const [name, rewrite] of cases) {
    it(name, async () => {
      const r = await cli(['check', rewritten(RUN_612, rewrite), '--json']);
      const j = JSON.parse(r.stdout) as { steps: number; fieldsCompared: number; mismatches: unknown[]; unknownLines: number; malformedLines: number };
      expect(r.stderr).toBe('');
      expect(j).toMatchObject({ steps: 16, fieldsCompared: 222, mismatches: [], unknownLines: 0, malformedLines: 0 });
    });
  }

  it('perf script (no markers, no console: the same steps and snapshots, fewer WARN fields)', async () => {
    const ref = JSON.parse((await cli(['check', RUN_612, '--json'])).stdout) as { steps: number; snapshots: number };
    for (const opts of [{}, { pidTid: true }]) {
      const r = await cli(['check', rewritten(RUN_612, (t) => perfScript(t, opts)), '--json']);
      const j = JSON.parse(r.stdout) as { steps: number; snapshots: number; mismatches: unknown[]; unknownLines: number };
      expect(j).toMatchObject({ steps: ref.steps, snapshots: ref.snapshots, unknownLines: 0 });
    }
  });

  it('the text summary of trace-cmd report equals the tracefs one', async () => {
    const r = await cli(['check', rewritten(RUN_612, (t) => traceCmd(t))]);
    expect(r.stdout).toContain(SUMMARY_612);
  });
});

describe('lost events: a warning at file:line and in check --json, in each tool\'s form', () => {
  // No recorded session lost events: the lines are the tools' formats (kernel/trace/trace.c
  // print_trace_line(), tracecmd/trace-read.c trace_show_data(), perf's PERF_RECORD_LOST) put into real cuts.
  const after = (text: string, at: number, line: string): string => {
    const l = text.split('\n');
    l.splice(at, 0, line);
    return l.join('\n');
  };
  const forms: Array<[string, string, number | null, number]> = [
    ['tracefs', after(cut('trace.create.txt'), 50, 'CPU:1 [LOST 12 EVENTS]'), 12, 51],
    ['trace-cmd', after(after(cut('trace-cmd-report.create.txt'), 38, 'CPU:0 [12 EVENTS DROPPED]'), 40, 'CPU:1 [3 EVENTS DROPPED]'), 15, 39],
    ['trace-cmd without a count', after(cut('trace-cmd-report.create.txt'), 38, 'CPU:0 [EVENTS DROPPED]'), null, 39],
    ['perf script --show-lost-events', after(cut('perf-script.create.txt'), 3, '            perf   323 [001]   350.886200: PERF_RECORD_LOST lost 7'), 7, 4],
  ];
  for (const [name, text, events, line] of forms) {
    it(name, async () => {
      const file = asFile(text);
      const { j, stderr } = await checkJson(file);
      const lines = name === 'trace-cmd' ? 2 : 1;
      const what = events === null ? 'events' : `${events} events`;
      expect(stderr).toBe(`${file}:${line}: warning: the trace lost ${what} ${lines === 1 ? 'here' : 'in 2 places, the first here'}: calls may be missing from the steps\n`);
      expect(j).toMatchObject({ lostEvents: true, lost: { lines, events, line }, steps: 2 });
    });
  }
});

describe('lines not understood are counted, --verbose lists 50 and counts the rest', () => {
  it('the whole perf script output after a trace-cmd report: 117 lines of no known kind in that dialect', async () => {
    const file = asFile(`${cut('trace-cmd-report.create.txt')}${readFileSync(`${CUTS}/perf-script.create.txt`, 'utf8').repeat(13)}`);
    const r = await cli(['check', file, '--kernel', '6.1.192', '--verbose']);
    expect(r.stdout).toContain('note: 117 line(s) of no known kind were skipped:');
    expect(r.stdout).toContain('  session.log:46:             sync   324 [000]   348.712506:');
    expect(r.stdout.match(/^ {2}session\.log:\d+: /gm)?.length).toBe(50);
    expect(r.stdout).toContain('  … and 67 more\n');
    expect(r.stdout).toContain('2 steps, 2 snapshots, 6 sections, 49 fields compared, 0 mismatches');
    const { j } = await checkJson(file);
    expect(j.unknownLines).toBe(117);
  });
});

describe('nothing compared: exit 2, naming what is missing', () => {
  it('probes of no step function and no secstate probe (trace-cmd report lines)', async () => {
    const r = await cli(['check', asFile(cut('trace-cmd-report.no-step.txt')), '--kernel', '6.1.192']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^\S+session\.log:1: error\[E_PARSE\]: 0 steps \(probes of arch_add_memory, memremap_pages, none of the step functions __add_pages, __remove_pages, move_pfn_range_to_zone, remove_pfn_range_from_zone, online_pages, offline_pages\), no section snapshots \(no secstateN snapshot probe lines\), no recorded returns, no nested calls, no WARN, no oops: nothing to compare\n {2}hint: /,
    );
  });
});
