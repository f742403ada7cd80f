/**
 * The viewer's server in-process: refuses paths outside the page's bundle, answers a malformed
 * query with 400 and a one-line reason (never a stack trace), and says in /api/info what the input
 * is. Host allow-list and headers: server_security.test.ts; the memhp view process:
 * server_process.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewSource } from '../../cli/commands/view.js';
import { bundleDir, readBundle } from '../../viewer/server/bundle.js';
import { startViewServer } from '../../viewer/server/http.js';
import type { ViewServer } from '../../viewer/server/http.js';
import { ROOT } from '../helpers/cli.js';
import { quiet, SEED } from './oracle.js';
import { noStack, rawGet, rawRequest, seedServer } from './raw_http.js';

describe('memhp view server (in-process, the seed scenario)', () => {
  let server: ViewServer;
  beforeAll(async () => {
    server = await seedServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves the page and answers the API', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect((await rawGet(server.port, '/')).body).toContain('<script type="module" src="main.js">');
    expect((await rawGet(server.port, '/main.js')).status).toBe(200);
    const info = JSON.parse((await rawGet(server.port, '/api/info')).body) as { steps: number };
    expect(info.steps).toBe(7);
  });

  it('refuses ../ and absolute paths outside the bundle', async () => {
    const pkg = readFileSync(join(ROOT, 'package.json'), 'utf8');
    for (const target of [
      '/../package.json',
      '/../../package.json',
      '/..%2fpackage.json',
      '/%2e%2e/package.json',
      '/%2E%2E%2F%2E%2E%2Fpackage.json',
      '/static/../../package.json',
      '/..\\package.json',
      `/${ROOT}package.json`,
      `//${ROOT}package.json`,
      '/etc/passwd',
      '//etc/passwd',
      '/%2Fetc%2Fpasswd',
      `http://127.0.0.1:${server.port}/../package.json`,
      '/index.html%00.js',
    ]) {
      const r = await rawGet(server.port, target);
      expect([400, 403, 404], target).toContain(r.status);
      expect(r.body, target).not.toContain('"devDependencies"');
      expect(r.body, target).not.toContain('root:');
      expect(r.body).not.toBe(pkg);
      noStack(r.body);
    }
  });

  it('a malformed query gets 400 with a one-line reason, never a stack trace', async () => {
    for (const target of [
      '/api/state',
      '/api/state?step=',
      '/api/state?step=abc',
      '/api/state?step=-1',
      '/api/state?step=1e3',
      '/api/state?step=7',
      '/api/state?step=99999999999999999999',
      '/api/state?step=1&step=2',
      '/api/state?step=1&bogus=1',
      '/api/state?step=1&run=1',
      '/api/steps?from=5&to=2',
      '/api/diff?from=1',
      '/api/section?step=1&nr=0x60',
      '/api/info?x=1',
      '/api/state?step=%ZZ',
    ]) {
      const r = await rawGet(server.port, target);
      expect(r.status, target).toBe(400);
      const body = JSON.parse(r.body) as { code: string; error: string };
      expect(body.code, target).toBe('E_USAGE');
      expect(body.error, target).toMatch(/^[^\n]+$/);
      noStack(r.body);
    }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/state', '/api/steps', '/api/diff', '/api/section', '/api/blame', '/api/info'),
        fc.array(fc.tuple(fc.constantFrom('step', 'from', 'to', 'nr', 'run', 'bit', 'x'), fc.oneof(fc.string(), fc.integer().map(String), fc.nat(20).map(String))), { maxLength: 4 }),
        async (path, params) => {
          const q = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
          const r = await rawGet(server.port, `${path}${q ? `?${q}` : ''}`);
          expect([200, 400]).toContain(r.status);
          noStack(r.body);
          if (r.status === 400) expect((JSON.parse(r.body) as { error: string }).error).toMatch(/^[^\n]+$/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes nothing: POST and other methods are refused', async () => {
    const r = await rawRequest(server.port, `POST /api/state?step=1 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
    expect(r.status).toBe(405);
  });
});

describe('memhp view server: what /api/info says about the input', () => {
  it('names the input as given on the command line, not as a resolved absolute path', async () => {
    const bundle = readBundle(bundleDir());
    if (!bundle.ok) throw new Error(bundle.message);
    const typed = relative(process.cwd(), SEED);
    expect(typed).not.toMatch(/^\//);
    const r = await startViewServer(viewSource(quiet, { file: typed }), { bundle: bundle.bundle });
    if (!r.ok) throw new Error(r.message);
    try {
      const info = await rawGet(r.server.port, '/api/info');
      expect((JSON.parse(info.body) as { file: string }).file).toBe(typed);
      expect(info.body).not.toContain(ROOT);
    } finally {
      await r.server.close();
    }
  });
});
