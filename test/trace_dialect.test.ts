/**
 * The trace dialects (inputs/trace/dialect.ts): tracefs `trace` / `trace_pipe`, `trace-cmd report`
 * and `perf script`, told apart by content; probes under default names with bare-address sites;
 * lost events in each tool's form; the unknown-line listing; "nothing compared". A recorded run
 * (6.12 dimm_hotplug) is printed again the way each tool prints a line (their printf formats:
 * tracecmd/trace-read.c, tools/perf/builtin-script.c) and must check the same; the outputs of the
 * real tools are read in test/trace_formats.test.ts.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { detectDialect } from '../inputs/trace/dialect.js';
import { probedFunction } from '../inputs/trace/probe_names.js';
import { readTrace } from '../inputs/trace/index.js';
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

describe('the dialect is told from the lines, not the file name', () => {
  const ftrace = '            init-1       [001] .....     5.706246: tracing_mark_write: LAB_STEP d1';
  const tc = '            init-1     [001]     5.706246: print:                tracing_mark_write: LAB_STEP d1';
  const perf = '            sync   742 [000]     5.778324: probe:secstate0: (ffffffff8139e3f4) vmb=0xffd4000000000000';
  it('each tool', () => {
    expect(detectDialect(['# tracer: nop', ftrace])).toBe('ftrace');
    expect(detectDialect([ftrace])).toBe('ftrace');
    expect(detectDialect([tc])).toBe('trace-cmd');
    expect(detectDialect(['cpus=2', '            init-1     [001]     5.706246: a_name_of_twenty_chr: x'])).toBe('trace-cmd');
    expect(detectDialect(['    init-1       1 .....  5.706246: print:                tracing_mark_write: x'])).toBe('trace-cmd');
    expect(detectDialect([perf])).toBe('perf');
    expect(detectDialect(['just text', 'add 0x1000'])).toBeNull();
  });
});

describe('the function of a probe whose site is a bare address comes from the event name', () => {
  it('kprobe_events default names, perf probe names, memhp probes names', () => {
    expect(probedFunction('p___remove_pages_0')).toBe('__remove_pages');
    expect(probedFunction('r___add_pages_0')).toBe('__add_pages');
    expect(probedFunction('__add_pages__return')).toBe('__add_pages');
    expect(probedFunction('online_pages_ret')).toBe('online_pages');
    expect(probedFunction('__add_pages')).toBe('__add_pages');
  });

  it('p___remove_pages_0: (ffffffff81235000) is a __remove_pages entry, not dropped', () => {
    const t = '# tracer: nop\n   kworker/u8:3-119     [000] .....     5.84: p___remove_pages_0: (ffffffff81235000) pfn=0x100000 nr_pages=0x8000 altmap=0x0\n';
    const d = readTrace(t, 't.txt');
    if (!d.ok) throw new Error('unreadable');
    expect(d.value.records[0]).toMatchObject({ kind: 'entry', name: '__remove_pages', site: { func: 'ffffffff81235000' } });
    expect(d.value.unknown).toEqual([]);
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
  const forms: Array<[string, (t: string) => string, number | null]> = [
    ['tracefs', (t) => `${t}CPU:1 [LOST 12 EVENTS]\n`, 12],
    ['trace-cmd', (t) => `${traceCmd(t)}CPU:1 [12 EVENTS DROPPED]\nCPU:0 [3 EVENTS DROPPED]\n`, 15],
    ['trace-cmd without a count', (t) => `${traceCmd(t)}CPU:1 [EVENTS DROPPED]\n`, null],
    ['perf script --show-lost-events', (t) => `${perfScript(t)}            perf  1234 [001]     9.000000: PERF_RECORD_LOST lost 7\n`, 7],
  ];
  for (const [name, rewrite, events] of forms) {
    it(name, async () => {
      const file = rewritten(RUN_612, rewrite);
      const r = await cli(['check', file, '--json']);
      const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => /LOST|DROPPED/.test(l)) + 1;
      expect(r.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}: warning: the trace lost ${events === null ? 'events' : `${events} events`} (here|in 2 places, the first here): calls may be missing from the steps\n$`));
      const j = JSON.parse(r.stdout) as { lostEvents: boolean; lost: { lines: number; events: number | null; line: number } };
      expect(j.lostEvents).toBe(true);
      expect(j.lost).toMatchObject({ events, line });
    });
  }
});

describe('lines not understood are counted, --verbose lists 50 and counts the rest', () => {
  it('60 foreign lines', async () => {
    const file = rewritten(RUN_612, (t) => `${traceCmd(t)}${Array.from({ length: 60 }, (_, i) => `foreign line ${i}\n`).join('')}`);
    const r = await cli(['check', file, '--verbose']);
    expect(r.stdout).toContain('note: 60 line(s) of no known kind were skipped:');
    expect(r.stdout).toContain('foreign line 49\n');
    expect(r.stdout).not.toContain('foreign line 50\n');
    expect(r.stdout).toContain('  … and 10 more\n');
    expect(r.stdout).toContain(SUMMARY_612);
  });
});

describe('nothing compared: exit 2, naming what is missing', () => {
  it('probes of no step function and no secstate probe', async () => {
    const file = rewritten(RUN_612, (t) =>
      traceCmd(t)
        .split('\n')
        .filter((l) => /(p|r)_(arch_add_memory|try_remove_memory|vmemmap_free)_0:/.test(l) || l.startsWith('cpus='))
        .join('\n')
        .concat('\n'),
    );
    const r = await cli(['check', file, '--kernel', '6.12.95']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(': error[E_PARSE]: 0 steps (probes of arch_add_memory, try_remove_memory, vmemmap_free, none of the step functions __add_pages, __remove_pages, move_pfn_range_to_zone, remove_pfn_range_from_zone, online_pages, offline_pages), no section snapshots (no secstateN snapshot probe lines),');
  });
});
