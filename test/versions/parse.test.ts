/**
 * Version strings (kernel/versions.ts parseVersion, kernel/profile.ts resolveProfile): any
 * mainline X.Y from 5.2 on (5.x ends at 5.19), any stable X.Y.Z, and `newest`; and the change set
 * a stable release picks up from its series' backports (kernel-semantics.md §3 stable table).
 */
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../kernel/profile.js';
import { CHANGES, parseVersion } from '../../kernel/versions.js';
import { profileOf } from '../helpers/model.js';

const ids = (kernel: string): string[] => [...profileOf(kernel).changes].sort();

describe('kernel version strings', () => {
  it.each(['5.2', '5.10', '5.10.223', '6.1.192', '6.12.95', '7.3', '7.3.4', 'newest'])('accepts %j', (kernel) => {
    const r = resolveProfile({ kernel });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.profile.kernel).toBe(kernel);
  });

  it.each(['4.19', '5.20', 'x', ''])('refuses %j with a message', (kernel) => {
    const r = resolveProfile({ kernel });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain(`kernel ${kernel} `);
      expect(r.message).toMatch(/not a release memhp models/);
    }
  });

  it('5.2 has no change at all (the model without SUBSECTION); 5.3 has exactly SUBSECTION', () => {
    expect(ids('5.2')).toEqual([]);
    expect(ids('5.3')).toEqual(['SUBSECTION']);
  });

  it('6.1 and 6.1.0 are the same release', () => {
    expect(ids('6.1.0')).toEqual(ids('6.1'));
  });

  it('6.1.192 = 6.1 + the backports F14, F15 and PHYSMEM_END; 6.1.0 has neither F14 nor F15', () => {
    const base = new Set(ids('6.1'));
    expect(ids('6.1.192')).toEqual([...base, 'F14', 'F15', 'PHYSMEM_END'].sort());
    expect(base.has('F14')).toBe(false);
    expect(base.has('F15')).toBe(false);
    expect(ids('6.1.0')).not.toContain('F14');
    expect(ids('6.1.0')).not.toContain('F15');
  });

  it('newest is 7.3: every change, 6.12.95 every one but the 7.3 rows; nothing after 7.3 is a release', () => {
    const newest = ids('newest');
    expect(newest).toEqual(ids('7.3.4'));
    expect(newest).toEqual(CHANGES.map((c) => c.id).sort());
    expect(ids('6.12.95').every((id) => newest.includes(id))).toBe(true);
    expect(newest.filter((id) => !ids('6.12.95').includes(id))).toEqual(CHANGES.filter((c) => c.version === '7.3').map((c) => c.id).sort());
    expect(parseVersion('7.4')).toBeUndefined();
    expect(parseVersion('8.0')).toBeUndefined();
  });
});
