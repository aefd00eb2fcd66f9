import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdition, type BuildOptions } from '../../src/pipeline/build-edition.js';
import { createPageCache } from '../../src/pipeline/page-cache.js';
import { collectHashInputs } from '../../src/pipeline/page-hash.js';
import type { CachedPage } from '../../src/pipeline/render-pages.js';
import { launchChromium } from '../../src/render/chromium.js';
import { article, numberedSentences, TWO_PAGE_EDITION as EDITION, writeEdition } from '../helpers/fixture-edition.js';

let browser: Browser;
let launches = 0;
const getBrowser = async () => {
  launches += 1;
  return browser;
};

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The change report's images, by name: made as pages render, never left as temporaries. */
const changeImages = (out: string) => readdirSync(join(out, 'edition', 'changes')).sort();

function options(out: string, extra: Partial<BuildOptions> = {}): BuildOptions {
  return { out, browser: getBrowser, proofOnly: true, ...extra };
}

describe('incremental builds', () => {
  it('reuses every unchanged page without a browser, and rebuilds only the page whose article changed', async () => {
    const dir = writeEdition(EDITION);
    const out = join(dir, '..', 'out');
    const cache = { pages: createPageCache<CachedPage>(join(out, '.cache')), inputs: await collectHashInputs({ chromiumVersion: 'test' }) };
    launches = 0;
    const first = await buildEdition(dir, options(out, { pageCache: cache }));
    expect(first.ok).toBe(true);
    const pdfA1 = readFileSync(join(out, 'edition', 'pages', 'A1.pdf'));
    expect(launches).toBe(2);
    expect(first.changes?.map((c) => [c.page, c.status])).toEqual([['A1', 'new'], ['A2', 'new']]);
    expect(changeImages(out)).toEqual(['A1.hash', 'A1.png', 'A2.hash', 'A2.png']);

    launches = 0;
    const pages: string[] = [];
    const second = await buildEdition(dir, options(out, { pageCache: cache, onPage: (e) => e.cached && pages.push(e.page) }));
    expect(launches).toBe(0);
    expect(pages.sort()).toEqual(['A1', 'A2']);
    expect(readFileSync(join(out, 'edition', 'pages', 'A1.pdf')).equals(pdfA1)).toBe(true);
    expect(second.changes).toEqual([]);

    writeFileSync(join(dir, 'two.md'), article('第二篇稿件改了标题', [numberedSentences(12, 100).join('')]));
    launches = 0;
    const third = await buildEdition(dir, options(out, { pageCache: cache }));
    expect(launches).toBe(1);
    expect(third.changes?.map((c) => c.page)).toEqual(['A2']);
    expect(existsSync(join(out, 'edition', 'changes.html'))).toBe(true);
    expect(readFileSync(join(out, 'edition', 'changes.html'), 'utf8')).toContain('A2');
    expect(changeImages(out)).toEqual(['A1.hash', 'A1.png', 'A2.diff.png', 'A2.hash', 'A2.png', 'A2.prev.png']);
  }, 300_000);
});

describe('fault containment', () => {
  it('reports a page that never finishes paginating, builds the others and keeps the previous PDF', async () => {
    const dir = writeEdition(EDITION);
    const out = join(dir, '..', 'out');
    expect((await buildEdition(dir, options(out))).ok).toBe(true);
    const lastNight = statSync(join(out, 'edition', 'pages', 'A2.pdf')).mtimeMs;
    const proofBefore = readFileSync(join(out, 'edition', 'edition.pdf'));
    const imagesBefore = changeImages(out).map((name) => [name, readFileSync(join(out, 'edition', 'changes', name)).toString('base64')]);

    const hang = {
      // Paged.js's preview never resolves: the page is stuck in pagination.
      beforeLoad: async (page: import('puppeteer-core').Page) => {
        await page.evaluateOnNewDocument(() => {
          // Runs before presswork's own DOMContentLoaded handler, once paged.js has loaded.
          document.addEventListener('DOMContentLoaded', () => {
            const paged = (window as unknown as { Paged: { Previewer: { prototype: { preview: () => Promise<unknown> } } } }).Paged;
            paged.Previewer.prototype.preview = () => new Promise(() => undefined);
          });
        });
      },
    };
    const report = await buildEdition(
      dir,
      options(out, {
        timeouts: { navigationMs: 20_000, paginationMs: 15_000, printMs: 20_000 },
        hooks: (page) => (page === 'A2' ? hang : undefined),
      }),
    );
    const failures = report.messages.filter((m) => m.ruleId === 'render-failed');
    // Every failure is listed, so a CI failure shows what else went wrong.
    expect(failures.map((m) => `${m.page}: ${m.message}`)).toEqual([expect.stringMatching(/^A2: /)]);
    expect(failures[0]?.message).toMatch(/^edition page A2: layout and pagination timed out after 15 s \(stories: two\); A2\.pdf from .* is kept and is now stale$/);
    expect(report.pages.find((p) => p.id === 'A1')?.ok).toBe(true);
    expect(report.ok).toBe(false);
    expect(statSync(join(out, 'edition', 'pages', 'A2.pdf')).mtimeMs).toBe(lastNight);
    // The proof is not rewritten with a page missing: last night's stays whole.
    expect(readFileSync(join(out, 'edition', 'edition.pdf')).equals(proofBefore)).toBe(true);
    // A1's image was made while A2 hung; with no proof it is dropped, and last night's images stay.
    expect(changeImages(out).map((name) => [name, readFileSync(join(out, 'edition', 'changes', name)).toString('base64')])).toEqual(imagesBefore);
  }, 300_000);

  it('still makes the plate of a good page when another page fails', async () => {
    const dir = writeEdition(EDITION);
    const out = join(dir, '..', 'out');
    const broken = { beforeLoad: async () => Promise.reject(new Error('injected failure')) };
    const report = await buildEdition(dir, options(out, { proofOnly: false, hooks: (page) => (page === 'A2' ? broken : undefined) }));
    expect(report.messages.filter((m) => m.ruleId === 'render-failed').map((m) => m.page)).toEqual(['A2']);
    expect(report.pdf).toBeNull(); // no proof with a page missing
    expect(report.pages.map((p) => [p.id, p.plate])).toEqual([
      ['A1', 'plates/newspaper-20261126-A1.pdf'],
      ['A2', null],
    ]);
    expect(existsSync(join(out, 'edition', 'plates', 'newspaper-20261126-A1.pdf'))).toBe(true);
    expect(report.messages.filter((m) => m.ruleId.startsWith('pdf/'))).toEqual([]); // its preflight is clean
  }, 300_000);

  it('catches a paragraph that the print step lost', async () => {
    const dir = writeEdition(EDITION);
    const dropParagraph = {
      beforePrint: (page: import('puppeteer-core').Page) =>
        page.evaluate(() => {
          const paragraphs = [...document.querySelectorAll('.pagedjs_page .frame p')];
          paragraphs[paragraphs.length - 1]?.remove();
        }),
    };
    const report = await buildEdition(dir, options(join(dir, '..', 'out'), { hooks: (page) => (page === 'A1' ? dropParagraph : undefined) }));
    expect(report.verify.missingChars).toBeGreaterThan(20);
    const missing = report.messages.find((m) => m.ruleId === 'missing-text');
    expect(missing?.message).toMatch(/^Text of story `one` is missing from the PDF \(\d+ characters\), first missing passage: “[^”]*第\d+句/);
    expect(report.ok).toBe(false);
  }, 300_000);
});

describe('the output lock', () => {
  it('refuses a second build of the same output folder while one runs', async () => {
    const dir = writeEdition(EDITION);
    const out = join(dir, '..', 'out');
    const first = buildEdition(dir, options(out));
    await new Promise((r) => setTimeout(r, 300));
    await expect(buildEdition(dir, options(out))).rejects.toThrow(/^Output folder is in use by another presswork build: pid \d+/);
    expect((await first).ok).toBe(true);
  }, 300_000);
});
