/**
 * Build the viewer's page with esbuild: viewer/page/main.ts bundled into dist/viewer/static/main.js,
 * beside index.html and style.css. Run by `npm run build` (and so by `npm ci` via prepare).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = `${root}dist/viewer/static`;
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [`${root}viewer/page/main.ts`],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  outfile: `${out}/main.js`,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) copyFileSync(`${root}viewer/page/${f}`, `${out}/${f}`);
