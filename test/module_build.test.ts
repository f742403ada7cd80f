/**
 * verify/module_build.ts without a kernel: where the guest source is found, the one-line E_ENV
 * errors for missing headers or a missing compiler, and the error line picked from build output.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildGuestModule, firstErrorLine, guestSourceDir } from '../verify/module_build.js';

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});
function temp(): string {
  const t = mkdtempSync(join(tmpdir(), 'memhp-module-build-test-'));
  temps.push(t);
  return t;
}

describe('buildGuestModule', () => {
  it('finds verify/guest from the module file, and from a folder below the package root', () => {
    const dir = guestSourceDir();
    expect(dir).not.toBeNull();
    expect(existsSync(join(dir ?? '', 'memhp_guest.c'))).toBe(true);
    expect(guestSourceDir(join(dir ?? '', '..', '..', 'dist', 'verify'))).toBe(dir);
    expect(guestSourceDir(tmpdir())).toBeNull();
  });

  it('gives one E_ENV line naming the folder when the headers are missing', () => {
    const missing = join(temp(), 'no-such-headers');
    const r = buildGuestModule({ headers: missing, outDir: temp() });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('E_ENV');
    expect(r.message).toContain(missing);
    expect(r.message).toMatch(/kernel headers not found/);
    expect(r.message).not.toContain('\n');
  });

  it('gives one E_ENV line when the compiler is not there', () => {
    // a folder with a Makefile passes the headers check; the compiler check comes next
    const fake = temp();
    writeFileSync(join(fake, 'Makefile'), '');
    const r = buildGuestModule({ headers: fake, cc: 'memhp-no-such-gcc-99', outDir: temp() });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('E_ENV');
    expect(r.message).toMatch(/compiler memhp-no-such-gcc-99 not found/);
  });
});

describe('firstErrorLine', () => {
  it('picks the compiler error over make\'s summary lines', () => {
    const out = [
      'make: Entering directory',
      'build/memhp_guest.c:12:3: error: implicit declaration of function foo',
      'make[2]: *** [scripts/Makefile.build:250: memhp_guest.o] Error 1',
    ].join('\n');
    expect(firstErrorLine(out)).toBe('build/memhp_guest.c:12:3: error: implicit declaration of function foo');
  });
  it('falls back to make\'s *** line, then the last line', () => {
    expect(firstErrorLine('a\nmake: *** No rule to make target modules.  Stop.\n')).toBe('make: *** No rule to make target modules.  Stop.');
    expect(firstErrorLine('one\ntwo\n')).toBe('two');
  });
});
