/** Text from an input file made safe to print on a terminal. */

/** Control characters (NUL, ESC, CR …; not tab or newline) escaped as \\uXXXX, the rest kept: for messages that quote input. */
export function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A whole input line: every control and non-ASCII character escaped (\\uXXXX), cut to `max` characters. */
export function printable(text: string, max = 120): string {
  const t = JSON.stringify(text).slice(1, -1).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}
