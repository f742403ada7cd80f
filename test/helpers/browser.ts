/**
 * Browser tests' helpers: `memhp view` started as the real bin/memhp.js process (its URL read from
 * stdout), and Debian's headless Chromium driven by playwright-core with a fresh profile and no
 * background network (the machine's closed network refuses Chromium's own connections).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { ROOT } from './cli.js';

/** Debian's chromium, where apt-get installs it (.ci/run does when no chromium is found). */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** The first executable regular file named `name` in the PATH list `path`, as `which` finds it; undefined when there is none. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not there or not executable: the next directory
    }
  }
  return undefined;
}

/** The chromium the browser tests drive: the first `chromium` on PATH, else Debian's /usr/bin/chromium; undefined when neither exists. */
export function findChromium(): string | undefined {
  return findOnPath('chromium') ?? (existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined);
}

/** Where the browser tests leave screenshots for a reviewer (gitignored). */
export const SCREENSHOTS = join(ROOT, 'screenshots');

/** A running `memhp view`. */
export interface Viewer {
  readonly url: string;
  readonly proc: ChildProcess;
  /** Everything the process printed so far. */
  output(): { stdout: string; stderr: string };
  /** Send SIGINT and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Start `memhp view ARGS` and wait for its URL (rejects with its stderr if it exits first). */
export function startViewer(args: readonly string[]): Promise<Viewer> {
  const proc = spawn(process.execPath, [join(ROOT, 'bin/memhp.js'), 'view', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  proc.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const exited = new Promise<number | null>((done) => proc.once('exit', (code) => done(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`memhp view printed no URL in 30 s: ${stdout}${stderr}`)), 30_000);
    const look = (): void => {
      const m = /open (http:\/\/\S+)|"url":"(http:\/\/[^"]+)"/.exec(stdout);
      const url = m?.[1] ?? m?.[2];
      if (url === undefined) return;
      clearTimeout(timer);
      resolve({
        url,
        proc,
        output: () => ({ stdout, stderr }),
        stop: () => {
          if (proc.exitCode === null) proc.kill('SIGINT');
          return exited;
        },
      });
    };
    proc.stdout.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`memhp view exited (${code}) before printing a URL: ${stderr}`));
    });
  });
}

/** A headless Chromium with a fresh throw-away profile (its --user-data-dir); close() also removes it. */
export async function launchChromium(viewport = { width: 1400, height: 860 }): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error(`the viewer's browser tests need chromium on PATH or at ${DEBIAN_CHROMIUM}: apt-get install chromium (bash .ci/run does it)`);
  const profile = mkdtempSync(join(tmpdir(), 'memhp-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Wait until the page has drawn step `step` (body[data-ready=1][data-step=N]). */
export async function drawn(page: Page, step: number): Promise<void> {
  await page.waitForSelector(`body[data-ready="1"][data-step="${step}"]`, { state: 'attached', timeout: 15_000 });
}

/** Save a screenshot under /screenshots/ at the repository root. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, name);
  await page.screenshot({ path });
  return path;
}
