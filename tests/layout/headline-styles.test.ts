import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridInputFor, resolveGrid } from '../../src/edition/grid.js';
import { fontToolsPython } from '../../src/fonts/truetype-file.js';
import { inkStats, renderCmyk, type CmykRaster } from '../../src/pdf/ink-raster.js';
import type { Box } from '../../src/pdf/page-geometry.js';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { launchChromium } from '../../src/render/chromium.js';
import type { EditionReport, StoryReport } from '../../src/report/edition-report.js';
import { numberedSentences, writeEdition } from '../helpers/fixture-edition.js';
import { pageTexts, pdfFonts } from '../helpers/pdf.js';
import { readBox } from '../fixtures/pdf/plate-tools.js';

/**
 * Headline styles and vertical heads (issue 15), on a real build: Chromium lays the pages out
 * and prints them, Ghostscript makes the plates, and the tests read back the proof's text
 * and word boxes (pdftotext) and the plate's separated inks (Ghostscript's bitcmyk).
 */

const GRID = resolveGrid(gridInputFor('broadsheet'));
const STEP = GRID.columnWidthPt + GRID.gutterPt;
const story = (meta: string, title: string, sentences: number, from: number) =>
  `---\ntitle: ${title}\n${meta}---\n\n${numberedSentences(sentences, from).join('')}\n\n${numberedSentences(sentences, from + sentences).join('')}\n`;

const FILES: Record<string, string> = {
  'edition.yaml': `paper: 测试日报
slug: ceshi
date: 2026-11-26
typography: {fit: {tracking: {min: -0.03, max: 0.03}, headlineSteps: 1}}
pages:
  - id: A1
    template: news
    section: 要闻
    stories:
      - file: red.md
        box: {col: 1, cols: 5, row: 1, rows: 30}
      - file: given.md
        box: {col: 6, cols: 3, row: 1, rows: 30}
        headline: {size: 小初, lines: 1}
  - id: A2
    template: news
    section: 特稿
    stories:
      - file: vertical.md
        box: {col: 1, cols: 6, row: 1, rows: 60}
        headline: {direction: vertical}
      - file: overflow.md
        box: {col: 7, cols: 2, row: 1, rows: 12}
`,
  // A short title in a wide box would grow to fill it; a sized one keeps its size.
  'red.md': story('headline: {size: 一号, color: red, align: left}\n', '红色一号标题', 20, 1),
  // edition.yaml gives 小初 on one line: it steps down to fit; the colour stays front matter's.
  'given.md': story('headline: {size: 一号, color: red, font: kai, weight: bold}\n', '南片山区村民半小时到地铁站', 12, 100),
  'vertical.md': story('kicker: 引题在右\nheadline: {direction: horizontal}\n', '先进制造业集群发展 2026年再出发', 90, 200),
  'overflow.md': story('headline: {direction: vertical}\n', '全区深入推进城乡公交一体化改革新开通线路 让沿线四十多个行政村的村民出门就坐上公交', 2, 500),
};

interface Word {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Word boxes of one page of the proof, in pt from the page's top-left (pdftotext -bbox). */
function words(pdf: string, page: number): Word[] {
  const xml = execFileSync('pdftotext', ['-bbox', '-f', String(page), '-l', String(page), pdf, '-'], { encoding: 'utf8' });
  return [...xml.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
    x0: Number(m[1]),
    y0: Number(m[2]),
    x1: Number(m[3]),
    y1: Number(m[4]),
    text: m[5]!,
  }));
}

const centreX = (w: Word) => (w.x0 + w.x1) / 2;

/** The text each embedded font shows on a page, by the font's PostScript name (pdf.js operator list). */
async function textByFont(pdf: string, pageNumber: number): Promise<Record<string, string>> {
  const doc = await getDocument({ data: new Uint8Array(readFileSync(pdf)), fontExtraProperties: true, disableFontFace: true }).promise;
  const page = await doc.getPage(pageNumber);
  const ops = await page.getOperatorList();
  const shown: Record<string, string> = {};
  let font = '';
  ops.fnArray.forEach((fn, i) => {
    const args = ops.argsArray[i] as unknown[];
    if (fn === OPS.setFont) font = (page.commonObjs.get(args[0] as string) as { name: string }).name;
    else if (fn === OPS.showText) for (const glyph of args[0] as ({ unicode?: string } | number)[]) if (typeof glyph === 'object' && glyph?.unicode) shown[font] = (shown[font] ?? '') + glyph.unicode;
  });
  await doc.destroy();
  return shown;
}

let browser: Browser;
let report: EditionReport;
let dir: string;
let proof: string;
let texts: string[];

beforeAll(async () => {
  browser = await launchChromium();
  dir = writeEdition(FILES);
  report = await buildEdition(dir, { out: join(dir, '..', 'out'), browser: async () => browser });
  proof = join(dir, '..', 'out', 'edition', 'edition.pdf');
  texts = await pageTexts(proof);
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

const storyOf = (id: string): StoryReport => {
  const found = report.pages.flatMap((p) => p.stories).find((s) => s.story === id && s.part === 'main');
  if (!found) throw new Error(`no story ${id} in the report`);
  return found;
};

describe('headline styles', () => {
  it('sets a sized head at its size in a wide box: it does not grow, and the fit search does not step it', () => {
    const red = storyOf('red');
    expect(red.headline).toMatchObject({ sizePt: 26, naturalPt: 26, lines: 1 });
    expect(red.headline!.overflow).toBeUndefined();
    // The story is short: the search tried what the edition allows, the headline step aside.
    expect(red.short.lines).toBeGreaterThan(1);
    expect(red.fitted?.trackingEm).toBe(0.03);
    expect(red.fitted?.headlineSteps).toBeUndefined();
  });

  it('takes edition.yaml over front matter: its size and line limit, stepping down until the title keeps to one line', () => {
    const head = storyOf('given').headline!;
    expect(head.naturalPt).toBe(36);
    expect(head.lines).toBe(1);
    expect(head.sizePt).toBeLessThan(36);
    expect(head.overflow).toBeUndefined();
    // One line of the whole title in the proof.
    expect(texts[0]).toContain('南片山区村民半小时到地铁站');
  });

  it('sets a head in the font role and weight it names: 楷 bold (LXGW WenKai Bold), the others in 黑', async () => {
    const byFont = await textByFont(proof, 1);
    const fontOf = (text: string) => Object.keys(byFont).filter((font) => byFont[font]!.includes(text));
    expect(fontOf('南片山区村民半小时到地铁站')).toEqual([expect.stringMatching(/^[A-Z]{6}\+LXGWWenKai-Bold$/)]);
    expect(fontOf('红色一号标题')).toEqual([expect.stringMatching(/^[A-Z]{6}\+NotoSansSC.*-Black$/)]);
  });

  it('aligns a head set `align: left` with the left edge of its box', () => {
    const title = words(proof, 1).find((w) => w.text.includes('红色一号标题'))!;
    expect(title.x0 - GRID.typeArea.left).toBeLessThan(2);
  });

  describe('a red headline on the plate', () => {
    let raster: CmykRaster;
    let trim: Box;

    beforeAll(async () => {
      const plate = join(dir, '..', 'out', 'edition', storyOfPage('A1'));
      trim = await readBox(plate, 'TrimBox');
      raster = await renderCmyk(plate, (await readBox(plate, 'MediaBox')).height, { dpi: 150 });
    });

    /** The middle half of a proof word box, where the plate has the word's ink. */
    const onPlate = (w: Word): Box => ({ x: trim.x + w.x0, y: trim.y + trim.height - w.y1 + (w.y1 - w.y0) / 4, width: w.x1 - w.x0, height: (w.y1 - w.y0) / 2 });

    it('prints in M100 Y100, no cyan and no black under it (never rich black)', () => {
      for (const text of ['红色一号标题', '南片山区村民半小时到地铁站']) {
        const title = words(proof, 1).find((w) => w.text.includes(text))!;
        const ink = inkStats(raster, onPlate(title));
        expect(ink.inkedPixels, text).toBeGreaterThan(100);
        expect(ink.max, text).toEqual({ c: 0, m: 100, y: 100, k: 0 });
      }
    });

    it('keeps the black body text on the K plate alone', () => {
      const line = words(proof, 1).find((w) => w.text.includes('句甲乙丙') && w.x1 < GRID.typeArea.left + 5 * STEP)!;
      const ink = inkStats(raster, onPlate(line));
      expect(ink.inkedPixels).toBeGreaterThan(20);
      expect(ink.max).toEqual({ c: 0, m: 0, y: 0, k: 100 });
    });
  });
});

function storyOfPage(page: string): string {
  return report.pages.find((p) => p.id === page)!.plate!;
}

describe('a vertical headline (竖排)', () => {
  it('stands at the right edge of its box, from its top, in whole columns', () => {
    const head = storyOf('vertical').headline!;
    expect(head.overflow).toBeUndefined();
    expect(head.lines).toBe(2);
    expect(head.vertical).toBeDefined();
    expect(head.vertical!.col + head.vertical!.cols - 1).toBe(6);
    expect(head.vertical!.row).toBe(1);
    expect(head.vertical!.cols).toBeLessThan(6);
  });

  it('has each phrase in one column, top to bottom, the second to the left of the first, digits upright', () => {
    const head = storyOf('vertical').headline!.vertical!;
    const left = GRID.typeArea.left + (head.col - 1) * STEP;
    const right = left + head.cols * STEP - GRID.gutterPt;
    const inHead = words(proof, 2).filter((w) => centreX(w) > left && centreX(w) < right && w.y0 < GRID.typeArea.top + head.rows * GRID.linePitchPt);
    const column = (first: string) => {
      const start = inHead.find((w) => w.text === first)!;
      return inHead.filter((w) => Math.abs(centreX(w) - centreX(start)) < 2).sort((a, b) => a.y0 - b.y0);
    };
    const one = column('先');
    const two = column('年');
    expect(one.map((w) => w.text).join('')).toBe('先进制造业集群发展');
    expect(two.map((w) => w.text).join('')).toBe('2026年再出发');
    expect(centreX(two[0]!)).toBeLessThan(centreX(one[0]!));
    // `2026` stands upright in one em: no taller than the characters below it.
    expect(two[0]!.y1 - two[0]!.y0).toBeLessThanOrEqual(two[1]!.y1 - two[1]!.y0 + 0.5);
  });

  it('is in the PDF text in reading order, kicker first, and the text check finds all of it', () => {
    expect(texts[1]).toContain('引题在右先进制造业集群发展2026年再出发');
    expect(report.verify.stories.map((s) => s.story)).not.toContain('vertical');
  });

  it('leaves the body its other columns, with nothing printed over anything', () => {
    const overlaps = spawnSync('python3', [resolve('tests/tools/page-measures/overlaps.py'), proof], { encoding: 'utf8' }).stdout;
    expect(overlaps).not.toMatch(/^page [12]:/m);
    expect(storyOf('vertical').overset.chars).toBe(0);
  });

  it('reports a vertical head that does not fit as headline-overflow at the title line', () => {
    expect(storyOf('overflow').headline!.overflow).toMatch(/vertical lines at 14 pt, more than 2|lines tall at 14 pt|columns wide/);
    const error = report.messages.find((m) => m.ruleId === 'headline-overflow' && m.story === 'overflow');
    expect(error).toMatchObject({ severity: 'error', file: 'overflow.md', line: 2, column: 8 });
    expect(report.messages.filter((m) => m.ruleId === 'headline-overflow')).toHaveLength(1);
  });
});

describe('a head in a font role the house style adds', () => {
  it('sets the title in the house file of that role, embedded as TrueType', async () => {
    const title = '小标宋的标题';
    const dir = writeEdition({
      'edition.yaml': `paper: 测试日报\ndate: 2026-11-26\npages:\n  - id: A1\n    template: news\n    section: 要闻\n    stories:\n      - file: a.md\n        box: {col: 1, cols: 4, row: 1, rows: 20}\n`,
      'house.yaml': 'fonts:\n  xiaobiaosong: fonts/xbs.ttf\n',
      'a.md': story('headline: {font: xiaobiaosong}\n', title, 10, 1),
    });
    mkdirSync(join(dir, 'fonts'));
    execFileSync(fontToolsPython(), [resolve('tests/fonts/make-test-font.py'), 'ttf', join(dir, 'fonts', 'xbs.ttf'), title, 'Test House XBS', '0'], { stdio: 'pipe' });
    const built = await buildEdition(dir, { out: join(dir, '..', 'out'), browser: async () => browser, proofOnly: true });
    expect(built.messages.filter((m) => m.severity === 'error')).toEqual([]);
    const byFont = await textByFont(join(dir, '..', 'out', 'edition', 'edition.pdf'), 1);
    const fonts = Object.keys(byFont).filter((font) => byFont[font]!.includes(title));
    expect(fonts).toEqual([expect.stringMatching(/^[A-Z]{6}\+TestHouseXBS-Regular$/)]);
    const house = pdfFonts(join(dir, '..', 'out', 'edition', 'edition.pdf')).find((f) => f.name === fonts[0]);
    expect(house).toMatchObject({ type: 'CID TrueType', embedded: true });
  });
});
