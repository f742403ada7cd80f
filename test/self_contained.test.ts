/**
 * The repository is self-contained: no tracked text file (code, tests, docs, examples, CI) names the
 * shared folder beside the repository (dot-dot, slash, shared) or an absolute path of a machine.
 * System paths the kernel or the OS owns (/proc/iomem, /dev/zero, /usr/bin/chromium …) are allowed
 * by an explicit list, SYSTEM_PATHS in test/helpers/self_contained.ts. Test data (test/fixtures/: recorded kernel traces, which hold the
 * recording machine's paths) and package-lock.json (npm's) are not scanned.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding, scanText, SYSTEM_PATHS, VERIFY_PATHS } from './helpers/self_contained.js';
import { ROOT } from './helpers/cli.js';

/** The tracked files scanned: every text file but test data, the lockfile and verify/guest/ (it runs inside the QEMU guest: its paths are the guest's). */
function trackedTextFiles(): Array<{ file: string; text: string }> {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter((f) => f !== '');
  return files
    .filter((f) => !f.startsWith('test/fixtures/') && !f.startsWith('verify/guest/') && f !== 'package-lock.json')
    .map((f) => ({ file: f, bytes: readFileSync(join(ROOT, f)) }))
    .filter((f) => !f.bytes.includes(0))
    .map((f) => ({ file: f.file, text: f.bytes.toString('utf8') }));
}

// The forbidden strings are assembled here, so this file does not name them itself.
const SHARED = `..${'/'}shared`;
const slash = (...parts: string[]): string => `/${parts.join('/')}`;

describe('self-containment', () => {
  it('the scanner names file:line for each injected path, and passes system paths and relative ones', () => {
    const text = [
      'const ok = "examples/seed.scn";',
      `readFileSync('${SHARED}/traces/x');`,
      `const home = '${slash('home', 'me', 'memhp')}';`,
      `-o ${slash('tmp', 'never.scn')}`,
      `cd ${slash('work', 'main')} && npm test`,
      `see ${slash('Users', 'me', 'x.ts')}.`,
      `copy of ${slash('proc', 'iomem')}, ${slash('dev', 'zero')} and ${slash('usr', 'bin', 'chromium')}.`,
      'copyFileSync(`${dir}/run.json`); dist/tmp/x; https://example.org/home/page',
      `C:${'\\'}Users${'\\'}me and e:${'\\'}n`,
      `escape ${slash('proc', 'iomem', '..', 'home')}`,
    ].join('\n');
    expect(scanText('synthetic.ts', text).map(formatFinding)).toEqual([
      `synthetic.ts:2: reads the shared folder beside the repository: ${SHARED}`,
      `synthetic.ts:3: an absolute path: ${slash('home', 'me', 'memhp')}`,
      `synthetic.ts:4: an absolute path: ${slash('tmp', 'never.scn')}`,
      `synthetic.ts:5: an absolute path: ${slash('work', 'main')}`,
      `synthetic.ts:6: an absolute path: ${slash('Users', 'me', 'x.ts')}.`,
      `synthetic.ts:9: a Windows drive path: C:${'\\'}U`,
      `synthetic.ts:10: an absolute path: ${slash('proc', 'iomem', '..', 'home')}`,
    ]);
  });

  it('the allowed system paths are a short explicit list, none of them a checkout', () => {
    expect(SYSTEM_PATHS.length).toBeLessThanOrEqual(12);
    for (const p of SYSTEM_PATHS) expect(p, p).toMatch(/^\/(proc|sys|dev|boot|usr\/bin|bin|etc)\//);
    // memhp verify's: system locations of a kernel, its programs and the guest's own paths, never a home or work directory.
    expect(VERIFY_PATHS.length).toBeLessThanOrEqual(24);
    for (const p of VERIFY_PATHS) expect(p, p).toMatch(/^\/(lib|usr|sys|dev|bin|sbin|etc|proc|init|memhp)\b/);
  });

  it('no tracked text file names the shared folder beside the repository or an absolute path (file:line of each)', () => {
    const files = trackedTextFiles();
    expect(files.map((f) => f.file)).toEqual(expect.arrayContaining(['README.md', 'package.json', '.ci/run', 'test/layers.test.ts']));
    expect(files.flatMap((f) => scanText(f.file, f.text)).map(formatFinding)).toEqual([]);
  });
});
