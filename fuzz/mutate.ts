/**
 * The fuzzer's mutators: deterministic for a seed (bench/prng.ts's mulberry32). A mutation is a
 * list of steps, each a kind and its own seed, so a failing input can be replayed from its
 * description and minimized by dropping steps.
 */
import { mulberry32 } from '../verify/prng.js';
import type { Rng } from '../verify/prng.js';

/** The mutation kinds, in the order they are drawn from. */
export const MUTATION_KINDS = [
  'flip', 'insert', 'delete', 'line-delete', 'line-dup', 'line-swap', 'splice', 'repeat-line',
  'long-line', 'number', 'crlf', 'bom', 'nul', 'control', 'bad-utf8',
] as const;

/** One kind of mutation. */
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** One mutation step: its kind and the seed of its own random choices. */
export interface MutationStep {
  readonly kind: MutationKind;
  readonly seed: number;
}

/** Limits on what the mutators make (a short run keeps long lines shorter). */
export interface MutateLimits {
  /** Longest line the long-line mutator inserts (10^6 by default). */
  readonly longLine: number;
  /** Most times repeat-line repeats a line (10^4 by default). */
  readonly repeat: number;
}

/** Most bytes repeat-line makes an input grow to (64 MiB). */
export const MAX_INPUT = 64 * 1024 * 1024;

/** The limits of a full fuzz run. */
export const FULL_LIMITS: MutateLimits = { longLine: 1_000_000, repeat: 10_000 };

/** Numbers at the edges of what the readers parse (decimal, hex, float, non-numbers). */
export const BOUNDARY_NUMBERS = [
  '0', '-1', '1', '2147483647', '2147483648', '0x80000000', '4294967296', '4503599627370496', '0x10000000000000',
  '9007199254740993', '18446744073709551615', '0xffffffffffffffff', '18446744073709551616', '0x10000000000000000',
  '1e309', '-1e309', 'NaN', 'Infinity', '-0', '0x', '0x-1', '1_000', '99999999999999999999999999999999', '1.5', '0b101', '1G', '99999999999T',
];

/** Draw `n` mutation steps (1..3 when n is not given) from `rng`. */
export function drawSteps(rng: Rng, n = 1 + rng.int(3)): MutationStep[] {
  return Array.from({ length: n }, () => ({ kind: MUTATION_KINDS[rng.int(MUTATION_KINDS.length)] ?? 'flip', seed: rng.int(2 ** 31) }));
}

/** Apply the steps to `input` in order; `others` are the corpus's other inputs (for splice). */
export function applySteps(input: Buffer, steps: readonly MutationStep[], others: readonly Buffer[], limits: MutateLimits = FULL_LIMITS): Buffer {
  let b = input;
  for (const s of steps) b = mutateOnce(b, s, others, limits);
  return b;
}

/** A step list as text, e.g. `flip@123 long-line@9`. */
export function describeSteps(steps: readonly MutationStep[]): string {
  return steps.length === 0 ? 'unmutated' : steps.map((s) => `${s.kind}@${s.seed}`).join(' ');
}

/** Parse describeSteps' text back. */
export function parseSteps(text: string): MutationStep[] {
  if (text === 'unmutated') return [];
  return text.split(/\s+/).map((w) => {
    const [kind = '', seed = ''] = w.split('@');
    if (!(MUTATION_KINDS as readonly string[]).includes(kind) || !/^\d+$/.test(seed)) throw new RangeError(`not a mutation step: ${w}`);
    return { kind: kind as MutationKind, seed: Number(seed) };
  });
}

// --- internal ---

function mutateOnce(b: Buffer, step: MutationStep, others: readonly Buffer[], limits: MutateLimits): Buffer {
  const rng = mulberry32(step.seed);
  const at = (n: number): number => rng.int(n + 1);
  switch (step.kind) {
    case 'flip': {
      if (b.length === 0) return Buffer.from([rng.int(256)]);
      const out = Buffer.from(b);
      const i = rng.int(b.length);
      out[i] = (out[i] ?? 0) ^ (1 << rng.int(8));
      return out;
    }
    case 'insert': {
      const bytes = Buffer.from(Array.from({ length: 1 + rng.int(8) }, () => pick(rng, [rng.int(256), 0x20, 0x0a, 0x3d, 0x2d, 0x23, 0x22, 0x30 + rng.int(10)])));
      return splice(b, at(b.length), 0, bytes);
    }
    case 'delete': {
      const i = at(b.length);
      return splice(b, i, Math.min(b.length - i, 1 + rng.int(rng.int(4) === 0 ? 200 : 8)), Buffer.alloc(0));
    }
    case 'line-delete':
    case 'line-dup':
    case 'line-swap':
    case 'splice':
    case 'repeat-line':
    case 'long-line':
      return lineMutation(b, step.kind, rng, others, limits);
    case 'number': {
      const text = b.toString('latin1');
      const nums = [...text.matchAll(/0x[0-9a-fA-F]+|\d+/g)];
      const m = nums.length ? nums[rng.int(nums.length)] : undefined;
      const by = Buffer.from(pick(rng, BOUNDARY_NUMBERS), 'latin1');
      return m === undefined || m.index === undefined ? splice(b, at(b.length), 0, by) : splice(b, m.index, m[0].length, by);
    }
    case 'crlf':
      return Buffer.from(b.toString('latin1').replace(/\n/g, rng.int(4) === 0 ? '\r' : '\r\n'), 'latin1');
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]);
    case 'nul':
      return splice(b, at(b.length), 0, Buffer.alloc(1 + rng.int(3)));
    case 'control':
      return splice(b, at(b.length), 0, Buffer.from(pick(rng, ['\x1b[31m', '\x1b]0;x\x07', '\b\b', '\f', '\v', '\x7f', '\u2028', '\u202e', '\t\t', '\r']), 'utf8'));
    case 'bad-utf8':
      return splice(b, at(b.length), 0, Buffer.from(pick(rng, [[0xff], [0xfe, 0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]])));
  }
}

function lineMutation(b: Buffer, kind: MutationKind, rng: Rng, others: readonly Buffer[], limits: MutateLimits): Buffer {
  const lines = b.toString('latin1').split('\n');
  const i = rng.int(lines.length);
  const line = lines[i] ?? '';
  switch (kind) {
    case 'line-delete':
      lines.splice(i, 1 + (rng.int(4) === 0 ? rng.int(10) : 0));
      break;
    case 'line-dup':
      lines.splice(i, 0, line);
      break;
    case 'line-swap': {
      const j = rng.int(lines.length);
      lines[i] = lines[j] ?? '';
      lines[j] = line;
      break;
    }
    case 'splice': {
      const other = others.length ? (others[rng.int(others.length)] ?? b) : b;
      const from = other.toString('latin1').split('\n');
      const k = rng.int(from.length);
      lines.splice(i, rng.int(2), ...from.slice(k, k + 1 + rng.int(5)));
      break;
    }
    case 'repeat-line': {
      // Stacked on a long line, 10^4 copies would not fit in a string: at most MAX_INPUT bytes.
      const n = Math.max(1, Math.min(limits.repeat, pick(rng, [100, 1000, 10_000]), Math.floor(MAX_INPUT / (line.length + 1))));
      lines.splice(i, 1, ...Array.from({ length: n }, () => line));
      break;
    }
    case 'long-line': {
      const n = Math.min(limits.longLine, pick(rng, [100_000, 300_000, 1_000_000]));
      const unit = pick(rng, [' ', '9', '-', '[', '(', 'f', '0x1-', '=', '"']);
      const fill = unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
      const where = rng.int(3);
      // A whole new line, the line stretched at its end, or the fill inside it.
      if (where === 0) lines.splice(i, 0, fill);
      else if (where === 1) lines[i] = line + fill;
      else {
        const c = rng.int(line.length + 1);
        lines[i] = line.slice(0, c) + fill + line.slice(c);
      }
      break;
    }
    default:
      break;
  }
  return Buffer.from(lines.join('\n'), 'latin1');
}

function splice(b: Buffer, at: number, remove: number, insert: Buffer): Buffer {
  return Buffer.concat([b.subarray(0, at), insert, b.subarray(at + remove)]);
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}
