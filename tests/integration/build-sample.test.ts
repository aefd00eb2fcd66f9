import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { launchChromium } from '../../src/render/chromium.js';
import type { EditionReport } from '../../src/report/edition-report.js';
import { inkStats, renderCmyk } from '../../src/pdf/ink-raster.js';
import { MM, pageSizesMm, pageTexts, pdfFonts, pdfWords } from '../helpers/pdf.js';

const SAMPLE = resolve('articles/2026-11-26');
let browser: Browser;
let report: EditionReport;
let out: string;
let proof: string;
let texts: string[];

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'pw-sample-'));
  browser = await launchChromium();
  report = await buildEdition(SAMPLE, { out, browser: async () => browser });
  proof = join(out, '2026-11-26', '2026-11-26.pdf');
  texts = await pageTexts(proof);
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

const flat = (text: string) => text.replace(/\s+/g, '');

/** The independent page measures (../shared/tools, copied into tests/tools/page-measures). */
const measure = (tool: string) =>
  execFileSync('python3', [resolve('tests/tools/page-measures', tool), proof], { encoding: 'utf8' }).trim().split('\n');

describe('the sample edition, measured as a desk would look at it', () => {
  it('has at most 2 % of each page in holes (empty runs of 3+ lines in a column)', () => {
    const pages = measure('holes.py').filter((line) => line.startsWith('page '));
    expect(pages).toHaveLength(4);
    for (const line of pages) {
      const share = Number(/holes ([\d.]+)%/.exec(line)?.[1]);
      expect(share, line).toBeLessThanOrEqual(2);
    }
  });

  it('prints no word over another', () => {
    expect(measure('overlaps.py').at(-1)).toBe('0 overlapping pairs');
  });

  it('sets each sidebar as one tinted box', () => {
    const sidebars = (file: string) => (readFileSync(join(SAMPLE, file), 'utf8').match(/^:::sidebar/gm) ?? []).length;
    const storiesOn = (page: string) => report.pages.find((p) => p.id === page)!.stories.filter((s) => s.part === 'main').map((s) => s.file);
    const expected = report.pages.map((p) => `page ${report.pages.indexOf(p) + 1}: ${storiesOn(p.id).reduce((n, f) => n + sidebars(f), 0)} tinted boxes`);
    expect(expected.join('\n')).toMatch(/[1-9] tinted boxes/);
    expect(measure('tints.py')).toEqual(expected);
  });

  it('keeps to the clreq line rules', () => {
    expect(measure('line_rules.py').at(-1)).toMatch(/ 0 violations$/);
  });

  it('fits every story: no overset, at most one short line or a write-to-fit number', () => {
    const stories = report.pages.flatMap((p) => p.stories);
    expect(stories.length).toBeGreaterThan(25);
    for (const story of stories) {
      expect(story.overset.chars, story.story).toBe(0);
      if (story.short.lines > 1 && !story.continuedOn) expect(story.writeToFit?.add, story.story).toBeGreaterThan(0);
    }
  });
});

describe('the sample edition, built in Chromium', () => {
  it('builds without errors', () => {
    const errors = report.messages.filter((m) => m.severity === 'error');
    expect(errors).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('has four broadsheet pages of exactly 390 × 545 mm', async () => {
    const sizes = await pageSizesMm(proof);
    expect(sizes).toHaveLength(4);
    for (const size of sizes) {
      expect(Math.abs(size.width - 390)).toBeLessThan(0.01);
      expect(Math.abs(size.height - 545)).toBeLessThan(0.01);
    }
  });

  it('embeds every font as TrueType and none as Type 3', () => {
    const fonts = pdfFonts(proof);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) {
      expect(font.embedded, font.name).toBe(true);
      expect(font.type).toBe('CID TrueType');
      // Only the npm fonts and the rare-character fallback: a system font would mean a glyph missing from them.
      expect(font.name).toMatch(/^[A-Z]{6}\+(NotoSerifSC|NotoSansSC|LXGWWenKai|BabelStoneHan)/);
    }
  });

  it('sets the rare names of an A1 story (王䶮, 李𬌗, 𠀾𪚥𫝀) from BabelStone Han, each reported where it was typed', () => {
    const fallbacks = report.messages.filter((m) => m.ruleId === 'font-fallback' && m.message.includes('BabelStone Han'));
    expect(fallbacks.map((m) => `${m.file}:${m.line}:${m.column} ${m.message.slice(0, m.message.indexOf(' at '))}`)).toEqual([
      'front-qingyu-guodong.md:11:33 䶮 U+4DAE',
      'front-qingyu-guodong.md:17:43 𬌗 U+2C317',
      'front-qingyu-guodong.md:17:46 𠀾 U+2003E',
      'front-qingyu-guodong.md:17:48 𪚥 U+2A6A5',
      'front-qingyu-guodong.md:17:50 𫝀 U+2B740',
    ]);
    expect(pdfFonts(join(out, '2026-11-26', 'pages', 'A1.pdf')).some((f) => f.name.endsWith('+BabelStoneHan'))).toBe(true);
  });

  it('prints the feature page: headline, byline, note, crossheads, captions and sidebars', () => {
    const feature = texts[2]!;
    const article = readFileSync(join(SAMPLE, 'feature-xianjin-zhizao.md'), 'utf8');
    for (const expected of [
      '先进制造业集群发展实现重大突破',
      '进一步擦亮民营经济“金名片”',
      '文/首席记者周珂摄/记者范方斌',
      '编前语',
      '产业能级持续跃升',
      '加快先进产业集群跃迁',
      '平台：萧经开进位',
      '企业：兆丰机电转型',
    ]) {
      expect(feature).toContain(expected);
    }
    const captions = [...article.matchAll(/caption="([^"]+)"/g)].map((m) => m[1]!);
    expect(captions).toHaveLength(4);
    for (const caption of captions) expect(feature).toContain(flat(caption));
  });

  it('puts the folio, masthead and credits in place', () => {
    expect(texts[0]).toContain('萧山日报');
    expect(texts[0]).toContain('农历丙午年十月十八');
    expect(texts[0]).toContain('总第12345期');
    expect(texts[2]).toMatch(/^.*A3.*突破进阶/);
    expect(texts[2]).toContain('责任编辑：周珂');
  });

  it('jumps the lead from A1 to A4 with jump lines naming the pages', () => {
    const lead = report.pages[0]!.stories.find((s) => s.story === 'lead-chengxiang-gongjiao');
    expect(lead?.continuedOn).toBe('A4');
    expect(texts[0]).toContain('（下转第4版）');
    expect(texts[3]).toContain('（上接第1版）');
  });

  it('has no overset story and no text missing from the PDF', () => {
    const overset = report.pages.flatMap((p) => p.stories.filter((s) => s.overset.chars > 0).map((s) => `${p.id} ${s.story}`));
    expect(overset).toEqual([]);
    expect(report.verify.missingChars).toBe(0);
    expect(report.pages.every((p) => p.stories.length > 0)).toBe(true);
  });

  it('prints the results table on A2 with every row, its rules and text in K only on the plate', async () => {
    const a2 = texts[1]!;
    for (const row of ['名次代表队胜负场均得分积分', '1戴村镇9176.419', '3城厢街道7371.817', '8义桥镇4662.914']) expect(a2).toContain(row);
    const plate = join(out, '2026-11-26', report.pages[1]!.plate!);
    const words = pdfWords(plate);
    const head = words.find((w) => w.text === '场均得分')!;
    const inHeader = (text: string) => words.find((w) => w.text === text && Math.abs(w.y0 - head.y0) < 1)!;
    const [first, last] = [inHeader('名次'), words.find((w) => w.text === '义桥镇' && w.y0 > head.y0)!];
    const heightPt = (await pageSizesMm(plate))[0]!.height * MM;
    // The table's rectangle, from a column left of its first header to past its last figure, rules included.
    const box = { x: first.x0 - 12, y: heightPt - last.y1 - 6, width: inHeader('积分').x1 + 12 - first.x0 + 12, height: last.y1 - first.y0 + 12 };
    const ink = inkStats(await renderCmyk(plate, heightPt, { dpi: 300 }), box);
    expect(ink.inkedPixels).toBeGreaterThan(1000);
    expect(ink.max).toEqual({ c: 0, m: 0, y: 0, k: 100 });
  });

  it('writes a press plate per page', () => {
    for (const page of report.pages) {
      expect(page.plate, page.id).toMatch(/^plates\/xiaoshan-daily-20261126-A\d\.pdf$/);
      expect(existsSync(join(out, '2026-11-26', page.plate!))).toBe(true);
    }
  });
});
