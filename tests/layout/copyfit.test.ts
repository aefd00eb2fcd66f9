import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { launchChromium } from '../../src/render/chromium.js';
import type { EditionReport } from '../../src/report/edition-report.js';
import { article, oneLineParagraph, writeEdition } from '../helpers/fixture-edition.js';
import { pageTexts } from '../helpers/pdf.js';

// Three one-column stories of 20 lines each. A probe story with no body tells how many lines
// the headline takes; the others get exactly that many one-line paragraphs, 3 fewer, 5 more.
const ROWS = 20;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function build(stories: Record<string, string[]>): Promise<{ report: EditionReport; text: string }> {
  const names = Object.keys(stories);
  const files: Record<string, string> = {
    'edition.yaml': [
      'paper: 测试日报',
      'date: 2026-11-26',
      'pages:',
      '  - id: A1',
      '    template: news',
      '    section: 测试',
      '    stories:',
      ...names.map((name, i) => `      - file: ${name}.md\n        box: {col: ${2 * i + 1}, cols: 1, row: 1, rows: ${ROWS}}`),
    ].join('\n'),
  };
  for (const name of names) files[`${name}.md`] = article('短标题', stories[name]!);
  const dir = writeEdition(files);
  const report = await buildEdition(dir, { out: join(dir, '..', 'out'), browser: async () => browser, proofOnly: true });
  const [text] = await pageTexts(join(dir, '..', 'out', 'edition', 'edition.pdf'));
  return { report, text: text! };
}

const fit = (report: EditionReport, story: string) => report.pages[0]!.stories.find((s) => s.story === story)!;

describe('copyfit measured in Chromium', () => {
  let bodyLines: number;
  let report: EditionReport;
  let text: string;

  beforeAll(async () => {
    const probe = await build({ probe: ['占'] });
    bodyLines = fit(probe.report, 'probe').short.lines + 1;
    const paragraphs = (n: number) => Array.from({ length: n }, (_, i) => oneLineParagraph(i + 1));
    ({ report, text } = await build({ exact: paragraphs(bodyLines), short: paragraphs(bodyLines - 3), over: paragraphs(bodyLines + 5) }));
  });

  it('leaves room for the body below a whole-line headline', () => {
    expect(bodyLines).toBeGreaterThan(10);
    expect(bodyLines).toBeLessThan(ROWS);
  });

  it('reports a story that fits exactly as neither short nor overset', () => {
    expect(fit(report, 'exact')).toMatchObject({ overset: { chars: 0, lines: 0 }, short: { lines: 0 } });
  });

  it('reports a story three lines short as short by 3 lines', () => {
    expect(fit(report, 'short')).toMatchObject({ overset: { chars: 0, lines: 0 }, short: { lines: 3 } });
  });

  it('reports a story five lines too long as overset by 5 lines and their 55 characters', () => {
    expect(fit(report, 'over').overset).toEqual({ chars: 5 * 11, lines: 5 });
    const message = report.messages.find((m) => m.ruleId === 'overset');
    expect(message?.message).toBe('A1 over: overset 55 chars / 5 lines; cut 55 chars, enlarge its box or add a `continue` jump');
    expect(message?.severity).toBe('error');
    expect(report.ok).toBe(false);
  });

  it('matches what is on the page: printed lines counted in the PDF, and a visible overset mark', () => {
    const printed = (prefix: string) => (text.match(new RegExp(`第\\d\\d行${prefix}`, 'g')) ?? []).length;
    // Every story uses the same paragraphs; on the page they sum to what fits in each box.
    expect(printed('甲乙丙丁戊己庚')).toBe(bodyLines + (bodyLines - 3) + bodyLines);
    // pdf.js reads the full-width solidus back as U+2215.
    expect(text).toMatch(/超版55字[／∕]5行/);
  });
});
