/**
 * test/helpers/browser.ts finds the chromium the browser tests drive as `which` does: the first
 * executable file of that name on PATH, before Debian's /usr/bin/chromium.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath } from '../helpers/browser.js';

const DIR = mkdtempSync(join(tmpdir(), 'memhp-path-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/** A directory under DIR holding `files` (name → executable?). */
function dir(name: string, files: Record<string, boolean>): string {
  const d = join(DIR, name);
  mkdirSync(d, { recursive: true });
  for (const [f, exec] of Object.entries(files)) {
    writeFileSync(join(d, f), '#!/bin/sh\n');
    chmodSync(join(d, f), exec ? 0o755 : 0o644);
  }
  return d;
}

describe('findOnPath', () => {
  it('returns the first executable file of that name, in PATH order, skipping empty entries', () => {
    const a = dir('a', { other: true });
    const b = dir('b', { chromium: true });
    const c = dir('c', { chromium: true });
    expect(findOnPath('chromium', ['', a, b, c].join(delimiter))).toBe(join(b, 'chromium'));
    expect(findOnPath('chromium', [c, b].join(delimiter))).toBe(join(c, 'chromium'));
  });

  it('skips a file that is not executable and a directory of that name; undefined when none is found', () => {
    const plain = dir('plain', { chromium: false });
    const asDir = dir('asdir', {});
    mkdirSync(join(asDir, 'chromium'));
    const good = dir('good', { chromium: true });
    expect(findOnPath('chromium', [plain, asDir, good].join(delimiter))).toBe(join(good, 'chromium'));
    expect(findOnPath('chromium', [plain, asDir, join(DIR, 'missing')].join(delimiter))).toBeUndefined();
    expect(findOnPath('chromium', '')).toBeUndefined();
  });
});
