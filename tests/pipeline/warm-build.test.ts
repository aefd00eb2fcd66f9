import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { startEditionServer } from '../../src/pipeline/prepare-edition.js';
import { launchChromium } from '../../src/render/chromium.js';
import { renderPage } from '../../src/render/render-page.js';

const SAMPLE = resolve('articles/2026-11-26');
const PAGES = ['A1', 'A2', 'A3', 'A4'];
let browser: Browser;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pw-warm-build-'));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** Tabs the build opens in our browser, the build's page PDFs, and the requests its server had. */
async function build(name: string, options: { freshTabs: boolean }): Promise<{ tabs: number; pdfs: string[]; requests: Array<{ path: string; conditional: boolean }> }> {
  let tabs = 0;
  const requests: Array<{ path: string; conditional: boolean }> = [];
  const server = async (mounts: Record<string, string>) => {
    const started = await startEditionServer(mounts);
    started.server.prependListener('request', (req) => requests.push({ path: req.url!.split('?')[0]!, conditional: 'if-none-match' in req.headers }));
    return started;
  };
  const count = (target: { type(): string }) => void (target.type() === 'page' && (tabs += 1));
  browser.on('targetcreated', count);
  try {
    const out = join(work, name);
    const report = await buildEdition(SAMPLE, { out, browser: async () => browser, proofOnly: true, concurrency: 1, server, renderer: options.freshTabs ? renderPage : undefined });
    expect(report.ok).toBe(true);
    return { tabs, requests, pdfs: PAGES.map((id) => join(out, '2026-11-26', 'pages', `${id}.pdf`)) };
  } finally {
    browser.off('targetcreated', count);
  }
}

const gray = (pdf: string) => execFileSync('pdftoppm', ['-r', '100', '-gray', '-singlefile', pdf], { maxBuffer: 64 * 1024 * 1024 });
const text = (pdf: string) => execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });

describe('a build', () => {
  it('renders its pages one after another in one kept tab, and they print as in a fresh tab each', async () => {
    const warm = await build('warm', { freshTabs: false });
    const fresh = await build('fresh', { freshTabs: true });
    // One render worker: one tab for the four pages, against one a page.
    expect(warm.tabs).toBe(1);
    expect(fresh.tabs).toBe(PAGES.length);
    for (const [i, id] of PAGES.entries()) {
      const [w, f] = [warm.pdfs[i]!, fresh.pdfs[i]!];
      expect(text(w).replace(/\s+/g, '').length, id).toBeGreaterThan(500);
      expect(text(w), id).toBe(text(f));
      // 100 dpi grey rasters, byte for byte.
      expect(gray(w).equals(gray(f)), `${id} raster`).toBe(true);
      expect(readFileSync(w).length, id).toBeGreaterThan(10_000);
    }
    // The page font subsets (named by their content) are fetched once each and then kept by
    // the browser: Paged.js re-adding a page's @font-face rules asks the server nothing.
    const fonts = warm.requests.filter((r) => /^\/assets\/fonts\/[0-9a-f]+\.ttf$/.test(r.path));
    expect(fonts.length).toBeGreaterThan(PAGES.length);
    expect(fonts.filter((r) => r.conditional)).toEqual([]);
    expect(new Set(fonts.map((r) => r.path)).size).toBe(fonts.length);
  }, 600_000);
});
