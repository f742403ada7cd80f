/**
 * Build dist/ once before the tests (the CLI, its bundle and the viewer's page), so CLI and browser tests use what a user runs.
 * The compile is incremental (its build info lives in dist/, so removing dist/ rebuilds everything).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`, '--incremental', '--tsBuildInfoFile', `${root}dist/.tsbuildinfo`], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [`${root}dist/viewer/build.js`], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [`${root}dist/cli/build.js`], { cwd: root, stdio: 'inherit' });
}
