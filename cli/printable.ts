/** Text from an input file made safe to print on a terminal. */

/** Control and non-ASCII characters escaped (\\uXXXX), cut to `max` characters. */
export function printable(text: string, max = 120): string {
  const t = JSON.stringify(text).slice(1, -1).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}
