/**
 * `--kernel` takes a release as users have it at hand: `uname -r` (`6.1.0-56-amd64`,
 * `7.3.4+deb13-amd64`) and a tag (`v6.1`), as well as `6.1.192` / `6.1` / `newest`; the profile then
 * names the version memhp models (`6.1.192`, `6.1`), the same one a trace of that kernel gets.
 */
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../kernel/profile.js';
import { parseVersion, releaseVersion } from '../kernel/versions.js';
import { cli } from './helpers/cli.js';

describe('kernel names', () => {
  it.each([
    ['6.1.0-56-amd64', '6.1.192'],
    ['6.12.95+deb12-amd64', '6.12.95'],
    ['7.3.4+deb13-amd64', '7.3.4'],
    ['5.10.0-32-amd64', '5.10.0'],
    ['v6.1', '6.1'],
    ['v5.3', '5.3'],
    ['6.1.192', '6.1.192'],
  ])('%s → %s', (input, text) => {
    expect(parseVersion(input)?.text).toBe(text);
    const r = resolveProfile({ kernel: input });
    expect(r.ok && r.profile.kernel).toBe(text);
  });

  it.each(['v', 'vv6.1', 'linux-6.1', '6', '4.19.0-20-amd64', '8.0.1-1-amd64', 'v5.1'])('%s is refused', (input) => {
    expect(parseVersion(input)).toBeUndefined();
  });

  it('releaseVersion: null for what does not start with a version', () => {
    expect(releaseVersion('amd64')).toBeNull();
  });

  it('memhp run --kernel 6.1.0-56-amd64 runs the 6.1.192 profile, as --kernel 6.1.192 does', async () => {
    const [a, b] = await Promise.all([
      cli(['run', 'examples/sparse-error-paths.scn', '--kernel', '6.1.0-56-amd64']),
      cli(['run', 'examples/sparse-error-paths.scn', '--kernel', '6.1.192']),
    ]);
    expect(a.code).toBe(b.code);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('linux 6.1.192');
    const v = await cli(['run', 'examples/sparse-error-paths.scn', '--kernel', 'v6.1']);
    expect(v.stdout).toContain('linux 6.1 ');
  });
});
