/**
 * The `viewer` reader: raw HTTP requests to the viewer served in-process (`startViewServer` on a
 * loaded example, as `memhp view` builds it): request lines, paths, query strings, methods and
 * headers (Host among them) edited, then possibly byte-mutated. `%PORT` is the server's port.
 */
import { join } from 'node:path';
import { mulberry32 } from '../../verify/prng.js';
import type { Rng } from '../../verify/prng.js';
import { BOUNDARY_NUMBERS, applySteps, drawSteps } from '../mutate.js';
import type { FuzzCase, Materialized, Reader, ReaderContext } from '../types.js';

/** The requests the edits start from. */
const PATHS = ['/', '/index.html', '/api/info', '/api/steps?from=0&to=5', '/api/state?step=1', '/api/diff?from=0&to=3', '/api/section?step=1&nr=144', '/api/blame?nr=144&bit=3', '/api/state?step=1&run=0'];

const EDITS = ['none', 'method', 'host', 'path', 'query', 'headers', 'line'] as const;

/** A request before serialization. */
interface Request {
  method: string;
  path: string;
  version: string;
  headers: string[];
  body: string;
  eol: string;
}

/** Make the viewer reader (the input it serves: examples/partial-cycle.scn). */
export function viewerReader(ctx: ReaderContext): Reader {
  const input = join(ctx.root, 'examples/partial-cycle.scn');
  return {
    name: 'viewer',
    draw: (rng: Rng) => ({ base: rng.int(PATHS.length), steps: rng.int(5) < 2 ? drawSteps(rng, 1) : [], variant: rng.int(2 ** 31) }),
    materialize(c: FuzzCase): Materialized {
      const rng = mulberry32(c.variant);
      const req: Request = { method: 'GET', path: PATHS[c.base] ?? '/', version: 'HTTP/1.1', headers: ['Host: 127.0.0.1:%PORT', 'Connection: close'], body: '', eol: '\r\n' };
      const edit = EDITS[rng.int(EDITS.length)] ?? 'none';
      const what = applyEdit(req, edit, rng);
      const raw = Buffer.from(`${req.method} ${req.path} ${req.version}${req.eol}${req.headers.map((h) => `${h}${req.eol}`).join('')}${req.eol}${req.body}`, 'latin1');
      const request = applySteps(raw, c.steps, [], { longLine: Math.min(ctx.limits.longLine, 100_000), repeat: Math.min(ctx.limits.repeat, 1000) });
      return { label: `GET ${PATHS[c.base] ?? '/'}, ${edit}${what ? ` (${what})` : ''}`, files: [], run: { kind: 'viewer', input, request } };
    },
  };
}

// --- internal ---

function applyEdit(req: Request, edit: (typeof EDITS)[number], rng: Rng): string {
  switch (edit) {
    case 'none':
      return '';
    case 'method':
      req.method = pick(rng, ['HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH', 'get', 'G\tET', 'M'.repeat(5000), 'PROPFIND']);
      if (req.method === 'POST' || req.method === 'PUT') {
        req.body = 'x'.repeat(rng.int(2000));
        req.headers.push(`Content-Length: ${req.body.length}`);
      }
      return req.method.slice(0, 20);
    case 'host': {
      const how = rng.int(6);
      req.headers = req.headers.filter((h) => !h.startsWith('Host:'));
      if (how === 0) return 'no Host';
      if (how === 1) {
        req.headers.push('Host: 127.0.0.1:%PORT', 'Host: evil.example');
        return 'two Hosts';
      }
      const host = pick(rng, ['evil.example', 'evil.example:%PORT', '127.0.0.1.nip.io:%PORT', 'localhost.evil.example:%PORT', '10.0.0.1:%PORT', 'localhost:%PORT', '[::1]:%PORT', '', 'a'.repeat(10_000), '127.0.0.1:%PORT\u0000x', 'LOCALHOST:%PORT']);
      req.headers.push(`Host: ${host}`);
      return `Host: ${host.slice(0, 40)}`;
    }
    case 'path':
      req.path = pick(rng, ['/%2e%2e/%2e%2e/etc/passwd', '//etc/passwd', '/..%2f..%2fpackage.json', '/%00', '/%ff', '/%', '/index.html%00.js', `/${'a'.repeat(100_000)}`, '/api/', '/api/state/../info', '/\\..\\package.json', '*', 'http://evil.example/', '/api/info?', '/assets/../../package.json', '/api/info#x', '/%2F%2F', '/\u00e9', `/api/steps?${'from=0&'.repeat(5000)}`]);
      return req.path.slice(0, 40);
    case 'query': {
      const [p = '/api/state', q = 'step=1'] = req.path.split('?');
      const params = q.split('&');
      const i = rng.int(params.length);
      const [k = 'step'] = (params[i] ?? '').split('=');
      params[i] = pick(rng, [`${k}=${pick(rng, BOUNDARY_NUMBERS)}`, `${k}=`, k, `${k}=1&${k}=2`, `nope=1`, '%', '=', `${k}=${'9'.repeat(100_000)}`, `${k}=%00`, `${k}=0x10`, `${k}=${encodeURIComponent(pick(rng, BOUNDARY_NUMBERS))}`]);
      req.path = `${p.startsWith('/api/') ? p : '/api/state'}?${params.join('&')}`;
      return params[i]?.slice(0, 40) ?? '';
    }
    case 'headers': {
      const h = pick(rng, ['many', 'huge', 'chunked', 'length', 'upgrade', 'expect']);
      if (h === 'many') for (let j = 0; j < 10_000; j++) req.headers.push(`X-${j}: ${j}`);
      if (h === 'huge') req.headers.push(`X-Big: ${'x'.repeat(100_000)}`);
      if (h === 'chunked') {
        req.headers.push('Transfer-Encoding: chunked');
        req.body = pick(rng, ['zz\r\nxx\r\n', '0\r\n\r\n', `${'f'.repeat(20)}\r\n`, '5\r\nab']);
      }
      if (h === 'length') req.headers.push(`Content-Length: ${pick(rng, ['-1', '99999', 'x', '1, 2', '18446744073709551616'])}`);
      if (h === 'upgrade') req.headers.push('Connection: Upgrade', 'Upgrade: websocket');
      if (h === 'expect') req.headers.push('Expect: 100-continue');
      return h;
    }
    case 'line': {
      const l = rng.int(4);
      if (l === 0) req.version = pick(rng, ['HTTP/0.9', 'HTTP/2.0', 'HTTP/1.2', 'HTTP/9', 'http/1.1', '']);
      if (l === 1) req.eol = '\n';
      if (l === 2) req.path = `${req.path}${' '.repeat(rng.int(3))}`;
      if (l === 3) req.method = `${req.method} ${req.method}`;
      return ['version', 'LF only', 'trailing spaces', 'two methods'][l] ?? '';
    }
  }
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}
