/** Browser tests' session: one headless Chromium per test file, and `memhp view` opened in a fresh page whose CSP is watched. */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium, startViewer } from '../helpers/browser.js';

let chrome: Awaited<ReturnType<typeof launchChromium>>;

/** The Chromium useChromium launched. */
export function browser(): BrowserContext {
  return chrome.browser;
}

/** Launch Chromium before the calling test file's tests and close it after them (call at its top level). */
export function useChromium(): void {
  beforeAll(async () => {
    chrome = await launchChromium();
  });
  afterAll(async () => {
    await chrome?.close();
  });
}

/** The page's Content-Security-Policy violations so far: the page's own events, and Chromium's console reports. */
export type CspLog = () => Promise<string[]>;

/** Record every CSP violation of `page` (a securitypolicyviolation listener installed before the page's own script runs). */
export async function watchCsp(page: Page): Promise<CspLog> {
  const reports: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) reports.push(m.text());
  });
  await page.addInitScript(`window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.effectiveDirective + ' ' + e.blockedURI), true);`);
  return async () => [...((await page.evaluate('window.__csp')) as string[]), ...reports];
}

/** Open `memhp view ARGS` at `hash` in a fresh page; run `body`; check nothing broke the page's CSP; always stop the viewer. */
export async function withViewer(args: readonly string[], hash: string, body: (page: Page, url: string) => Promise<void>): Promise<void> {
  const v = await startViewer(args);
  const page = await browser().newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const csp = await watchCsp(page);
  try {
    await page.goto(`${v.url}${hash}`);
    await body(page, v.url);
    expect(errors).toEqual([]);
    expect(await csp()).toEqual([]);
  } finally {
    await page.close();
    await v.stop();
  }
}
