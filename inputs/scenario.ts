/**
 * The scenario parser: reads a line-oriented scenario file (header, boot layout, operations and
 * their expectations; docs/scenario-format.md) into a `Scenario`, or every error found (up to 20).
 * It never throws for user input and never returns half a scenario.
 */
import { dirname, isAbsolute, join } from 'node:path';
import type { Failed } from '../kernel/errors.js';
import { ARCH_NAMES, type Geometry } from '../kernel/geometry.js';
import { parseExpect } from './expect.js';
import { parseIomemLines, type IomemLine } from './iomem.js';
import { parseOptions, stripComment, tokenize, type Problem, type Token } from './lexer.js';
import { checkLineLength, MAX_BOOT_RANGES, MAX_STEPS } from './limits.js';
import { runBoundsErrors } from './operation_bounds.js';
import { hex } from './numbers.js';
import { isOperationWord, parseOperation, unknownOperation } from './operations.js';
import { checkSpan, nidOpt, parseByteRange } from './ranges.js';
import type { BootRange, IomemResource, SourceLoc } from '../kernel/operation.js';
import type { ExpectLine, InputError, Result, Scenario, ScenarioStep } from './types.js';

/** Reads a file named in a scenario (`iomem FILE`), given the path as written. */
export type ReadFile = (path: string) => { ok: true; text: string } | Failed;

/** Options of parseScenario. */
export interface ParseScenarioOptions {
  readonly geometry: Geometry;
  readonly readFile?: ReadFile;
}

/** At most this many errors are reported. */
export const MAX_ERRORS = 20;

/** Words of the header and boot layout, allowed only before the first operation. */
const BOOT_WORDS = ['kernel', 'arch', 'ram', 'iomem'];
/** Architectures memhp models (kernel/geometry.ts). */
const ARCHES = ARCH_NAMES;
const RAM_USAGE = 'ram START-END [nid=N] | ram START SIZE [nid=N]';

/** One boot RAM range in bytes (exclusive end) with where it was written. */
interface Ram {
  readonly start: bigint;
  readonly end: bigint;
  readonly nid: number;
  readonly source: SourceLoc;
}

type MutableStep = Omit<ScenarioStep, 'expects'> & { expects: ExpectLine[] };

/** Parse a scenario file's text; `file` names it in errors and source locations. */
export function parseScenario(text: string, file: string, opts: ParseScenarioOptions): Result<Scenario> {
  const g = opts.geometry;
  const errors: InputError[] = [];
  const report = (f: string, line: number, p: Problem): void => {
    if (errors.length < MAX_ERRORS) errors.push({ ...p, file: f, line });
  };
  let phase: 'header' | 'boot' | 'ops' = 'header';
  let kernel: { value: string; line: number } | null = null;
  let arch: { value: string; line: number } | null = null;
  let bootSource: SourceLoc | null = null;
  const rams: Ram[] = [];
  const iomem: IomemResource[] = [];
  const bootExpects: ExpectLine[] = [];
  const steps: MutableStep[] = [];

  /** Record one boot RAM range after the overlap check. */
  const addRam = (ram: Ram): void => {
    if (ram.end <= ram.start) return;
    if (rams.length >= MAX_BOOT_RANGES) {
      report(ram.source.file, ram.source.line, { code: 'E_LIMIT', message: `more than ${MAX_BOOT_RANGES} boot RAM ranges: memhp reads at most ${MAX_BOOT_RANGES} (its own limit)`, hint: 'merge adjacent ranges into one ram line' });
      return;
    }
    const other = rams.find((r) => r.start < ram.end && ram.start < r.end);
    if (other !== undefined) {
      const where = other.source.file === ram.source.file ? `line ${other.source.line}` : `${other.source.file}:${other.source.line}`;
      report(ram.source.file, ram.source.line, {
        code: 'E_RANGE',
        message: `RAM ${span(ram)} overlaps RAM ${span(other)} (${where})`,
        hint: 'boot RAM ranges must not overlap',
      });
      return;
    }
    rams.push(ram);
  };

  /** Take in parsed /proc/iomem lines: keep them all, top-level System RAM becomes boot RAM. */
  const addIomem = (lines: readonly IomemLine[], f: string): void => {
    for (const { resource: r, line } of lines) {
      iomem.push(r);
      if (r.depth !== 0 || r.name !== 'System RAM') continue;
      const start = BigInt(r.start);
      const end = BigInt(r.end) + 1n;
      const c = checkSpan(g, 'byte', `System RAM start ${hex(r.start)}`, start, `System RAM end ${hex(r.end)} + 1`, end - start, 'boot');
      if (!c.ok) report(f, line, c.problem);
      else addRam({ start, end, nid: 0, source: { file: f, line } });
    }
  };

  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && errors.length < MAX_ERRORS; i++) {
    const line = i + 1;
    const here = (p: Problem): void => report(file, line, p);
    const long = checkLineLength(lines[i] ?? '');
    if (!long.ok) {
      here(long.problem);
      continue;
    }
    const body = stripComment(lines[i] ?? '').trim();
    if (body === '') continue;
    const toks = tokenize(body);
    if (!toks.ok) {
      here(toks.problem);
      continue;
    }
    const [head, ...args] = toks.value as [Token, ...Token[]];
    const word = head.quoted ? `"${head.text}"` : head.text;
    const inlineBlock = word === 'iomem' && args.length === 0;
    let blockEnd = -1;
    if (inlineBlock) {
      blockEnd = lines.findIndex((l, j) => j > i && stripComment(l).trim() === 'end');
      if (blockEnd < 0) {
        bootSource ??= { file, line };
        here({ code: 'E_PARSE', message: 'inline iomem block has no closing `end` line', hint: 'write the /proc/iomem lines after `iomem`, then a line `end`' });
        break;
      }
    }
    if (BOOT_WORDS.includes(word) && phase === 'ops') {
      here({
        code: 'E_PARSE',
        message: `${word}: boot layout must come before the first operation`,
        hint: 'move kernel, arch, ram and iomem lines above the first operation',
      });
      if (inlineBlock) i = blockEnd;
      continue;
    }
    switch (word) {
      case 'kernel':
      case 'arch': {
        const prev = word === 'kernel' ? kernel : arch;
        const value = args[0]?.text;
        if (value === undefined || args.length > 1) {
          here({ code: 'E_PARSE', message: `${word} takes one word`, hint: word === 'kernel' ? 'write: kernel 5.3' : 'write: arch x86_64' });
        } else if (prev !== null) {
          here({ code: 'E_PARSE', message: `${word} given twice (first at line ${prev.line})`, hint: `keep one ${word} line` });
        } else if (word === 'kernel') {
          kernel = { value, line };
        } else if (!ARCHES.includes(value)) {
          here({
            code: 'E_USAGE',
            message: `arch ${value} is not modelled (geometry in use: ${g.name})`,
            hint: `memhp models ${ARCHES.join(', ')}: write one of them (and pass the same --arch) or leave the line out`,
          });
        } else if (value !== g.name) {
          here({
            code: 'E_USAGE',
            message: `arch ${value} does not match the geometry in use (${g.name})`,
            hint: `pass --arch ${value} to run this file, or write arch ${g.name} or leave the line out`,
          });
        } else {
          arch = { value, line };
        }
        break;
      }
      case 'ram': {
        bootSource ??= { file, line };
        phase = 'boot';
        const words = args.map((t) => t.text);
        const r = parseByteRange(g, words, RAM_USAGE, 'boot');
        if (!r.ok) {
          here(r.problem);
          break;
        }
        const o = parseOptions(args.slice(r.value.used), ['nid'], 'ram');
        const nid = o.ok ? nidOpt(o.value) : o;
        if (!nid.ok) here(nid.problem);
        else addRam({ ...r.value.range, nid: nid.value, source: { file, line } });
        break;
      }
      case 'iomem': {
        bootSource ??= { file, line };
        phase = 'boot';
        if (inlineBlock) {
          const block = lines.slice(i + 1, blockEnd).join('\n');
          const parsed = parseIomemLines(block, file, i + 2);
          if (!parsed.ok) parsed.errors.forEach((e) => report(e.file, e.line, e));
          else addIomem(parsed.value, file);
          i = blockEnd;
          break;
        }
        const path = args[0]?.text ?? '';
        if (args.length > 1) {
          here({ code: 'E_PARSE', message: 'iomem takes one file name', hint: 'write `iomem FILE`, or `iomem` alone to start an inline block ended by `end`' });
        } else if (opts.readFile === undefined) {
          here({ code: 'E_IO', message: `cannot read iomem file ${path}: no file reader available`, hint: 'inline the /proc/iomem lines between `iomem` and `end`' });
        } else {
          const read = opts.readFile(path);
          const shown = isAbsolute(path) ? path : join(dirname(file), path);
          if (!read.ok) {
            here({ code: read.code, message: `cannot read iomem file ${path}: ${read.message}`, hint: 'the path is relative to the scenario file' });
            break;
          }
          const parsed = parseIomemLines(read.text, shown, 1);
          if (!parsed.ok) parsed.errors.forEach((e) => report(e.file, e.line, e));
          else addIomem(parsed.value, shown);
        }
        break;
      }
      case 'end':
        here({ code: 'E_PARSE', message: '`end` without an inline iomem block', hint: 'an inline block starts with a line `iomem` alone' });
        break;
      case 'expect': {
        if (phase === 'header') {
          here({
            code: 'E_PARSE',
            message: 'expect before the boot layout: there is no state to check yet',
            hint: 'put expect lines after the ram/iomem lines (checked against the boot state) or after an operation',
          });
          break;
        }
        const e = parseExpect(g, args);
        if (!e.ok) here(e.problem);
        else (phase === 'boot' ? bootExpects : (steps.at(-1)?.expects ?? [])).push({ expect: e.value, source: { file, line }, text: body });
        break;
      }
      default: {
        if (!isOperationWord(word)) {
          const u = unknownOperation(word, [...BOOT_WORDS, 'expect']);
          if (!u.ok) here(u.problem);
          break;
        }
        phase = 'ops';
        if (steps.length >= MAX_STEPS) {
          here({ code: 'E_LIMIT', message: `more than ${MAX_STEPS} operations: memhp runs at most ${MAX_STEPS} steps from one scenario (its own limit)`, hint: 'split the scenario, or shrink it to the steps that matter (memhp shrink)' });
          i = lines.length;
          break;
        }
        const op = parseOperation(g, word, args);
        if (!op.ok) here(op.problem);
        else steps.push({ op: op.value.op, inject: op.value.inject, source: { file, line }, text: body, expects: [] });
      }
    }
  }

  const ranges: BootRange[] = rams
    .map((r) => ({ startPfn: ceilDiv(r.start, g.PAGE_SIZE), endPfn: Number(r.end / BigInt(g.PAGE_SIZE)), nid: r.nid }))
    .filter((r) => r.startPfn < r.endPfn)
    .sort((a, b) => a.startPfn - b.startPfn);
  if (ranges.length === 0 && (bootSource === null || errors.length === 0) && errors.length < MAX_ERRORS) {
    const zeroed = iomem.some((r) => r.name === 'System RAM' && r.start === 0 && r.end === 0);
    errors.push({
      code: 'E_PARSE',
      message: bootSource === null ? 'no boot RAM: a scenario needs at least one RAM range' : 'no boot RAM: the boot layout has no ram range or top-level System RAM of at least one page',
      file,
      line: 1,
      hint: zeroed
        ? '/proc/iomem read without root shows every address as 0: copy it as root (sudo cat /proc/iomem)'
        : 'add a line such as `ram 0x100000000-0x1ffffffff` (bytes, inclusive end), `ram 4G 4G`, or `iomem FILE` with a System RAM line',
    });
  }
  for (const e of runBoundsErrors(g, { ranges, source: bootSource }, steps)) report(e.file, e.line, e);
  if (errors.length > 0 || bootSource === null) return { ok: false, errors };
  return {
    ok: true,
    value: { file, kernel: kernel?.value ?? null, ...(kernel ? { kernelLine: kernel.line } : {}), boot: { ranges, iomem, source: bootSource }, bootExpects, steps },
  };
}

function ceilDiv(n: bigint, d: number): number {
  const b = BigInt(d);
  return Number((n + b - 1n) / b);
}

function span(r: Ram): string {
  return `${hex(r.start)}-${hex(r.end - 1n)}`;
}
