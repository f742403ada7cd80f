/** The colour of a section's machine state in terminal text. */
import type { SectionStateValue } from '../kernel/types.js';
import type { Colors } from './colors.js';

/** Colour for a machine state: early cyan, partial yellow, full-hotplug green, absent dim. */
export function stateColor(c: Colors, s: SectionStateValue): (t: string) => string {
  if (s.startsWith('early')) return c.cyan;
  if (s === 'partial') return c.yellow;
  if (s === 'full-hotplug') return c.green;
  return c.dim;
}
