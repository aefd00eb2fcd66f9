import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { launchChromium } from '../../src/render/chromium.js';
import type { EditionReport } from '../../src/report/edition-report.js';
import { article, numberedSentences, writeEdition } from '../helpers/fixture-edition.js';
import { pageTexts } from '../helpers/pdf.js';

// A story of 60 numbered sentences in 6 paragraphs jumps from a small box on A1 to a box on A3.
const SENTENCES = numberedSentences(60);
const PARAGRAPHS = Array.from({ length: 6 }, (_, p) => SENTENCES.slice(p * 10, p * 10 + 10).join(''));
let browser: Browser;
let report: EditionReport;
let texts: string[];

beforeAll(async () => {
  browser = await launchChromium();
  const dir = writeEdition({
    'edition.yaml': `paper: 测试日报
date: 2026-11-26
pages:
  - id: A1
    template: news
    section: 要闻
    stories:
      - file: jumper.md
        box: {col: 1, cols: 2, row: 1, rows: 20}
        continue: {page: A3, box: {col: 4, cols: 2, row: 10, rows: 40}}
  - id: A2
    template: news
    section: 综合
    stories: []
  - id: A3
    template: news
    section: 综合
    stories: []
`,
    'jumper.md': article('转版测试稿件 第二部分', PARAGRAPHS),
  });
  report = await buildEdition(dir, { out: join(dir, '..', 'out'), browser: async () => browser, proofOnly: true });
  texts = await pageTexts(join(dir, '..', 'out', 'edition', 'edition.pdf'));
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

const numbersIn = (text: string) => [...text.matchAll(/第(\d+)句/g)].map((m) => Number(m[1]));

describe('a story that jumps to another page', () => {
  it('is reported as continued on A3, not overset, with the rest fitting there', () => {
    const [main, cont] = [report.pages[0]!.stories[0]!, report.pages[2]!.stories[0]!];
    expect(main).toMatchObject({ story: 'jumper', part: 'main', continuedOn: 'A3', overset: { chars: 0, lines: 0 } });
    expect(cont).toMatchObject({ story: 'jumper', part: 'cont', overset: { chars: 0, lines: 0 } });
    expect(report.messages.filter((m) => m.severity === 'error')).toEqual([]);
  });

  it('prints every sentence exactly once across the two boxes, in order', () => {
    const onA1 = numbersIn(texts[0]!);
    const onA3 = numbersIn(texts[2]!);
    expect(onA1.length).toBeGreaterThan(5);
    expect(onA3.length).toBeGreaterThan(5);
    expect([...onA1, ...onA3]).toEqual(SENTENCES.map((_, i) => i + 1));
    expect(numbersIn(texts[1]!)).toEqual([]);
  });

  it('loses no character where a paragraph is split between the pages', () => {
    // A1: from the first sentence to the jump line; A3: everything after the 上接 line.
    const a1 = texts[0]!.slice(texts[0]!.indexOf('第1句'), texts[0]!.indexOf('（下转第3版）'));
    const a3 = texts[2]!.slice(texts[2]!.indexOf('（上接第1版）') + '（上接第1版）'.length);
    const joined = a1 + a3;
    expect(joined).toBe(PARAGRAPHS.join(''));
  });

  it('names the right pages in the jump lines and gives the continuation a short jump head', () => {
    expect(texts[0]).toContain('（下转第3版）');
    expect(texts[2]).toContain('（上接第1版）');
    expect(texts[2]).toContain('转版测试稿件');
    expect(texts[2]).not.toContain('第二部分');
  });
});
