/**
 * Line lexing shared by the scenario and /proc/iomem parsers: comment stripping, tokenizing with
 * double-quoted strings, `key=value` options, and the `Problem` value a line parser returns before
 * the caller attaches the file and line.
 */
import type { MemhpError } from '../kernel/errors.js';

/** An error about one line, before the caller names the file and line. */
export type Problem = Pick<MemhpError, 'code' | 'message' | 'hint'>;

/** A value, or the problem with the line that should have produced it. */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: Problem };

/** A successful Checked value. */
export function okv<T>(value: T): Checked<T> {
  return { ok: true, value };
}

/** A failed Checked value. */
export function fail<T = never>(code: Problem['code'], message: string, hint?: string): Checked<T> {
  return { ok: false, problem: hint === undefined ? { code, message } : { code, message, hint } };
}

/** One whitespace-separated word of a line; `quoted` when it was a "double-quoted string". */
export interface Token {
  readonly text: string;
  readonly quoted: boolean;
}

/** The line without its `#` comment; a `#` inside a double-quoted string does not start one. */
export function stripComment(line: string): string {
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inQuote && c === '\\') i++;
    else if (c === '"') inQuote = !inQuote;
    else if (c === '#' && !inQuote) return line.slice(0, i);
  }
  return line;
}

/** Split a comment-free line into tokens; a token starting with `"` runs to the closing quote. */
export function tokenize(text: string): Checked<Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) return fail('E_PARSE', `unterminated string: ${text.slice(i)}`, 'close the string with a double quote');
        const d = text[j] as string;
        if (d === '"') break;
        if (d === '\\') {
          const e = text[j + 1];
          if (e !== '"' && e !== '\\') {
            return fail('E_PARSE', `unknown escape \\${e ?? ''} in string`, 'only \\" and \\\\ are escapes inside a string');
          }
          value += e;
          j += 2;
        } else {
          value += d;
          j++;
        }
      }
      const after = text[j + 1];
      if (after !== undefined && !/\s/.test(after)) {
        return fail('E_PARSE', `text right after a closing quote: ${text.slice(i)}`, 'separate words with spaces');
      }
      tokens.push({ text: value, quoted: true });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j] as string)) j++;
    const word = text.slice(i, j);
    if (word.includes('"')) {
      return fail('E_PARSE', `stray double quote in ${word}`, 'a string must be its own word: "like this"');
    }
    tokens.push({ text: word, quoted: false });
    i = j;
  }
  return okv(tokens);
}

/** `key=value` options by key, in the order written. */
export type Options = ReadonlyMap<string, string>;

/** Parse `key=value` tokens, allowing only `allowed` keys, each at most once. */
export function parseOptions(tokens: readonly Token[], allowed: readonly string[], what: string): Checked<Map<string, string>> {
  const out = new Map<string, string>();
  for (const tok of tokens) {
    const eq = tok.text.indexOf('=');
    if (tok.quoted || eq <= 0) {
      const takes = allowed.length > 0 ? `${what} takes ${allowed.map((k) => `${k}=`).join(' ')} (no spaces around =)` : `${what} takes no key=value options`;
      return fail('E_PARSE', `expected key=value, got "${tok.text}"`, takes);
    }
    const key = tok.text.slice(0, eq);
    const value = tok.text.slice(eq + 1);
    if (!allowed.includes(key)) {
      return fail('E_PARSE', `unknown key ${key} for ${what}`, allowed.length > 0 ? `${what} takes ${allowed.map((k) => `${k}=`).join(' ')}` : `${what} takes no key=value options`);
    }
    if (out.has(key)) return fail('E_PARSE', `duplicate key ${key}`, `give ${key}= once`);
    if (value === '') return fail('E_PARSE', `key ${key} has no value`, `write ${key}=VALUE with no spaces around =`);
    out.set(key, value);
  }
  return okv(out);
}

/** Levenshtein distance, for "did you mean" hints; with `max`, any distance above it is returned as max + 1 without computing it (an input word may be 10^6 characters long). */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost));
    }
    prev = cur;
  }
  return prev[b.length] as number;
}
