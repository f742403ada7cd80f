/**
 * The Debian kernel the slow verify tests boot: `.kernels/6.1.0-56-amd64` (gitignored). When it is
 * missing it is fetched first with scripts/fetch-debian-kernel.sh (apt-get download + dpkg -x: no
 * root, about 20 s), so `npm test` needs no step of its own; a failed fetch names the command.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The release of the test kernel. */
export const TEST_KVER = '6.1.0-56-amd64';

/** The test kernel's tree (absolute), fetched when missing; throws with the command to run when that fails. */
export function testKernelTree(): string {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const tree = `${root}.kernels/${TEST_KVER}`;
  const command = `scripts/fetch-debian-kernel.sh ${TEST_KVER} .kernels/${TEST_KVER}`;
  if (!existsSync(`${tree}/memhp-kernel.env`)) {
    const r = spawnSync('bash', command.split(' '), { cwd: root, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0 || !existsSync(`${tree}/memhp-kernel.env`)) {
      throw new Error(`${tree} missing and ${command} failed (${(r.stderr ?? '').trim().split('\n').pop() ?? r.error?.message}): run it by hand (.ci/run does)`);
    }
  }
  return tree;
}
