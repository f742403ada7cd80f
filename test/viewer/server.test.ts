/**
 * The viewer's server: listens on 127.0.0.1 only, refuses paths outside the page's bundle, answers
 * a malformed query with 400 and a one-line reason (never a stack trace), never writes to the
 * input, and stops cleanly on SIGINT.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import pc from 'picocolors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewSource } from '../../cli/commands/view.js';
import { readTextFile } from '../../cli/io.js';
import type { Io } from '../../cli/io.js';
import { bundleDir, readBundle } from '../../viewer/server/bundle.js';
import { startViewServer } from '../../viewer/server/http.js';
import type { ViewServer } from '../../viewer/server/http.js';
import { startViewer } from '../helpers/browser.js';
import { ROOT, spawnCli } from '../helpers/cli.js';
import { TRACES } from '../helpers/traces.js';

const SEED = join(ROOT, 'examples/seed-pmem-shared-section.scn');
const TRACE = join(TRACES, '6.1.0-56-amd64/legacy_pmem_shared_section');
const quiet: Io = { out: () => undefined, err: () => undefined, color: pc.createColors(false), readFile: readTextFile };

/** A raw HTTP answer: status, headers (lower-case names) and body. */
interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Send `request` as-is over a TCP connection to 127.0.0.1:port and read the whole answer. */
function rawRequest(port: number, request: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port }, () => sock.end(request));
    let data = '';
    sock.setEncoding('utf8').on('data', (t: string) => (data += t));
    sock.on('error', reject);
    sock.on('end', () => {
      const cut = data.indexOf('\r\n\r\n');
      const [first = '', ...lines] = data.slice(0, cut).split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(first)?.[1] ?? 0), headers, body: data.slice(cut + 4) });
    });
  });
}

/** Send one raw HTTP/1.1 GET (no client-side path normalisation); Host is 127.0.0.1:port unless given. */
function rawGet(port: number, target: string, host = `127.0.0.1:${port}`): Promise<RawAnswer> {
  return rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** An answer carries no stack trace and no source path. */
function noStack(body: string): void {
  expect(body).not.toMatch(/\n\s+at |\.ts:\d+|\.js:\d+|node:internal/);
}

/** A viewer of the seed scenario on a free port. */
async function seedServer(): Promise<ViewServer> {
  const bundle = readBundle(bundleDir());
  if (!bundle.ok) throw new Error(bundle.message);
  const r = await startViewServer(viewSource(quiet, { file: SEED }), { bundle: bundle.bundle });
  if (!r.ok) throw new Error(r.message);
  return r.server;
}

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
      const body = JSON.parse(r.body) as { error: string };
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

describe('memhp view process', () => {
  it('listens on 127.0.0.1 only, and Ctrl-C (SIGINT) stops it cleanly', async () => {
    const v = await startViewer([SEED]);
    const port = Number(new URL(v.url).port);
    try {
      expect(new URL(v.url).hostname).toBe('127.0.0.1');
      expect(await accepts('127.0.0.1', port)).toBe(true);
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a !== undefined && !a.internal)
        .map((a) => a?.address ?? '');
      for (const host of [...others, '::1']) expect(await accepts(host, port), host).toBe(false);
    } finally {
      expect(await v.stop()).toBe(0);
    }
    expect(v.output().stdout).toContain('memhp view: stopped');
    expect(v.output().stderr).toBe('');
    expect(await accepts('127.0.0.1', port)).toBe(false);
  });

  it('never writes to its input: a scenario and a trace keep their bytes and mtimes after every endpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memhp-view-ro-'));
    try {
      cpSync(SEED, join(dir, 'seed.scn'));
      cpSync(TRACE, join(dir, 'trace'), { recursive: true });
      const snapshot = (): string[] =>
        readdirSync(dir, { recursive: true, encoding: 'utf8' })
          .sort()
          .map((f) => {
            const p = join(dir, f);
            const st = statSync(p);
            return `${f} ${st.mtimeMs} ${st.size} ${st.isFile() ? readFileSync(p).toString('base64') : ''}`;
          });
      const before = snapshot();
      for (const input of [join(dir, 'seed.scn'), join(dir, 'trace')]) {
        const v = await startViewer([input]);
        try {
          const port = Number(new URL(v.url).port);
          const info = JSON.parse((await rawGet(port, '/api/info')).body) as { steps: number };
          for (let s = 0; s < info.steps; s++) {
            for (const t of [`/api/state?step=${s}`, `/api/diff?from=0&to=${s}`, `/api/section?step=${s}&nr=9`, `/api/steps?from=0&to=${s}`]) {
              expect((await rawGet(port, t)).status, t).toBe(200);
            }
          }
        } finally {
          expect(await v.stop()).toBe(0);
        }
      }
      expect(snapshot()).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--port N listens on that port; a port in use is a one-line error with exit code 2', async () => {
    // The probe takes a free port from the kernel and holds it through the in-use check (memhp view
    // must refuse the port while the probe is bound); it is closed only to hand the port to the viewer,
    // started right after, so the port is free for no longer than the viewer's start-up.
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const port = (probe.address() as AddressInfo).port;
    const inUse = new RegExp(`^memhp: error: cannot serve the viewer: port ${port} is in use\n  hint: [^\n]+\n$`);
    let v: Awaited<ReturnType<typeof startViewer>>;
    try {
      const held = spawnCli(['view', SEED, '--port', String(port)]);
      expect(held.code).toBe(2);
      expect(held.stderr).toMatch(inUse);
    } finally {
      await new Promise<void>((done) => probe.close(() => done()));
      v = await startViewer([SEED, '--port', String(port)]);
    }
    try {
      expect(v.url).toBe(`http://127.0.0.1:${port}/`);
      const r = spawnCli(['view', SEED, '--port', String(port)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(inUse);
    } finally {
      expect(await v.stop()).toBe(0);
    }
  });

  it('--json prints the URL as one JSON line', async () => {
    const v = await startViewer([SEED, '--json']);
    try {
      expect(JSON.parse(v.output().stdout)).toEqual({ url: v.url, file: SEED, steps: 7 });
    } finally {
      expect(await v.stop()).toBe(0);
    }
    expect(v.output().stdout.trim().split('\n')).toHaveLength(1);
  });

  it('user errors are one line with exit code 2', () => {
    for (const args of [['view', 'no-such-file.scn'], ['view', SEED, '--port', 'http'], ['view', SEED, '--kernel', '5.3', '--kernels', '5.2,5.3'], ['view', SEED, '--kernels', '5.3']]) {
      const r = spawnCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^memhp: error: [^\n]+\n(  hint: [^\n]+\n)?$/);
      expect(r.stdout).toBe('');
    }
  });
});

describe('memhp view on a log file', () => {
  it('a log written by memhp record opens with the same steps and states as its scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memhp-view-log-'));
    const log = join(dir, 'seed.memhp');
    expect(spawnCli(['record', SEED, '-o', log]).code).toBe(0);
    const bundle = readBundle(bundleDir());
    if (!bundle.ok) throw new Error(bundle.message);
    const fromLog = await startViewServer(viewSource(quiet, { file: log }), { bundle: bundle.bundle });
    const fromScn = await startViewServer(viewSource(quiet, { file: SEED }), { bundle: bundle.bundle });
    if (!fromLog.ok || !fromScn.ok) throw new Error('viewer did not start');
    try {
      const info = JSON.parse((await rawGet(fromLog.server.port, '/api/info')).body) as { steps: number };
      expect(info.steps).toBe(7);
      for (const step of [0, 1, 4, 6]) {
        const a = JSON.parse((await rawGet(fromLog.server.port, `/api/state?step=${step}`)).body) as { sections: unknown[]; row: { text: string } };
        const b = JSON.parse((await rawGet(fromScn.server.port, `/api/state?step=${step}`)).body) as { sections: unknown[]; row: { text: string } };
        expect(a.sections).toEqual(b.sections);
        expect(a.row.text).toBe(b.row.text);
      }
    } finally {
      await fromLog.server.close();
      await fromScn.server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
