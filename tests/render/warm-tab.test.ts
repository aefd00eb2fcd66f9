import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { diffImages } from '../../src/pipeline/page-changes.js';
import { staticMounts } from '../../src/pipeline/prepare-edition.js';
import { launchChromium } from '../../src/render/chromium.js';
import { renderPage, type RenderedPage } from '../../src/render/render-page.js';
import { startStaticServer, type StaticServer } from '../../src/render/static-server.js';
import { createWarmRenderer, type WarmRenderer } from '../../src/render/warm-tab.js';
import { pdfFonts } from '../helpers/pdf.js';

const SAMPLE = resolve('articles/2026-11-26');
let browser: Browser;
let server: StaticServer;
let warm: WarmRenderer;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pw-warm-'));
  browser = await launchChromium();
  // A proof-only build writes the page documents (html/A1.html …) with their font subsets.
  await buildEdition(SAMPLE, { out: work, browser: async () => browser, proofOnly: true });
  server = await startStaticServer({ mounts: staticMounts(SAMPLE, join(work, '2026-11-26', 'html')) });
  warm = createWarmRenderer();
}, 600_000);

afterAll(async () => {
  await warm?.close();
  await server?.close();
  await browser?.close();
});

const url = (page: string) => `${server.origin}/html/${page}.html`;
const options = (label: string, beforePrint?: (page: Page) => Promise<void>) => ({ origin: server.origin, label, hooks: beforePrint && { beforePrint } });

function writePdf(name: string, rendered: RenderedPage): string {
  const path = join(work, `${name}.pdf`);
  writeFileSync(path, rendered.pdf);
  return path;
}

/** Copyfit without its layout time, which is the only part that may differ between two runs. */
const fits = (rendered: RenderedPage) => rendered.copyfit.map((c) => ({ ...c, layout: c.layout && { passes: c.layout.passes } }));
const text = (pdf: string) => execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
/** Font names without the subset tag (ABCDEF+), which differs from print to print. */
const fontNames = (pdf: string) => pdfFonts(pdf).map((f) => f.name.replace(/^[A-Z]{6}\+/, '')).sort();

function raster(pdf: string): PNG {
  const prefix = pdf.replace(/\.pdf$/, '');
  execFileSync('pdftoppm', ['-r', '50', '-png', '-singlefile', pdf, prefix]);
  return PNG.sync.read(readFileSync(`${prefix}.png`));
}

describe('a warm tab', () => {
  it('prints a page, after another page was paginated in the same tab, as a fresh tab prints it', async () => {
    const fresh = await renderPage(browser, url('A3'), options('fresh A3'));

    // A1 first (the front page, another template, a jumping story), then A3 in the same tab.
    let tab: Page | undefined;
    const first = await warm.render(browser, url('A1'), options('warm A1', async (page) => {
      tab = page;
      await page.evaluate(() => ((window as Window & { __pwSameDocument?: boolean }).__pwSameDocument = true));
    }));
    expect(first.pageCount).toBe(1);
    let reusedTab = false;
    let sameDocument = false;
    const again = await warm.render(browser, url('A3'), options('warm A3', async (page) => {
      reusedTab = page === tab;
      sameDocument = await page.evaluate(() => (window as Window & { __pwSameDocument?: boolean }).__pwSameDocument === true);
    }));
    // Paginated again in the open tab: the window (and its parsed Paged.js) is the one A1 had.
    expect(reusedTab).toBe(true);
    expect(sameDocument).toBe(true);

    expect(again.pageCount).toBe(1);
    expect(again.pageErrors).toEqual([]);
    expect(again.blockedRequests).toEqual([]);
    expect(fits(again)).toEqual(fits(fresh));
    expect(again.handover).toEqual(fresh.handover);
    expect(again.audit).toEqual(fresh.audit);
    expect(again.copyfit.length).toBeGreaterThan(0);

    const [freshPdf, warmPdf] = [writePdf('fresh-A3', fresh), writePdf('warm-A3', again)];
    expect(text(warmPdf)).toBe(text(freshPdf));
    expect(text(warmPdf).replace(/\s+/g, '').length).toBeGreaterThan(1000);
    expect(pdfFonts(warmPdf).every((f) => f.embedded)).toBe(true);
    expect(fontNames(warmPdf)).toEqual(fontNames(freshPdf));

    const diff = diffImages(raster(freshPdf), raster(warmPdf), 0.1);
    expect(diff.total).toBeGreaterThan(100_000);
    expect(diff.pixels / diff.total).toBeLessThan(0.0005);
  });

  it('lays out a page (layout only, as the preview does) after a paginated one as a fresh tab does', async () => {
    const fresh = await renderPage(browser, url('A2'), { ...options('fresh A2'), layoutOnly: true });
    await warm.render(browser, url('A4'), options('warm A4'));
    const again = await warm.render(browser, url('A2'), { ...options('warm A2'), layoutOnly: true });
    expect(again.copyfit.length).toBeGreaterThan(0);
    expect(fits(again)).toEqual(fits(fresh));
    expect(again.handover).toEqual(fresh.handover);
    expect(again.audit).toEqual(fresh.audit);
  });

  it('replaces a tab once it has taken its documents, so what pages leave in it stays bounded', async () => {
    const renderer = createWarmRenderer({ tabUses: 2 });
    let opened = 0;
    const count = (target: { type(): string }) => void (target.type() === 'page' && (opened += 1));
    browser.on('targetcreated', count);
    try {
      const tabs: Page[] = [];
      for (const id of ['A1', 'A2', 'A3']) {
        const rendered = await renderer.render(browser, url(id), { ...options(`uses ${id}`, async (page) => void tabs.push(page)), layoutOnly: true });
        expect(rendered.copyfit.length, id).toBeGreaterThan(0);
      }
      // A1 and A2 in the first tab, which then closes; A3 in a new one.
      expect(opened).toBe(2);
      expect(tabs[1]).toBe(tabs[0]);
      expect(tabs[2]).not.toBe(tabs[0]);
      expect(tabs[0]!.isClosed()).toBe(true);
    } finally {
      browser.off('targetcreated', count);
      await renderer.close();
    }
  });
});
