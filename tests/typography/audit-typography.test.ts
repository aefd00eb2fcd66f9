import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TypographyFinding } from '../../src/browser/typography/index.js';
import { LINE_END_PROHIBITED, LINE_START_PROHIBITED } from '../../src/cjk/index.js';
import { launchChromium } from '../../src/render/chromium.js';
import { addTypographyApi, serveFixtureEdition, type FixtureEdition } from './fixture-page.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/typography', import.meta.url));
// Paragraph n of line-rules.md starts on Markdown line 5 + 2(n − 1) (see the fixture's README).
const lineOf = (paragraph: number) => 5 + 2 * (paragraph - 1);
const LOOSEN = lineOf(40);
const TIGHTEN = lineOf(41);
const ADJACENT = lineOf(42);

let browser: Browser;
let fixture: FixtureEdition;

beforeAll(async () => {
  browser = await launchChromium();
  fixture = await serveFixtureEdition(browser, FIXTURE);
});

afterAll(async () => {
  await fixture?.close();
  await browser?.close();
});

// Pages the tests only read are opened once; tests that change the page open their own.
const opened = new Map<string, ReturnType<FixtureEdition['open']>>();
const view = (pageId: string, query = '') => {
  const key = `${pageId}?${query}`;
  if (!opened.has(key)) opened.set(key, fixture.open(pageId, query));
  return opened.get(key)!;
};

const summary = (findings: TypographyFinding[]) => findings.map((f) => `${f.rule} ${f.line}:${f.column} ${f.text}`);

describe('the typography fixture with the line rules on', () => {
  it('audits clean', async () => {
    const { state } = await view('A1');
    expect(summary(state.audit)).toEqual([]);
  });

  it('fixes each lone last character: one by tightening, one by moving a character down', async () => {
    const { state } = await view('A1');
    const byLine = new Map(state.lineFixes.map((f) => [f.line, f]));
    expect(byLine.get(LOOSEN)).toMatchObject({ fix: 'loosen', story: 'line-rules', page: 'A1', file: 'line-rules.md' });
    expect(byLine.get(TIGHTEN)).toMatchObject({ fix: 'tighten' });
    const tighten = byLine.get(TIGHTEN)!;
    expect(tighten.fix === 'tighten' && tighten.amountEm).toBeLessThanOrEqual(0.05);
    expect(state.lineFixes.every((f) => f.fix !== 'none')).toBe(true);
  });

  it('keeps `·` and `～` off line starts by tying them to the character before', async () => {
    const { page } = await view('A1');
    const glued = await page.evaluate(() => [...document.querySelectorAll('.frame .nobreak')].map((s) => s.textContent));
    expect(glued).toEqual(expect.arrayContaining(['大·', '者～', '……', '——']));
  });
});

describe('the typography fixture with the line rules off', () => {
  it('breaks every rule, and the audit finds each one', async () => {
    const { state } = await view('A1', 'line-rules=off');
    const found = (rule: string) => state.audit.filter((f) => f.rule === rule);
    // Paragraphs 1–23 put one mark each at a line start (later ones may add their own).
    const starts = found('line-start').filter((f) => f.line! <= lineOf(23)).map((f) => f.text[0]);
    expect(starts).toEqual([...LINE_START_PROHIBITED]);
    const ends = found('line-end').map((f) => f.text.at(-1));
    expect(ends).toEqual([...LINE_END_PROHIBITED]);
    expect(found('split-pair').map((f) => f.message)).toEqual([
      '`……` is split across two lines, expected it on one line',
      '`——` is split across two lines, expected it on one line',
    ]);
    expect(found('single-char-last-line').map((f) => f.line)).toContain(LOOSEN);
    expect(state.audit.every((f) => f.story === 'line-rules' && f.page === 'A1' && f.file === 'line-rules.md')).toBe(true);
    expect(state.lineFixes).toEqual([]);
  });
});

describe('adjacent punctuation', () => {
  const widths = (page: Page, trim?: string) =>
    page.evaluate(
      (line, trim) => {
        const p = document.querySelector<HTMLElement>(`.frame p[data-src="${line}:1"]`)!;
        if (trim) p.style.setProperty('text-spacing-trim', trim);
        const text = p.firstChild as Text;
        const em = parseFloat(getComputedStyle(p).fontSize);
        const range = document.createRange();
        const width = (pair: string) => {
          const at = text.data.indexOf(pair);
          range.setStart(text, at);
          range.setEnd(text, at + pair.length);
          return range.getBoundingClientRect().width / em;
        };
        return { '。”': width('。”'), '）、': width('）、'), 好: width('好') };
      },
      ADJACENT,
      trim,
    );

  it('measures about 1.5 em for `。”` and `）、`, not 2 em', async () => {
    const { page } = await fixture.open('A1');
    const measured = await widths(page);
    expect(measured['好']).toBeCloseTo(1, 1);
    expect(measured['。”']).toBeCloseTo(1.5, 1);
    expect(measured['）、']).toBeCloseTo(1.5, 1);
  });

  it('measures 2 em once trimming is switched off (the measurement sees it)', async () => {
    const { page } = await fixture.open('A1');
    const measured = await widths(page, 'space-all');
    expect(measured['。”']).toBeCloseTo(2, 1);
    expect(measured['）、']).toBeCloseTo(2, 1);
  });
});

describe('Han–Latin spacing', () => {
  it('adds 1/8 em on each side of `12` with autospace on (the default), none with it off', async () => {
    const { page } = await fixture.open('A1');
    const width = (autospace: string) =>
      page.evaluate(
        (line, autospace) => {
          document.documentElement.dataset.autospace = autospace;
          const p = document.querySelector<HTMLElement>(`.frame p[data-src="${line}:1"]`)!;
          p.style.textAlign = 'left';
          const text = [...p.childNodes].find((n): n is Text => n instanceof Text && n.data.includes('化12为'))!;
          const at = text.data.indexOf('化12为');
          const range = document.createRange();
          range.setStart(text, at);
          range.setEnd(text, at + 4);
          return range.getBoundingClientRect().width / parseFloat(getComputedStyle(p).fontSize);
        },
        TIGHTEN,
        autospace,
      );
    expect(await page.evaluate(() => document.documentElement.dataset.autospace)).toBe('on');
    const on = await width('on');
    const off = await width('off');
    expect(on - off).toBeCloseTo(0.25, 2);
  });
});

describe('the audit', () => {
  it('reports a lone last character the layout could not fix', async () => {
    const { state } = await view('A2');
    expect(state.lineFixes.map((f) => [f.fix, f.line])).toEqual([['none', 5]]);
    expect(state.audit).toHaveLength(1);
    expect(state.audit[0]).toMatchObject({ rule: 'single-char-last-line', story: 'lone-last-line', page: 'A2', line: 5, column: 1 });
    expect(state.audit[0]!.text).toMatch(/造。$/);
    expect(state.audit[0]!.message).toMatch(/neither tightening nor moving a character down fixed it/);
  });

  it('reports text below 7.5 pt and lines off the baseline grid', async () => {
    const { page } = await fixture.open('A1');
    await addTypographyApi(page);
    const findings = await page.evaluate(() => {
      const frames = document.querySelectorAll<HTMLElement>('.frame');
      const small = frames[0]!.querySelector<HTMLElement>('p')!;
      small.style.fontSize = '7pt';
      frames[1]!.style.top = `${parseFloat(frames[1]!.style.top) + 3}pt`;
      const api = (window as unknown as { pwTypography: { auditTypography(doc: Document): TypographyFinding[] } }).pwTypography;
      return api.auditTypography(document).filter((f) => f.rule === 'small-text' || f.rule === 'off-grid');
    });
    const small = findings.filter((f) => f.rule === 'small-text');
    expect(small).toHaveLength(1);
    expect(small[0]).toMatchObject({ story: 'line-rules', page: 'A1', line: 5, message: 'Text set at 7.00 pt, expected at least 7.5 pt' });
    const offGrid = findings.filter((f) => f.rule === 'off-grid');
    expect(offGrid.length).toBeGreaterThan(0);
    // 3 pt moved, read back through Chromium's 1/64 px layout units: 3.00 ± 0.01 pt.
    const off = Number(/^First line sits ([\d.]+) pt off the body grid/.exec(offGrid[0]!.message)?.[1]);
    expect(Math.abs(off - 3)).toBeLessThanOrEqual(0.011);
  });
});

describe('reading a paragraph from its end', () => {
  it('gives the same last lines as reading it from the start, with astral characters and nested blocks', async () => {
    const { page } = await fixture.open('A1');
    await addTypographyApi(page);
    const read = await page.evaluate(() => {
      type Api = { readLines(b: Element, nested?: (e: Element) => boolean): { text: string }[]; readLastLines(b: Element, n: number, nested?: (e: Element) => boolean): { text: string }[] };
      const api = (window as unknown as { pwTypography: Api }).pwTypography;
      const frame = document.querySelector<HTMLElement>('.frame')!;
      const block = document.createElement('div');
      // 𠀀 and 𪚥 are beyond the BMP (two UTF-16 units each); the nested list item's text is not the block's own.
      block.innerHTML = '<p>第一段落𠀀的文字，<b>加粗𪚥</b>继续排下去，直到这一行写满为止再换行然后结束𠀀。</p><ul><li>不算在内的列表文字</li></ul>末尾的文字𪚥。';
      frame.append(block);
      const nested = (e: Element) => e.tagName === 'UL';
      const texts = (lines: { text: string }[]) => lines.map((l) => l.text);
      const all = texts(api.readLines(block, nested));
      const lastTwo = texts(api.readLastLines(block, 2, nested));
      block.remove();
      return { all, lastTwo };
    });
    expect(read.all.length).toBeGreaterThan(2);
    expect(read.all.join('')).not.toContain('列表');
    expect(read.lastTwo).toEqual(read.all.slice(-2));
    expect(read.lastTwo.at(-1)).toMatch(/𪚥。$/);
  });
});
