/**
 * Quoting for the POSIX sh scripts memhp writes into a guest (plan.sh): one word, whatever it holds.
 */

/** `text` as one single-quoted sh word (control characters replaced by spaces). */
export function shellWord(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return `'${clean.replace(/'/g, `'\\''`)}'`;
}
