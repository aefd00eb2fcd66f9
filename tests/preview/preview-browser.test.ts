import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markFirstParagraph, openPreviewTab, startFixture, titleOf, type PreviewFixture } from './preview-fixture.js';

// Real Chromium against a running preview server on a copy of the sample edition.

let fixture: PreviewFixture;
let browser: Browser;
let tab: Page;

/** Text of the page document shown in the page view (not the one loading behind it). */
function shownText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const frame = document.querySelector<HTMLIFrameElement>('iframe.pw-frame:not(.pw-frame-loading)');
    return frame?.contentDocument?.body.textContent ?? '';
  });
}

async function waitForShownText(page: Page, text: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    (wanted) => {
      const frame = document.querySelector<HTMLIFrameElement>('iframe.pw-frame:not(.pw-frame-loading)');
      return Boolean(frame?.contentDocument?.body.textContent?.includes(wanted));
    },
    { timeout, polling: 50 },
    text,
  );
}

async function openPage(id: string): Promise<void> {
  await tab.goto(`${fixture.preview.url}page/${id}`);
  await tab.waitForFunction(() => window.__pwPreview?.swaps > 0, { timeout: 120_000, polling: 100 });
}

const storyFile = (pageIndex: number) => join(fixture.editionDir, fixture.pages[pageIndex]!.files[0]!);

beforeAll(async () => {
  fixture = await startFixture();
  ({ browser, tab } = await openPreviewTab(fixture));
});

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

describe('preview in Chromium', () => {
  it('lists every page of the edition on the index, with its copyfit once laid out', async () => {
    await tab.goto(fixture.preview.url);
    const ids = fixture.pages.map((p) => p.id);
    await tab.waitForFunction((n) => document.querySelectorAll('.pw-card').length === n, { timeout: 60_000 }, ids.length);
    expect(await tab.$$eval('.pw-card', (cards) => cards.map((c) => c.getAttribute('data-page')))).toEqual(ids);
    // Thumbnails and copyfit states arrive as the warm Chromium lays the pages out.
    await tab.waitForFunction((n) => document.querySelectorAll('.pw-card img.pw-thumb').length === n, { timeout: 150_000, polling: 200 }, ids.length);
    expect(await tab.$$eval('.pw-card .pw-stories li', (items) => items.length)).toBeGreaterThanOrEqual(ids.length);
  });

  it('shows the story text in the page view', async () => {
    const feature = fixture.pages.findIndex((p) => p.files.some((f) => f.startsWith('feature-')));
    const index = feature >= 0 ? feature : 0;
    await openPage(fixture.pages[index]!.id);
    const title = titleOf(await readFile(storyFile(index), 'utf8'));
    await waitForShownText(tab, title);
    expect(await shownText(tab)).toContain(title);
    // Paged.js made the page: one .pagedjs_page in the shown document.
    const pages = await tab.evaluate(() => document.querySelector<HTMLIFrameElement>('iframe.pw-frame')?.contentDocument?.querySelectorAll('.pagedjs_page').length);
    expect(pages).toBe(1);
  });

  it('fills a jump target page with the text its source page could not hold', async () => {
    const state = fixture.preview.builder.snapshot();
    const target = state.pages.find((p) => p.stories.some((s) => s.part === 'cont'));
    if (!target) return; // the sample has no jump at the moment
    await openPage(target.id);
    const text = await tab.evaluate(() => {
      const doc = document.querySelector<HTMLIFrameElement>('iframe.pw-frame:not(.pw-frame-loading)')?.contentDocument;
      return doc?.querySelector('.story[data-part="cont"]')?.textContent?.replace(/\s+/g, '') ?? '';
    });
    const head = target.stories.find((s) => s.part === 'cont')!;
    expect(text.length).toBeGreaterThan(head.title.length + 20);
  });

  it('updates the open page when an article is saved, without navigating', async () => {
    const index = fixture.pages.findIndex((p) => p.files.some((f) => f.startsWith('feature-')));
    const pageIndex = index >= 0 ? index : 0;
    const id = fixture.pages[pageIndex]!.id;
    await openPage(id);
    await fixture.preview.builder.idle();
    const before = fixture.preview.builder.snapshot().pages;
    let navigations = 0;
    tab.on('framenavigated', (frame) => {
      if (frame === tab.mainFrame()) navigations++;
    });
    await tab.evaluate(() => {
      (window as unknown as { __keep: string }).__keep = 'still here';
      document.querySelector('.pw-viewport')!.scrollTo(0, 400);
    });
    const zoom = await tab.$eval('.pw-zoom-label', (el) => el.textContent);
    const scroll = await tab.$eval('.pw-viewport', (el) => el.scrollTop);

    const marker = '预览实时更新测试标记';
    const path = storyFile(pageIndex);
    await writeFile(path, markFirstParagraph(await readFile(path, 'utf8'), marker));
    await waitForShownText(tab, marker);

    expect(navigations).toBe(0);
    expect(tab.url()).toBe(`${fixture.preview.url}page/${id}`);
    expect(await tab.evaluate(() => (window as unknown as { __keep?: string }).__keep)).toBe('still here');
    expect(await tab.$eval('.pw-zoom-label', (el) => el.textContent)).toBe(zoom);
    expect(await tab.$eval('.pw-viewport', (el) => el.scrollTop)).toBe(scroll);
    // Only the page with the edited story got a new version.
    await fixture.preview.builder.idle();
    const after = fixture.preview.builder.snapshot().pages;
    for (const page of after) {
      const old = before.find((p) => p.id === page.id)!;
      if (page.id === id) expect(page.version).toBeGreaterThan(old.version);
      else expect(page.version).toBe(old.version);
    }
  });

  it('shows an overlay for a broken edition.yaml and clears it on the next good save', async () => {
    await openPage(fixture.pages[0]!.id);
    const yamlPath = join(fixture.editionDir, 'edition.yaml');
    const good = await readFile(yamlPath, 'utf8');
    await writeFile(yamlPath, good.replace(/^format: .*$/m, 'format: newsprint'));
    await tab.waitForSelector('#pw-error-overlay', { timeout: 30_000 });
    const overlay = await tab.$eval('#pw-error-overlay', (el) => el.textContent ?? '');
    const line = good.split('\n').findIndex((l) => l.startsWith('format:')) + 1;
    expect(overlay).toContain(`edition.yaml:${line}`);
    expect(overlay).toContain('format');
    // The last good page stays underneath.
    expect(await tab.$('iframe.pw-frame')).not.toBeNull();

    await writeFile(yamlPath, good);
    await tab.waitForSelector('#pw-error-overlay', { hidden: true, timeout: 30_000 });
  });

  it('opens the source path of a clicked story', async () => {
    await openPage(fixture.pages[0]!.id);
    const story = await tab.evaluate(() => {
      const frame = document.querySelector<HTMLIFrameElement>('iframe.pw-frame:not(.pw-frame-loading)')!;
      const el = frame.contentDocument!.querySelector<HTMLElement>('.story[data-story]')!;
      el.click();
      return el.dataset.file ?? '';
    });
    await tab.waitForSelector('.pw-story-panel');
    const path = await tab.$eval('.pw-story-panel code', (el) => el.textContent ?? '');
    expect(path.endsWith(story)).toBe(true);
    expect(path).toContain(fixture.editionDir);
  });

  it('toggles the grid overlay and moves between pages with the keyboard', async () => {
    await openPage(fixture.pages[0]!.id);
    await tab.keyboard.press('g');
    expect(await tab.evaluate(() => document.body.classList.contains('pw-show-grid'))).toBe(true);
    expect(await tab.$('svg.pw-grid')).not.toBeNull();
    if (fixture.pages.length > 1) {
      const swaps = await tab.evaluate(() => window.__pwPreview.swaps);
      await tab.keyboard.press('ArrowRight');
      await tab.waitForFunction((n) => window.__pwPreview.swaps > n, { timeout: 60_000 }, swaps);
      expect(new URL(tab.url()).pathname).toBe(`/page/${fixture.pages[1]!.id}`);
    }
  });
});
