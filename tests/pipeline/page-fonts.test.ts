import fontkit from '@pdf-lib/fontkit';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPageFontSubsetter, pageCharacters, unicodeRange, withFontPreloads } from '../../src/pipeline/page-fonts.js';
import { staticMounts } from '../../src/pipeline/prepare-edition.js';
import { writeBrowserAssets } from '../../src/render/browser-assets.js';
import { launchChromium } from '../../src/render/chromium.js';
import { startStaticServer, type StaticServer } from '../../src/render/static-server.js';

const TEXT = '萧山日报 presswork：“村BA”篮球联赛落幕，2026年11月26日（星期四）——记者报道……';
const FAMILIES = ['Noto Serif SC', 'Noto Sans SC', 'LXGW WenKai', 'Presswork CJK Punctuation'];

describe('page characters and ranges', () => {
  it('lists each printable character once, in code point order', () => {
    expect(pageCharacters('报报a\nb\u0007a')).toBe('ab报');
  });
  it('writes runs of code points as ranges', () => {
    expect(unicodeRange([0x4e00, 0x21, 0x20, 0x22, 0x41])).toBe('U+20-22,U+41,U+4E00');
  });
});

describe('per-page font subsets', () => {
  let assets: string;
  let htmlDir: string;
  let browser: Browser;
  let server: StaticServer;
  let preloads: string[];

  beforeAll(async () => {
    htmlDir = await mkdtemp(join(tmpdir(), 'presswork-fonts-'));
    assets = join(htmlDir, 'assets');
    await writeBrowserAssets(assets);
    const fonts = await createPageFontSubsetter(assets);
    expect(fonts.href('A1')).toBe('/assets/fonts/A1.css');
    preloads = await fonts.write('A1', TEXT);
    const spans = FAMILIES.map((family) =>
      [400, 700].map((weight) => `<p><span data-family="${family}" style="font: ${weight} 20px '${family}', 'Noto Serif SC', 'Noto Serif SC Extended'">${TEXT}</span></p>`).join(''),
    ).join('\n');
    const page = (links: string[]) =>
      `<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">${links.map((href) => `<link rel="stylesheet" href="${href}">`).join('')}</head><body>${spans}</body></html>`;
    await writeFile(join(htmlDir, 'whole.html'), page(['/assets/fonts.css']));
    await writeFile(join(htmlDir, 'subset.html'), page(['/assets/fonts/A1.css', '/assets/fonts-extended.css']));
    await writeFile(join(htmlDir, 'preloaded.html'), withFontPreloads(page(['/assets/fonts/A1.css', '/assets/fonts-extended.css']), preloads));
    server = await startStaticServer({ mounts: staticMounts(htmlDir, htmlDir) });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('declares a subset of every main face, and the punctuation faces on the Song subsets', async () => {
    const css = await readFile(join(assets, 'fonts', 'A1.css'), 'utf8');
    for (const family of FAMILIES) expect(css).toContain(`font-family: '${family}'`);
    expect(css).not.toMatch(/\/fonts\/[^)]*\.woff2/); // no whole face left to fetch
    const urls = [...css.matchAll(/url\(\/assets\/fonts\/([0-9a-f]+\.ttf)\)/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(10);
    // No subset is made for a face with none of the page's characters.
    expect((await readdir(join(assets, 'fonts'))).filter((f) => f.endsWith('.ttf')).sort()).toEqual([...new Set(urls)].sort());
    for (const file of new Set(urls)) {
      const font = fontkit.create(await readFile(join(assets, 'fonts', file)));
      const has = (char: string) => font.characterSet.includes(char.codePointAt(0)!);
      if (!has('报')) continue; // a Latin-only face
      expect(has('篮')).toBe(true);
      expect(has('鑫')).toBe(false); // not on the page
      expect(font.numGlyphs).toBeLessThan(2000);
    }
  });

  it('gives each subset the unicode-range of exactly the characters its cmap maps to a glyph', async () => {
    const css = await readFile(join(assets, 'fonts', 'A1.css'), 'utf8');
    const rules = [...css.matchAll(/font-family: '([^']+)';[\s\S]*?url\(\/assets\/fonts\/([0-9a-f]+\.ttf)\)[\s\S]*?unicode-range: ([^;]+);/g)].filter((m) => m[1] !== 'Presswork CJK Punctuation');
    expect(rules.length).toBeGreaterThanOrEqual(10);
    for (const [, family, file, range] of rules) {
      const font = fontkit.create(await readFile(join(assets, 'fonts', file!)));
      // Not the 0xFFFF that ends every format 4 cmap, on glyph 0.
      const mapped = font.characterSet.filter((cp) => font.glyphForCodePoint(cp).id !== 0);
      expect(`${family} ${range}`).toBe(`${family} ${unicodeRange(mapped)}`);
    }
  });

  it('sets text exactly as the whole fonts do, and the page fetches no whole face', async () => {
    const measure = async (name: string) => {
      const tab = await browser.newPage();
      try {
        await tab.goto(`${server.origin}/html/${name}.html`, { waitUntil: 'load' });
        await tab.evaluate(() => document.fonts.ready);
        return await tab.evaluate(() => ({
          widths: [...document.querySelectorAll('span')].map((s) => `${s.dataset.family}: ${s.getBoundingClientRect().width.toFixed(3)}`),
          fetched: performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname),
        }));
      } finally {
        await tab.close();
      }
    };
    const whole = await measure('whole');
    const subset = await measure('subset');
    expect(subset.widths).toEqual(whole.widths);
    expect(whole.fetched.some((path) => path.includes('chinese-simplified-400'))).toBe(true);
    // Whole faces, not the rare-character slices of the Extended families.
    expect(subset.fetched.filter((path) => /chinese-simplified|lxgw-wenkai/.test(path))).toEqual([]);
    expect(subset.fetched.some((path) => /^\/assets\/fonts\/[0-9a-f]+\.ttf$/.test(path))).toBe(true);
    // Preloading the page's subsets changes nothing drawn, and fetches each file once.
    const css = await readFile(join(assets, 'fonts', 'A1.css'), 'utf8');
    expect(new Set(preloads)).toEqual(new Set([...css.matchAll(/url\((\/assets\/fonts\/[0-9a-f]+\.ttf)\)/g)].map((m) => m[1])));
    const preloaded = await measure('preloaded');
    expect(preloaded.widths).toEqual(whole.widths);
    const subsetFetches = preloaded.fetched.filter((path) => path.endsWith('.ttf'));
    expect(subsetFetches.sort()).toEqual([...preloads].sort());
  }, 120_000);
});

describe('pruning subsets', () => {
  it('deletes the subsets that no page stylesheet uses after a page changes', async () => {
    const htmlDir = await mkdtemp(join(tmpdir(), 'presswork-fonts-prune-'));
    const assets = join(htmlDir, 'assets');
    await writeBrowserAssets(assets);
    const fonts = await createPageFontSubsetter(assets);
    await fonts.write('A1', '第一版的字');
    await fonts.write('A2', '第二版的字');
    const subsets = async () => (await readdir(join(assets, 'fonts'))).filter((f) => f.endsWith('.ttf')).sort();
    const before = await subsets();
    await fonts.write('A2', '第二版改过的字');
    await fonts.prune();
    const after = await subsets();
    const used = async (page: string) => [...(await readFile(join(assets, 'fonts', `${page}.css`), 'utf8')).matchAll(/([0-9a-f]+\.ttf)/g)].map((m) => m[1]!);
    expect(after).toEqual([...new Set([...(await used('A1')), ...(await used('A2'))])].sort());
    expect(before.filter((f) => !after.includes(f)).length).toBeGreaterThan(0);
  }, 60_000);

  it('keeps the decoded faces for the next build, and builds all the same where it cannot write them', async () => {
    const htmlDir = await mkdtemp(join(tmpdir(), 'presswork-fonts-decoded-'));
    const assets = join(htmlDir, 'assets');
    await writeBrowserAssets(assets);
    const decoded = join(htmlDir, 'decoded');
    await (await createPageFontSubsetter(assets, decoded)).write('A1', '第一版的字');
    const kept = (await readdir(decoded)).filter((f) => f.endsWith('.ttf'));
    expect(kept.length).toBeGreaterThanOrEqual(10); // every main face, once
    // A folder that cannot be made (a file is in the way): the page still gets its subsets.
    const blocked = join(htmlDir, 'not-a-folder');
    await writeFile(blocked, '');
    await (await createPageFontSubsetter(assets, join(blocked, 'fonts'))).write('A2', '第二版的字');
    expect(await readFile(join(assets, 'fonts', 'A2.css'), 'utf8')).toMatch(/url\(\/assets\/fonts\/[0-9a-f]+\.ttf\)/);
  }, 60_000);
});
