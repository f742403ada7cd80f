/** The viewer server tests' client: raw HTTP over TCP (no client-side normalisation), and the seed scenario served in-process. */
import { connect } from 'node:net';
import { expect } from 'vitest';
import { viewSource } from '../../cli/commands/view.js';
import { bundleDir, readBundle } from '../../viewer/server/bundle.js';
import { startViewServer } from '../../viewer/server/http.js';
import type { ViewServer } from '../../viewer/server/http.js';
import { quiet, SEED } from './oracle.js';


/** A raw HTTP answer: status, headers (lower-case names) and body. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Send `request` as-is over a TCP connection to 127.0.0.1:port and read the whole answer. */
export function rawRequest(port: number, request: string): Promise<RawAnswer> {
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
export function rawGet(port: number, target: string, host = `127.0.0.1:${port}`): Promise<RawAnswer> {
  return rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
}

/** Whether a TCP connection to host:port is accepted. */
export function accepts(host: string, port: number): Promise<boolean> {
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
export function noStack(body: string): void {
  expect(body).not.toMatch(/\n\s+at |\.ts:\d+|\.js:\d+|node:internal/);
}

/** A viewer of the seed scenario on a free port. */
export async function seedServer(): Promise<ViewServer> {
  const bundle = readBundle(bundleDir());
  if (!bundle.ok) throw new Error(bundle.message);
  const r = await startViewServer(viewSource(quiet, { file: SEED }), { bundle: bundle.bundle });
  if (!r.ok) throw new Error(r.message);
  return r.server;
}
