import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TypographyFinding } from '../../src/browser/typography/index.js';
import { gridInputFor, resolveGrid } from '../../src/edition/grid.js';
import { tableRowLine } from '../../src/markdown/table-row-text.js';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { extractPageTexts, verifyPdfText } from '../../src/pipeline/verify-text.js';
import { launchChromium } from '../../src/render/chromium.js';
import type { EditionReport, StoryReport } from '../../src/report/edition-report.js';
import { writeEdition } from '../helpers/fixture-edition.js';
import { pdfWords, type PdfWord } from '../helpers/pdf.js';
import { addTypographyApi, serveFixtureEdition, type FixtureEdition } from '../typography/fixture-page.js';

/**
 * Tables (issue 14), built in Chromium into a real proof and read back with pdftotext: a
 * results table on the body grid, a table taller than its column split with its header
 * repeated, every cell in the PDF, and a table too wide for its box as an error at its line.
 * The same edition is also opened laid out (no Paged.js) to read the styles Chromium applied.
 */

const GRID = resolveGrid(gridInputFor('broadsheet'));
const PITCH = GRID.linePitchPt;
const STEP = GRID.columnWidthPt + GRID.gutterPt;

const TOWNS = ['城厢街道', '北干街道', '蜀山街道', '新塘街道', '瓜沥镇', '戴村镇', '进化镇', '河上镇', '义桥镇', '楼塔镇', '所前镇', '衙前镇'];
/** A paragraph that sets as one 13-character line, tagged so its story is known. */
const lines = (tag: string, count: number) => Array.from({ length: count }, (_, i) => `${tag}${String(i + 1).padStart(2, '0')}行甲乙丙丁戊己`);
const HEADER = '| 名次 | 代表队 | 胜 | 负 | 积分 |\n| --- | --- | --- | --- | --- |';

/** Results: rank, team, wins, losses, points. */
const RESULTS = TOWNS.slice(0, 8).map((town, i) => [String(i + 1), town, String(12 - (i >> 1)), String(i >> 1), String(24 - i)]);
/** 48 rows: far taller than the 37 body lines of its box's columns. */
const LONG = Array.from({ length: 48 }, (_, i) => [String(i + 1), `长${TOWNS[i % 12]}`, String(60 - i), String(i), String(120 - i)]);
const WIDE_HEADER = '| 代表队 | 一月 | 二月 | 三月 | 四月 | 五月 | 六月 | 七月 | 八月 |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |';

const table = (header: string, rows: string[][]) => [header, ...rows.map((cells) => `| ${cells.join(' | ')} |`)].join('\n');
const story = (title: string, blocks: string[]) => `---\ntitle: ${title}\n---\n\n${blocks.join('\n\n')}\n`;

const WIDE_MD = story('宽表', [...lines('宽', 4), table(WIDE_HEADER, TOWNS.slice(0, 3).map((t) => [t, '12345', '23456', '34567', '45678', '56789', '67890', '78901', '89012'])), ...lines('宽后', 6)]);

const BOXED_TABLE = '| 代表队 | 胜 | 负 | 场均得分 | 积分 |\n| --- | --- | --- | --- | --- |\n| 城厢街道 | 7 | 3 | 71.8 | 17 |\n| 瓜沥镇 | 7 | 3 | 69.5 | 17 |';
/** The same table in a sidebar that may widen to hold it, and in one held to one column. */
const BOXED_MD = story('框中表', [
  ...lines('框', 6),
  `:::sidebar{title="积分榜"}\n${BOXED_TABLE}\n:::`,
  ...lines('中', 10),
  `:::sidebar{title="窄栏" cols=1}\n${BOXED_TABLE}\n:::`,
  ...lines('末', 10),
]);

const quoted = (markdown: string) => markdown.replace(/^/gm, '> ');
/** A table in a quote that fits its column, and one that does not. */
const QUOTED_MD = story('引表', [
  ...lines('引', 4),
  quoted('| 队 | 分 |\n| --- | --- |\n| 城厢街道 | 17 |\n| 瓜沥镇 | 16 |'),
  ...lines('中', 4),
  quoted(BOXED_TABLE),
  ...lines('末', 4),
]);

const FILES: Record<string, string> = {
  'edition.yaml': [
    'paper: 测试日报',
    'date: 2026-11-26',
    'pages:',
    '  - id: A1',
    '    template: news',
    '    section: 测试',
    '    stories:',
    '      - file: results.md',
    '        box: {col: 1, cols: 4, row: 1, rows: 30}',
    '      - file: long.md',
    '        box: {col: 5, cols: 4, row: 1, rows: 40}',
    '      - file: wide.md',
    '        box: {col: 1, cols: 2, row: 42, rows: 20}',
    '      - file: boxed.md',
    '        box: {col: 3, cols: 6, row: 42, rows: 30}',
    '      - file: quoted.md',
    '        box: {col: 3, cols: 2, row: 73, rows: 20}',
  ].join('\n'),
  'results.md': story('成绩表', [...lines('前', 4), table(HEADER, RESULTS), ...lines('后', 30)]),
  'long.md': story('长表', [...lines('长', 4), table(HEADER, LONG), ...lines('尾', 10)]),
  'wide.md': WIDE_MD,
  'boxed.md': BOXED_MD,
  'quoted.md': QUOTED_MD,
};

let browser: Browser;
let dir: string;
let report: EditionReport;
let pdf: string;
let words: PdfWord[];
let laidOut: FixtureEdition;

beforeAll(async () => {
  browser = await launchChromium();
  dir = writeEdition(FILES);
  const out = join(dir, '..', 'out');
  report = await buildEdition(dir, { out, browser: async () => browser, proofOnly: true });
  pdf = join(out, 'edition', 'edition.pdf');
  words = pdfWords(pdf);
  laidOut = await serveFixtureEdition(browser, dir);
}, 300_000);

afterAll(async () => {
  await laidOut?.close();
  await browser?.close();
});

const storyOf = (id: string): StoryReport => report.pages[0]!.stories.find((s) => s.story === id && s.part === 'main')!;
/** Grid column (1-based) a word's left edge is in, and the body line (from 0) its box's bottom is on. */
const columnOf = (w: PdfWord) => Math.floor((w.x0 + 1 - GRID.typeArea.left) / STEP) + 1;
const lineOf = (w: PdfWord) => (w.y1 - GRID.typeArea.top) / PITCH;
const inBox = (w: PdfWord, box: { col: number; cols: number; row: number; rows: number }) =>
  columnOf(w) >= box.col && columnOf(w) < box.col + box.cols && lineOf(w) > box.row - 1 && lineOf(w) <= box.row - 1 + box.rows;
/**
 * Chromium prints text on whole CSS px (0.75 pt), rounding from each box's origin: a line on
 * the grid is within one px of where its story's lines fall (measured: ±0.45 pt). The exact
 * check is the audit's, in the laid-out page.
 */
const SNAP_LINES = 0.75 / PITCH;
/** The body line (from 0) a word of 9 pt 宋 sits on, given the offset of the first body line; NaN when it is off the grid. */
const gridLine = (w: PdfWord, phase: number) => {
  const line = lineOf(w) - phase;
  return Math.abs(line - Math.round(line)) <= SNAP_LINES ? Math.round(line) : NaN;
};
/** Where a story's grid lines fall for 9 pt 宋 words: the middle of the spread of its body lines' snapped places. */
const gridPhase = (body: PdfWord[]) => {
  const first = lineOf(body[0]!);
  const offsets = body.map((w) => lineOf(w) - first - Math.round(lineOf(w) - first));
  return first + (Math.min(...offsets) + Math.max(...offsets)) / 2;
};
const BODY_LINE = /^行甲乙丙丁戊己$/;
const consecutive = (lines: number[]) => lines.slice(1).forEach((line, i) => expect(line - lines[i]!).toBe(1));

describe('a results table', () => {
  it('sets every row one body line on the grid, level with the text beside it, and keeps the text under it on the grid: 0 off-grid warnings', () => {
    expect(report.messages.filter((m) => m.ruleId === 'typography/off-grid')).toEqual([]);
    const box = storyOf('results').box!;
    // 宋 body text of the same size: the bottoms of their boxes sit on the same line of each body line.
    const body = words.filter((w) => inBox(w, box) && BODY_LINE.test(w.text));
    expect(body.map((w) => Math.round(lineOf(w)))).toHaveLength(34);
    const phase = gridPhase(words.filter((w) => inBox(w, box) && BODY_LINE.test(w.text)));
    for (const w of body) expect(gridLine(w, phase), w.text).not.toBeNaN();
    const names = RESULTS.map(([, town]) => words.filter((w) => inBox(w, box) && w.text === town));
    for (const found of names) expect(found).toHaveLength(1);
    // One body line a row, row after row, each on the grid.
    const rows = names.map(([w]) => gridLine(w!, phase));
    consecutive(rows);
    // The copy before the table runs under it in its columns: one line of air, then on the grid.
    const under = words.filter((w) => inBox(w, box) && w.text === '前' && columnOf(w) === box.col).map((w) => gridLine(w, phase));
    expect(under).toHaveLength(4);
    expect(under[0]! - rows[rows.length - 1]!).toBe(2);
    consecutive(under);
    expect(storyOf('results').overset.chars).toBe(0);
  });

  it('sets the header in bold 黑体, the figures right-aligned in tabular figures, and 城厢街道 on one line', async () => {
    const { page } = await laidOut.open('A1');
    const styles = await page.evaluate(() => {
      const table = document.querySelector<HTMLTableElement>('.story[data-story="results"] table')!;
      const th = getComputedStyle(table.querySelector('th')!);
      const wins = [...table.querySelectorAll<HTMLTableRowElement>('tbody tr')].map((tr) => tr.cells[2]!);
      const town = [...table.querySelectorAll<HTMLElement>('td')].find((td) => td.textContent === '城厢街道')!;
      const range = document.createRange();
      range.selectNodeContents(town);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      const digits = [...table.querySelectorAll<HTMLElement>('td .fig')].map((f) => f.getBoundingClientRect().width);
      return {
        headFont: th.fontFamily,
        headWeight: th.fontWeight,
        winsAlign: getComputedStyle(wins[0]!).textAlign,
        numeric: getComputedStyle(wins[0]!).fontVariantNumeric,
        winsRight: [...new Set(wins.map((td) => Math.round(td.lastElementChild!.getBoundingClientRect().right * 10) / 10))],
        digitWidths: [...new Set(digits.map((w) => w.toFixed(2)))],
        digitCount: digits.length,
        townLines: lines.size,
        townWrap: getComputedStyle(town).whiteSpace,
        rowHeights: [...new Set([...table.rows].map((r) => (r.getBoundingClientRect().height * 0.75).toFixed(2)))],
      };
    });
    expect(styles.headFont).toMatch(/^"?Noto Sans SC/);
    expect(styles.headWeight).toBe('700');
    expect(styles.winsAlign).toBe('right');
    expect(styles.numeric).toBe('tabular-nums');
    // Right-aligned: the last digits of the wins column end on one vertical line.
    expect(styles.winsRight).toHaveLength(1);
    // Tabular: every digit of the figures columns is as wide as every other (the fonts' own figures are not).
    expect(styles.digitCount).toBeGreaterThan(8 * 4);
    expect(styles.digitWidths).toHaveLength(1);
    expect(styles.townLines).toBe(1);
    expect(styles.townWrap).toBe('nowrap');
    expect(styles.rowHeights).toEqual([PITCH.toFixed(2)]);
    // In the proof too: the name is one word on one line.
    expect(words.filter((w) => inBox(w, storyOf('results').box!) && w.text === '城厢街道')).toHaveLength(1);
  });

  it('is checked by the grid audit: a table moved 3 pt, or a row grown, is off the grid', async () => {
    const { page } = await laidOut.open('A1');
    await addTypographyApi(page);
    const audit = () =>
      page.evaluate(() => {
        const api = (window as unknown as { pwTypography: { auditTypography(doc: Document): TypographyFinding[] } }).pwTypography;
        return api.auditTypography(document).filter((f) => f.rule === 'off-grid' && f.story === 'results').map((f) => f.message);
      });
    expect(await audit()).toEqual([]);
    await page.evaluate(() => {
      const table = document.querySelector<HTMLElement>('.story[data-story="results"] table')!;
      table.style.top = `${parseFloat(table.style.top) + 3}pt`;
    });
    const moved = await audit();
    expect(moved).toHaveLength(RESULTS.length + 1);
    // 3 pt moved, read back through Chromium's 1/64 px layout units: 3.00 ± 0.01 pt.
    const off = Number(/^Table row sits ([\d.]+) pt off the body grid/.exec(moved[0]!)?.[1]);
    expect(Math.abs(off - 3)).toBeLessThanOrEqual(0.011);
    await page.evaluate(() => {
      const table = document.querySelector<HTMLElement>('.story[data-story="results"] table')!;
      table.style.top = `${parseFloat(table.style.top) - 3}pt`;
      table.querySelector<HTMLElement>('tbody td')!.style.paddingBottom = '2pt';
    });
    // The row 2 pt taller, and so every row under it 2 pt off the grid.
    const grown = await audit();
    expect(grown).toHaveLength(RESULTS.length);
    expect(grown[0]).toMatch(/^Table row is 16\.(39|40|41) pt tall, expected a whole number of 14\.40 pt body lines$/);
    for (const message of grown.slice(1)) expect(message).toMatch(/^Table row sits (1\.99|2\.00|2\.01) pt off the body grid/);
  });
});

describe('a table taller than its column', () => {
  it('is split between rows into parts side by side, each with the header row, every row printed once and in order', () => {
    const long = storyOf('long');
    expect(long.overset.chars).toBe(0);
    expect(report.messages.filter((m) => m.story === 'long' && m.severity === 'error')).toEqual([]);
    const box = long.box!;
    const heads = words.filter((w) => inBox(w, box) && w.text === '代表队');
    expect(heads).toHaveLength(2);
    // The parts start on the same line, in two different sets of columns.
    expect(heads[0]!.y0).toBeCloseTo(heads[1]!.y0, 1);
    expect(columnOf(heads[1]!) - columnOf(heads[0]!)).toBeGreaterThanOrEqual(1);
    // Every row once; read down the first part, then down the second: the source's order.
    const teams = new Set(LONG.map(([, name]) => name));
    const names = words.filter((w) => inBox(w, box) && teams.has(w.text));
    const read = [...names].sort((a, b) => columnOf(a) - columnOf(b) || a.y0 - b.y0).map((w) => w.text);
    expect(read).toEqual(LONG.map(([, name]) => name));
    // Each part is whole body lines from its header down.
    const phase = gridPhase(words.filter((w) => inBox(w, box) && BODY_LINE.test(w.text)));
    const parts = heads.map((head) => names.filter((w) => columnOf(w) === columnOf(head)).map((w) => gridLine(w, phase)));
    for (const part of parts) consecutive(part);
    // Two parts of even length: 24 rows each.
    expect(parts.map((part) => part.length)).toEqual([24, 24]);
  });
});

describe('table text in the PDF', () => {
  it('has every cell of every row, in order, and verify finds nothing missing', async () => {
    expect(report.verify.missingChars).toBe(0);
    const [text] = await extractPageTexts(new Uint8Array(readFileSync(pdf)));
    const rows = new Set(text!.split('\n').map((line) => line.replace(/\s+/g, '')));
    for (const cells of [...RESULTS, ...LONG]) expect(rows, cells.join(' ')).toContain(cells.join(''));
    // The header twice for the split table, once for the results.
    expect(text!.split('\n').filter((line) => line.replace(/\s+/g, '') === '名次代表队胜负积分')).toHaveLength(3);
  });

  it('reports a lost cell: a row is found only with all its cells side by side', async () => {
    const proof = new Uint8Array(readFileSync(pdf));
    const row = RESULTS[0]!;
    const check = (text: string) => verifyPdfText(proof, ['A1'], [{ story: 'results', page: 'A1', pages: ['A1'], text, oversetText: '' }]);
    expect((await check(tableRowLine(row))).missingChars).toBe(0);
    // The same row with a cell the page does not have (as if Paged.js had dropped it there).
    const lost = await check(tableRowLine([...row.slice(0, 3), '7', ...row.slice(3)]));
    expect(lost.missingChars).toBe(1);
    expect(lost.stories[0]!.firstMissing).toBe('7');
    // Checked cell by cell, as lines of their own, a lone figure is found anywhere on the page.
    expect((await check([...row.slice(0, 3), '7', ...row.slice(3)].join('\n'))).missingChars).toBe(0);
  });
});

describe('a table too wide for its box', () => {
  it('is a table-too-wide error at its file, line and column, naming both widths, and is not printed clipped', () => {
    const errors = report.messages.filter((m) => m.ruleId === 'table-too-wide' && m.story === 'wide');
    const line = WIDE_MD.split('\n').findIndex((l) => l.startsWith('| 代表队')) + 1;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ severity: 'error', line, column: 1, page: 'A1', story: 'wide' });
    expect(errors[0]!.file).toMatch(/(^|\/)wide\.md$/);
    expect(errors[0]!.message).toMatch(/^A1 wide: Table is [\d.]+ mm wide at its narrowest \(3 columns\) and its story's box is 2 columns \(85\.7 mm\) wide/);
    expect(report.ok).toBe(false);
    // None of it on the page, all of it counted as overset; the story's copy is printed.
    expect(words.some((w) => w.text === '八月' || w.text === '89012')).toBe(false);
    expect(storyOf('wide').overset.chars).toBeGreaterThan(3 * 8 * 5);
    expect(words.filter((w) => w.text === '宽后').length).toBe(6);
  });
});

describe('a table in a sidebar', () => {
  it('widens the sidebar to the columns the table needs, and sets the table across it', () => {
    const box = storyOf('boxed').box!;
    const title = words.find((w) => inBox(w, box) && w.text === '积分榜')!;
    const town = words.find((w) => inBox(w, box) && w.text === '城厢街道')!;
    const line = words.filter((w) => inBox(w, box) && Math.abs(w.y0 - town.y0) < 1).sort((a, b) => a.x0 - b.x0);
    const row = line.slice(line.indexOf(town), line.indexOf(town) + 5);
    expect(title).toBeDefined();
    // Its team name and its last figure are in two grid columns: the sidebar is two wide.
    expect(columnOf(row[row.length - 1]!) - columnOf(row[0]!)).toBe(1);
    expect(row.map((w) => w.text).join('')).toBe('城厢街道7371.817');
  });

  it('reports a table too wide for a sidebar held to one column at the line of the table, and sets none of that sidebar', () => {
    const errors = report.messages.filter((m) => m.ruleId === 'table-too-wide' && m.story === 'boxed');
    const line = BOXED_MD.split('\n').findIndex((l, i, all) => l.startsWith('| 代表队') && all[i - 1]!.includes('窄栏')) + 1;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ severity: 'error', line, column: 1 });
    expect(errors[0]!.message).toMatch(/^A1 boxed: Table in Sidebar “窄栏” is [\d.]+ mm wide at its narrowest \(2 columns\) and the sidebar is set 1 column \([\d.]+ mm\) wide; .* give the sidebar more `cols`$/);
    expect(words.some((w) => w.text === '窄栏')).toBe(false);
    expect(words.filter((w) => inBox(w, storyOf('boxed').box!) && w.text === '城厢街道')).toHaveLength(1);
  });
});

describe('a table in running copy', () => {
  it('sets one that fits a column in the flow, and reports one too wide for it at its line instead of clipping it', () => {
    const box = storyOf('quoted').box!;
    const errors = report.messages.filter((m) => m.ruleId === 'table-too-wide' && m.story === 'quoted');
    const line = QUOTED_MD.split('\n').findIndex((l) => l.startsWith('> | 代表队')) + 1;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ severity: 'error', line, column: 3 });
    expect(errors[0]!.message).toMatch(/^A1 quoted: Table in a quote is [\d.]+ mm wide at its narrowest \(2 columns\) and running copy is set 1 column \(41\.3 mm\) wide/);
    const printed = words.filter((w) => inBox(w, box));
    expect(printed.filter((w) => w.text === '城厢街道')).toHaveLength(1);
    expect(printed.some((w) => w.text === '场均得分')).toBe(false);
    expect(printed.filter((w) => w.text === '末')).toHaveLength(4);
    expect(storyOf('quoted').overset.chars).toBeGreaterThan(20);
  });
});
