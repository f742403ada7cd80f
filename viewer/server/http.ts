/**
 * The viewer's HTTP server: the page's bundle and a read-only JSON API over a loaded input, on
 * 127.0.0.1 only. A request must name this server in its Host header (127.0.0.1:PORT or
 * localhost:PORT), else 421 before any routing: a web page that re-binds its own name to 127.0.0.1
 * (DNS rebinding) cannot read the input. Every response carries SECURITY_HEADERS. Every query is
 * checked before use: a malformed one gets 400 with a one-line reason, never a stack trace.
 * Nothing here writes a file or prints.
 */
import type { Failed } from '../../kernel/errors.js';
import { STATUS_CODES, createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ApiError } from '../../present/api.js';
import type { Bundle } from './bundle.js';
import { blameRows, diffView, sectionDetail, stateView, stepRows, viewInfo } from '../../present/views.js';
import type { ViewSource } from '../../present/views.js';

/** The only address the viewer listens on. */
export const VIEWER_HOST = '127.0.0.1';

/** Host names a request may give (with the listening port): the address itself, and localhost. */
export const VIEWER_HOST_NAMES: readonly string[] = [VIEWER_HOST, 'localhost'];

/**
 * Sent with every response, errors and 421 included. The page is one module script, one
 * stylesheet and fetch() to the API, all from this origin; its favicon is a data: URL. Its own
 * code sets style attributes on the elements it draws (map rows, bands, legend swatches, step rows),
 * so style attributes are allowed; <style> elements and every script but its own are not.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Most rows one /api/steps request returns. */
export const MAX_STEP_ROWS = 1000;

/** Options of the server. */
export interface ViewServerOptions {
  /** 0 (default): a free port. */
  readonly port?: number;
  readonly bundle: Bundle;
}

/** A running viewer. */
export interface ViewServer {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

/** Start serving `src`; resolves once listening, or with the reason it cannot listen. */
export function startViewServer(src: ViewSource, opts: ViewServerOptions): Promise<{ ok: true; server: ViewServer } | Failed> {
  const info = JSON.stringify(viewInfo(src));
  // requireHostHeader off: an HTTP/1.1 request without Host gets this server's 421 (with its headers), not Node's bare 400.
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    try {
      if (!hostAllowed(req, (server.address() as AddressInfo).port)) {
        misdirected(res);
        return;
      }
      handle(src, opts, info, req, res);
    } catch (e) {
      // A bug, not the user's query: say so without the stack.
      send(res, 500, { code: 'E_INTERNAL', error: `internal error: ${e instanceof Error ? e.message.split('\n')[0] : 'unknown'}` });
    }
  });
  server.on('clientError', refuseMalformed);
  return new Promise((resolve) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      resolve({ ok: false, code: 'E_SERVE', message: e.code === 'EADDRINUSE' ? `port ${opts.port ?? 0} is in use` : e.code === 'EACCES' ? `no permission to listen on port ${opts.port ?? 0}` : e.message });
    });
    server.listen({ host: VIEWER_HOST, port: opts.port ?? 0 }, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        ok: true,
        server: {
          url: `http://${VIEWER_HOST}:${port}/`,
          port,
          host: VIEWER_HOST,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              server.closeAllConnections();
            }),
        },
      });
    });
  });
}

// --- internal ---

/** Whether the request's only Host header is one of VIEWER_HOST_NAMES (any case) with the listening port (or none, on port 80). */
function hostAllowed(req: IncomingMessage, port: number): boolean {
  const hosts = req.headersDistinct.host;
  if (hosts?.length !== 1) return false;
  const m = /^([^:]+)(?::(\d+))?$/.exec((hosts[0] ?? '').toLowerCase());
  if (!m || !VIEWER_HOST_NAMES.includes(m[1] ?? '')) return false;
  return m[2] === undefined ? port === 80 : m[2] === String(port);
}

/** 421 with a one-line text body: the request names another server. */
function misdirected(res: ServerResponse): void {
  const body = `misdirected request: this viewer answers only Host ${VIEWER_HOST_NAMES.map((h) => `${h}:PORT`).join(' or ')}\n`;
  res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', Connection: 'close' });
  res.end(body);
}

/** Answer a request Node's parser refused (bad request line, headers too large, timeout) with SECURITY_HEADERS too. */
function refuseMalformed(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) return;
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({ code: 'E_USAGE', error: `malformed HTTP request (${STATUS_CODES[status] ?? status})` } satisfies ApiError);
  const head = { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-store', Connection: 'close' };
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${Object.entries(head).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`);
}

/** A query that cannot be answered as asked (→ 400). */
class BadQuery extends Error {}

function handle(src: ViewSource, opts: ViewServerOptions, info: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, { code: 'E_USAGE', error: `method ${req.method ?? '?'} not allowed: the viewer is read-only` });
    return;
  }
  const raw = req.url ?? '/';
  let url: URL;
  let path: string;
  try {
    url = new URL(raw, 'http://viewer.invalid');
    path = decodeURIComponent(url.pathname);
  } catch {
    send(res, 400, { code: 'E_USAGE', error: 'malformed request path' });
    return;
  }
  if (!raw.startsWith('/') || raw.startsWith('//') || /(^|[\\/])\.\.([\\/]|$)/.test(raw) || /(^|[\\/])\.\.([\\/]|$)/.test(path) || path.includes('\0')) {
    send(res, 403, { code: 'E_USAGE', error: 'paths outside the viewer are refused' });
    return;
  }
  if (!path.startsWith('/api/')) {
    const file = opts.bundle.get(path);
    if (!file) {
      send(res, 404, { code: 'E_IO', error: `no such file: ${path}` });
      return;
    }
    res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length, 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return;
  }
  try {
    const body = api(src, info, path, url.searchParams);
    if (body === null) send(res, 404, { code: 'E_USAGE', error: `no such API: ${path}` });
    else sendRaw(res, 200, body);
  } catch (e) {
    if (e instanceof BadQuery) send(res, 400, { code: 'E_USAGE', error: e.message });
    else throw e;
  }
}

/** The JSON text of an API answer, or null for an unknown path; throws BadQuery. */
function api(src: ViewSource, info: string, path: string, q: URLSearchParams): string | null {
  const steps = src.runs[0]?.log.length ?? 0;
  const step = (name: string): number => int(q, name, 0, steps - 1);
  const run = (): number => (q.has('run') ? int(q, 'run', 0, src.runs.length - 1) : 0);
  switch (path) {
    case '/api/info':
      only(q, []);
      return info;
    case '/api/steps': {
      only(q, ['from', 'to']);
      const from = int(q, 'from', 0, steps);
      const to = int(q, 'to', from, steps);
      if (to - from > MAX_STEP_ROWS) throw new BadQuery(`at most ${MAX_STEP_ROWS} rows at a time, asked for ${to - from}`);
      return JSON.stringify(stepRows(src, from, to));
    }
    case '/api/state':
      only(q, ['step', 'run']);
      return JSON.stringify(stateView(src, run(), step('step')));
    case '/api/diff': {
      only(q, ['from', 'to', 'run']);
      return JSON.stringify(diffView(src, run(), step('from'), step('to')));
    }
    case '/api/section': {
      only(q, ['step', 'nr', 'run']);
      const g = src.runs[0]?.profile.geometry;
      return JSON.stringify(sectionDetail(src, run(), step('step'), int(q, 'nr', 0, (g?.NR_MEM_SECTIONS ?? 1) - 1)));
    }
    case '/api/blame': {
      only(q, ['nr', 'bit']);
      const g = src.runs[0]?.profile.geometry;
      const nr = int(q, 'nr', 0, (g?.NR_MEM_SECTIONS ?? 1) - 1);
      const bit = q.has('bit') ? int(q, 'bit', 0, (g?.SUBSECTIONS_PER_SECTION ?? 1) - 1) : null;
      return JSON.stringify(blameRows(src, nr, bit));
    }
    default:
      return null;
  }
}

/** Refuse parameters the API does not know, and repeated ones. */
function only(q: URLSearchParams, known: readonly string[]): void {
  for (const k of q.keys()) {
    if (!known.includes(k)) throw new BadQuery(`unknown parameter '${k}'${known.length ? ` (known: ${known.join(', ')})` : ''}`);
    if (q.getAll(k).length > 1) throw new BadQuery(`parameter '${k}' given twice`);
  }
}

/** A required decimal integer parameter in [min, max]. */
function int(q: URLSearchParams, name: string, min: number, max: number): number {
  const v = q.get(name);
  if (v === null) throw new BadQuery(`missing parameter '${name}'`);
  if (!/^\d{1,15}$/.test(v)) throw new BadQuery(`parameter '${name}' must be a non-negative integer, got '${v.slice(0, 40)}'`);
  const n = Number(v);
  if (n < min || n > max) throw new BadQuery(`parameter '${name}' is ${n}, outside ${min}..${max}`);
  return n;
}

function send(res: ServerResponse, status: number, body: ApiError): void {
  sendRaw(res, status, JSON.stringify(body));
}

function sendRaw(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}
