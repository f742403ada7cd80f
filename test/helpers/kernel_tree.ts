/** The Debian kernel the slow verify tests boot: `.kernels/6.1.0-56-amd64`, made by scripts/fetch-debian-kernel.sh (gitignored). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The release of the test kernel. */
export const TEST_KVER = '6.1.0-56-amd64';

/** The test kernel's tree (absolute); throws with the command to run when it is missing. */
export function testKernelTree(): string {
  const tree = fileURLToPath(new URL(`../../.kernels/${TEST_KVER}`, import.meta.url));
  if (!existsSync(`${tree}/memhp-kernel.env`)) throw new Error(`${tree} missing: run scripts/fetch-debian-kernel.sh ${TEST_KVER} .kernels/${TEST_KVER} (.ci/run does)`);
  return tree;
}
