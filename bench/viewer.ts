/**
 * The viewer's part of `npm run bench` (--only viewer): on the generated 10^5-step log,
 *   state  — 1000 random steps: log.stateAt(n) alone (the baseline), the viewer's state answer
 *            built and serialised (stateView + JSON.stringify), and the same fetched over HTTP
 *            from the real server on 127.0.0.1 (materialise and send);
 *   page   — the time the page in headless Chromium takes to move to a random step and draw it
 *            (fetch + map + list), median of N, against the page's bare fetch of the same answer.
 * Medians of min(--runs, 3) runs. The page part needs Debian's /usr/bin/chromium (skipped with a note otherwise).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import type { Profile } from '../kernel/types.js';
import type { HotplugLog } from '../log/log.js';
import { bundleDir, readBundle } from '../viewer/server/bundle.js';
import { startViewServer } from '../viewer/server/http.js';
import { stateView } from '../present/views.js';
import type { ViewSource } from '../present/views.js';
import { fmtBytes, fmtMs, fmtRatio, fmtUs, median, sink, timeRuns } from './measure.js';
import { mulberry32 } from '../verify/prng.js';
import { append } from '../present/widest.js';

/** What the viewer bench measures on. */
export interface ViewerBenchInput {
  readonly profile: Profile;
  readonly log: HotplugLog;
  readonly seed: number;
  readonly runs: number;
  /** Random steps per run of the state part. */
  readonly seeks: number;
  /** Random steps the page draws (median over them). */
  readonly pageSteps: number;
  readonly progress: (what: string) => void;
}

/** Measure; returns table rows [measure, memhp, baseline, ratio, target]. */
export async function benchViewer(inp: ViewerBenchInput): Promise<string[][]> {
  const rows: string[][] = [];
  const src: ViewSource = { file: 'bench', runs: [{ profile: inp.profile, log: inp.log }], iomem: [], iomemAt: [], comparison: null, check: null };
  const last = inp.log.length - 1;
  const rng = mulberry32(inp.seed ^ 0x51e7);
  const targets = Array.from({ length: inp.seeks }, () => rng.int(last));

  inp.progress('viewer: stateAt alone');
  const bare = timeRuns(inp.runs, () => undefined, () => {
    let s: unknown;
    for (const n of targets) s = inp.log.stateAt(n);
    return s;
  });
  inp.progress('viewer: state answer built and serialised');
  let bytes = 0;
  let sections = 0;
  const built = timeRuns(inp.runs, () => undefined, () => {
    bytes = 0;
    sections = 0;
    let text = '';
    for (const n of targets) {
      const v = stateView(src, 0, n);
      sections += v.sections.length;
      text = JSON.stringify(v);
      bytes += text.length;
    }
    return text;
  });
  const perBare = (bare.ms * 1000) / targets.length;
  const perBuilt = (built.ms * 1000) / targets.length;
  rows.push([`viewer state ×${targets.length} random`, `${fmtUs(perBuilt)}/step (stateView + JSON)`, `stateAt alone: ${fmtUs(perBare)}`, fmtRatio(perBuilt / perBare), '']);
  rows.push(['  answer size', `${fmtBytes(bytes / targets.length)}/step, ${(sections / targets.length).toFixed(0)} sections shown on average`, '', '', '']);

  const bundle = readBundle(bundleDir());
  if (!bundle.ok) {
    rows.push(['viewer over HTTP', `skipped: ${bundle.message}`, '', '', '']);
    return rows;
  }
  const started = await startViewServer(src, { bundle: bundle.bundle });
  if (!started.ok) throw new Error(started.message);
  const server = started.server;
  try {
    inp.progress('viewer: state fetched over HTTP');
    const http: number[] = [];
    for (let r = 0; r < inp.runs + 1; r++) {
      const t0 = performance.now();
      for (const n of targets) sink(await get(server.port, `/api/state?step=${n}`));
      if (r > 0) http.push(performance.now() - t0);
    }
    const perHttp = (median(http) * 1000) / targets.length;
    rows.push([`viewer state over HTTP ×${targets.length}`, `${fmtUs(perHttp)}/step (materialise + send)`, `stateAt alone: ${fmtUs(perBare)}`, fmtRatio(perHttp / perBare), '']);
    append(rows, await pageBench(server.url, last, inp));
  } finally {
    await server.close();
  }
  return rows;
}

// --- internal ---

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (t: string) => (body += t));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${path}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

async function pageBench(url: string, last: number, inp: ViewerBenchInput): Promise<string[][]> {
  if (!existsSync('/usr/bin/chromium')) return [['viewer page draw', 'skipped: no /usr/bin/chromium (apt-get install chromium)', '', '', '']];
  inp.progress('viewer: page draws in headless chromium');
  const profileDir = mkdtempSync(join(tmpdir(), 'memhp-bench-chromium-'));
  const ctx = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    viewport: { width: 1400, height: 860 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await ctx.newPage();
    const t0 = performance.now();
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 120_000 });
    const open = performance.now() - t0;
    const rng = mulberry32(inp.seed ^ 0xd4a3);
    const draw: number[] = [];
    const fetchOnly: number[] = [];
    for (let i = 0; i < inp.pageSteps + 2; i++) {
      const n = rng.int(last);
      const d = (await page.evaluate(`(async () => { const t = performance.now(); await window.memhpViewer.goto(${n}); return performance.now() - t; })()`)) as number;
      const f = (await page.evaluate(`(async () => { const t = performance.now(); await (await fetch('/api/state?step=${n}')).json(); return performance.now() - t; })()`)) as number;
      if (i >= 2) {
        draw.push(d);
        fetchOnly.push(f);
      }
    }
    return [
      [`viewer page: draw a random step ×${draw.length}`, `${fmtMs(median(draw))} median (max ${fmtMs(draw.reduce((a, b) => Math.max(a, b), 0))})`, `page fetch alone: ${fmtMs(median(fetchOnly))}`, fmtRatio(median(draw) / median(fetchOnly)), ''],
      ['  page open (info + first step)', fmtMs(open), '', '', ''],
    ];
  } finally {
    await ctx.close();
    rmSync(profileDir, { recursive: true, force: true });
  }
}
