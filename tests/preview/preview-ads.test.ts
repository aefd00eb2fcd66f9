import type { Browser, Page } from 'puppeteer-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPreviewTab, startFixture, type PreviewFixture } from './preview-fixture.js';

// Real Chromium against a running preview of a copy of the sample, whose A4 carries two supplied ads.

let fixture: PreviewFixture;
let browser: Browser;
let tab: Page;

beforeAll(async () => {
  fixture = await startFixture();
  ({ browser, tab } = await openPreviewTab(fixture));
});

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

/** The commonest colour of a PNG, as r,g,b. */
async function commonest(png: Uint8Array): Promise<string> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const counts = new Map<string, number>();
  for (let i = 0; i < data.length; i += info.channels) {
    const key = `${data[i]},${data[i + 1]},${data[i + 2]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

describe('supplied ads in the preview', () => {
  it('draws each ad in its frame, marked as a locked block', async () => {
    await tab.goto(`${fixture.preview.url}page/A4`);
    await tab.waitForFunction(() => window.__pwPreview?.swaps > 0, { timeout: 120_000, polling: 100 });
    const frames = await tab.evaluate(() => {
      const doc = document.querySelector<HTMLIFrameElement>('iframe.pw-frame:not(.pw-frame-loading)')!.contentDocument!;
      return [...doc.querySelectorAll<HTMLElement>('.ad-frame')].map((f) => ({
        file: f.dataset.ad,
        locked: f.dataset.locked,
        background: f.style.backgroundImage,
        label: f.querySelector('.pw-ad-label')?.textContent,
        width: f.getBoundingClientRect().width,
      }));
    });
    expect(frames.map((f) => f.file).sort()).toEqual(['ads/zhengding-2027.pdf', 'ads/zhengding-qiche.jpg']);
    for (const frame of frames) {
      expect(frame.locked).toBe('true');
      expect(frame.background).toContain(`/_preview/ad.png?file=${encodeURIComponent(frame.file!)}`);
      expect(frame.label).toMatch(/^广告 · .+ · 锁定$/);
      expect(frame.width).toBeGreaterThan(100);
    }
    // The pictures really load in the page: the browser decoded both.
    const loaded = await tab.evaluate(async () => {
      const doc = document.querySelector<HTMLIFrameElement>('iframe.pw-frame:not(.pw-frame-loading)')!.contentDocument!;
      const urls = [...doc.querySelectorAll<HTMLElement>('.ad-frame')].map((f) => /url\("([^"]+)"\)/.exec(f.style.backgroundImage)![1]!);
      return Promise.all(urls.map((url) => new Promise<number>((done) => { const img = new Image(); img.onload = () => done(img.naturalWidth); img.onerror = () => done(0); img.src = url; })));
    });
    expect(loaded.every((w) => w > 100)).toBe(true);
  });

  it('serves a PDF ad drawn by Ghostscript and a CMYK JPEG ad in sRGB, and nothing outside the edition', async () => {
    const get = (file: string) => fetch(`${fixture.preview.url}_preview/ad.png?file=${encodeURIComponent(file)}`);
    const pdf = await get('ads/zhengding-2027.pdf');
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('image/png');
    // The house ad's ground is white paper; its red is C0 M100 Y100 K10 on the plate.
    const pdfPng = new Uint8Array(await pdf.arrayBuffer());
    expect(await commonest(pdfPng)).toBe('255,255,255');
    const jpg = await get('ads/zhengding-qiche.jpg');
    expect(jpg.status).toBe(200);
    // The car ad's blue ground (C100 M70 Y0 K30): blue wins over red and green on screen.
    const [r, g, b] = (await commonest(new Uint8Array(await jpg.arrayBuffer()))).split(',').map(Number);
    expect(b!).toBeGreaterThan(r! + 60);
    expect(b!).toBeGreaterThan(g!);
    for (const bad of ['../edition.yaml', '/etc/passwd', 'ads/missing.pdf', 'edition.yaml']) expect((await get(bad)).status, bad).toBe(404);
  });
});
