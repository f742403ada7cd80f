/**
 * The memhp view process: listens on 127.0.0.1 only, on --port N or a free port, never writes to
 * its input, prints its URL (also as JSON), answers user errors in one line with exit code 2, opens
 * a recorded log, and stops cleanly on SIGINT.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { viewSource } from '../../cli/commands/view.js';
import { bundleDir, readBundle } from '../../viewer/server/bundle.js';
import { startViewServer } from '../../viewer/server/http.js';
import { startViewer } from '../helpers/browser.js';
import { spawnCli } from '../helpers/cli.js';
import { quiet, SEED, TRACE } from './oracle.js';
import { accepts, rawGet } from './raw_http.js';

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
    const inUse = new RegExp(`^memhp: error\\[E_SERVE\\]: cannot serve the viewer: port ${port} is in use\n  hint: [^\n]+\n$`);
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
      expect(r.stderr, args.join(' ')).toMatch(/^memhp: error\[E_(IO|USAGE)\]: [^\n]+\n(  hint: [^\n]+\n)?$/);
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
