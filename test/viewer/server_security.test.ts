/**
 * The viewer's server against DNS rebinding: a request naming another host or port is refused
 * (421) with nothing of the input, and every answer carries the security headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViewServer } from '../../viewer/server/http.js';
import { SEED } from './oracle.js';
import { noStack, rawGet, rawRequest, seedServer, type RawAnswer } from './raw_http.js';

/** The headers every answer carries, whatever its status. */
const SECURITY = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

describe('memhp view server: Host allow-list (DNS rebinding) and security headers', () => {
  let server: ViewServer;
  beforeAll(async () => {
    server = await seedServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A 421 answer: one line of text, nothing of the input or the page. */
  const misdirected = (r: RawAnswer, what: string): void => {
    expect(r.status, what).toBe(421);
    expect(r.headers['content-type'], what).toBe('text/plain; charset=utf-8');
    expect(r.body, what).toMatch(/^[^\n]+\n$/);
    for (const leak of [SEED, 'seed-pmem', '"steps"', '<html', 'main.js', 'sparse_add_section']) expect(r.body, what).not.toContain(leak);
    expect(r.headers, what).toMatchObject(SECURITY);
  };

  it('a request naming another host or port gets 421 and nothing of the input, whatever the path', async () => {
    const p = server.port;
    for (const host of ['attacker.example', `attacker.example:${p}`, `127.0.0.1`, `localhost`, `127.0.0.1:${p + 1}`, `localhost:${p === 65535 ? 1 : p + 1}`, `127.0.0.1:0${p}`, `localhost.:${p}`, `127.0.0.1.nip.io:${p}`, `[::1]:${p}`, `0.0.0.0:${p}`, `127.1:${p}`, `evil@127.0.0.1:${p}`, `127.0.0.1:${p}.evil`, '']) {
      for (const target of ['/', '/index.html', '/main.js', '/api/info', '/api/steps?from=0&to=7', '/api/state?step=1', '/api/nope', '/../package.json']) {
        misdirected(await rawGet(p, target, host), `Host: ${host} GET ${target}`);
      }
    }
  });

  it('127.0.0.1:PORT and localhost:PORT (any case) are served', async () => {
    const p = server.port;
    for (const host of [`127.0.0.1:${p}`, `localhost:${p}`, `LocalHost:${p}`, `LOCALHOST:${p}`]) {
      const page = await rawGet(p, '/', host);
      expect(page.status, host).toBe(200);
      expect(page.body, host).toContain('<script type="module" src="main.js">');
      const info = await rawGet(p, '/api/info', host);
      expect(info.status, host).toBe(200);
      expect((JSON.parse(info.body) as { steps: number }).steps, host).toBe(7);
    }
  });

  it('a request without Host (HTTP/1.0 or 1.1), or with two, gets 421', async () => {
    const p = server.port;
    misdirected(await rawRequest(p, 'GET /api/info HTTP/1.0\r\n\r\n'), 'HTTP/1.0 without Host');
    misdirected(await rawRequest(p, 'GET / HTTP/1.0\r\n\r\n'), 'HTTP/1.0 / without Host');
    misdirected(await rawRequest(p, 'GET /api/info HTTP/1.1\r\nConnection: close\r\n\r\n'), 'HTTP/1.1 without Host');
    misdirected(await rawRequest(p, `GET /api/info HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nHost: attacker.example\r\nConnection: close\r\n\r\n`), 'two Host headers');
    misdirected(await rawRequest(p, `GET /api/info HTTP/1.1\r\nHost: attacker.example\r\nHost: 127.0.0.1:${p}\r\nConnection: close\r\n\r\n`), 'two Host headers, ours last');
    // HTTP/1.0 with the right Host is served.
    expect((await rawRequest(p, `GET /api/info HTTP/1.0\r\nHost: localhost:${p}\r\n\r\n`)).status).toBe(200);
  });

  it('every answer carries the security headers: 200 (page, script, style, API), 400, 403, 404, 405, 421 and a malformed request', async () => {
    const p = server.port;
    const answers: Array<[string, number, RawAnswer]> = [
      ['/', 200, await rawGet(p, '/')],
      ['/main.js', 200, await rawGet(p, '/main.js')],
      ['/style.css', 200, await rawGet(p, '/style.css')],
      ['/api/info', 200, await rawGet(p, '/api/info')],
      ['/api/state?step=1', 200, await rawGet(p, '/api/state?step=1')],
      ['/api/state?step=x', 400, await rawGet(p, '/api/state?step=x')],
      ['/../package.json', 403, await rawGet(p, '/../package.json')],
      ['/nope.js', 404, await rawGet(p, '/nope.js')],
      ['/api/nope', 404, await rawGet(p, '/api/nope')],
      ['POST', 405, await rawRequest(p, `POST /api/info HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)],
      ['foreign Host', 421, await rawGet(p, '/api/info', 'attacker.example')],
      ['bad request line', 400, await rawRequest(p, 'GARBAGE\r\n\r\n')],
      ['bad header', 400, await rawRequest(p, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nBad Header\r\n\r\n`)],
    ];
    for (const [what, status, r] of answers) {
      expect(r.status, what).toBe(status);
      expect(r.headers, what).toMatchObject(SECURITY);
      noStack(r.body);
    }
    const type = (target: string): string | undefined => answers.find(([w]) => w === target)?.[2].headers['content-type'];
    expect(type('/')).toBe('text/html; charset=utf-8');
    expect(type('/main.js')).toBe('text/javascript; charset=utf-8');
    expect(type('/style.css')).toBe('text/css; charset=utf-8');
    for (const w of ['/api/info', '/api/state?step=1', '/api/state?step=x', '/../package.json', '/nope.js', '/api/nope', 'POST', 'bad request line', 'bad header']) expect(type(w), w).toBe('application/json; charset=utf-8');
  });
});
