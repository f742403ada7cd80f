/**
 * The page's files, read once from the built bundle directory (dist/viewer/static). Requests are
 * answered from this in-memory table only, so no request path can reach a file outside it.
 */
import type { Failed } from '../../kernel/errors.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

/** One file of the bundle. */
export interface BundleFile {
  readonly type: string;
  readonly body: Buffer;
}

/** The bundle: URL path ('/main.js') → file. */
export type Bundle = ReadonlyMap<string, BundleFile>;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

/** Read every regular file of `dir` (one level) into a bundle; '/' serves index.html. */
export function readBundle(dir: string): { ok: true; bundle: Bundle } | Failed {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { ok: false, code: 'E_SERVE', message: `the viewer's page is not built (no ${dir}): run npm run build` };
  }
  const out = new Map<string, BundleFile>();
  for (const name of names) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    out.set(`/${name}`, { type: TYPES[extname(name)] ?? 'application/octet-stream', body: readFileSync(path) });
  }
  const index = out.get('/index.html');
  if (!index) return { ok: false, code: 'E_SERVE', message: `the viewer's page is not built (no ${join(dir, 'index.html')}): run npm run build` };
  out.set('/', index);
  return { ok: true, bundle: out };
}

/** The bundle directory of this installation: dist/viewer/static, found from here (dist or source). */
export function bundleDir(): string {
  const candidates = [new URL('../static/', import.meta.url), new URL('../../dist/viewer/static/', import.meta.url)];
  for (const u of candidates) {
    try {
      if (statSync(u).isDirectory()) return u.pathname;
    } catch {
      // try the next one
    }
  }
  return (candidates[0] as URL).pathname;
}
