/**
 * Bundle the CLI with esbuild for start-up: dist/cli/main.js and everything of this repository it
 * imports become a few files in dist/bundle/ (split at each command's lazy import(), so a command
 * still loads only its own code), packages staying external; check_worker.js, the worker thread of
 * `memhp check RUN…`, is built beside main.js as one file, packages included. Node reads ~25 files for `memhp run`
 * instead of ~115. bin/memhp.js runs dist/bundle/main.js. Run by `npm run build` after tsc.
 * dist/bundle/ sits one level under dist/ as dist/cli/ does, so the paths found from
 * import.meta.url (the viewer's page, verify/guest) are found from there too.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import pc from 'picocolors';
import { mainUsage, versionLine } from './usage.js';
import type { Io } from './io.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = `${root}dist/bundle`;
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [`${root}dist/cli/main.js`],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir: out,
  legalComments: 'none',
  logLevel: 'warning',
});
// The worker of `memhp check RUN…` (cli/check_pool.ts) is started from a file beside the code that
// starts it: dist/bundle/check_worker.js here as dist/cli/check_worker.js unbundled. It is one file
// with the packages it uses inside (xstate, immer, valibot, picocolors): a worker thread loads it in
// ~70 ms instead of ~150–250 ms for the shared chunks and the packages' own files, once per thread.
await build({
  entryPoints: [`${root}dist/cli/check_worker.js`],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile: `${out}/check_worker.js`,
  legalComments: 'none',
  logLevel: 'warning',
});

// `memhp --help` (without colour) and `memhp --version` as prebuilt text, which bin/memhp.js prints
// without loading the bundle (start-up: node alone is most of their time); test/cli_fast_path.test.ts.
const plain: Io = { out: () => undefined, err: () => undefined, color: pc.createColors(false), readFile: () => ({ ok: false, code: 'E_IO', reason: 'missing', message: '' }) };
writeFileSync(`${out}/usage.txt`, await mainUsage(plain));
writeFileSync(`${out}/version.txt`, versionLine());
