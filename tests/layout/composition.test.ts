import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridInputFor, resolveGrid } from '../../src/edition/grid.js';
import { loadEdition } from '../../src/edition/load-edition.js';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { launchChromium } from '../../src/render/chromium.js';
import type { EditionReport, StoryReport } from '../../src/report/edition-report.js';
import { messagesFromFiles } from '../../src/report/messages.js';
import { article, numberedSentences, writeEdition } from '../helpers/fixture-edition.js';
import { pageTexts } from '../helpers/pdf.js';

/**
 * The composition engine of issue 12, measured on real pages: two small editions built in
 * Chromium (one without typography.fit, one with tracking ±0.03 em only), their report.json
 * and their proofs read back with pdftotext and the page measures of ../shared/tools (copied to tests/tools/page-measures).
 */

const TOOLS = resolve('tests', 'tools', 'page-measures');
const GRID = resolveGrid(gridInputFor('broadsheet'));
const STEP = GRID.columnWidthPt + GRID.gutterPt;

/** A paragraph that sets as one 13-character line (2 em indent + 11), tagged so its story is known. */
const tagged = (tag: string, n: number) => `${tag}${String(n).padStart(2, '0')}行甲乙丙丁戊己`;
const taggedLines = (tag: string, count: number) => Array.from({ length: count }, (_, i) => tagged(tag, i + 1));

interface Cell {
  page: number;
  /** Grid column (1-based, page) and body row (1-based) of the line's middle. */
  col: number;
  row: number;
  /** The words of one line in one grid column, left to right. */
  text: string;
}

/**
 * The proof's text by grid cell, from `pdftotext -bbox`: each word goes to the column its left
 * edge is in and the body row its middle is on (pdftotext cuts Han lines at digits).
 */
function pdfCells(pdf: string): Cell[] {
  const xml = execFileSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8' });
  const cells = new Map<string, Cell & { words: [number, string][] }>();
  [...xml.matchAll(/<page[^>]*>([\s\S]*?)<\/page>/g)].forEach((page, index) => {
    for (const m of page[1]!.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
      const [x0, y0, , y1] = m.slice(1, 5).map(Number) as [number, number, number, number];
      const col = Math.floor((x0 + 1 - GRID.typeArea.left) / STEP) + 1;
      const row = Math.floor(((y0 + y1) / 2 - GRID.typeArea.top) / GRID.linePitchPt) + 1;
      const key = `${index + 1}/${col}/${row}`;
      const cell = cells.get(key) ?? { page: index + 1, col, row, text: '', words: [] };
      cell.words.push([x0, m[5]!]);
      cells.set(key, cell);
    }
  });
  return [...cells.values()].map(({ words, ...cell }) => ({ ...cell, text: words.sort((a, b) => a[0] - b[0]).map((w) => w[1]).join('') }));
}

/** The body rows each column of a box has a line matching `line` on, top to bottom. */
function rowsByColumn(cells: Cell[], box: { col: number; cols: number; row: number; rows: number }, line: RegExp): Map<number, number[]> {
  const columns = new Map<number, number[]>();
  for (let col = box.col; col < box.col + box.cols; col++) columns.set(col, []);
  for (const c of cells) {
    if (c.page !== 1 || !line.test(c.text)) continue;
    if (c.col < box.col || c.col >= box.col + box.cols || c.row < box.row || c.row >= box.row + box.rows) continue;
    columns.get(c.col)!.push(c.row);
  }
  for (const rows of columns.values()) rows.sort((a, b) => a - b);
  return columns;
}

const lineCount = (columns: Map<number, number[]>) => [...columns.values()].reduce((n, rows) => n + rows.length, 0);

const tool = (name: string, pdf: string) => spawnSync('python3', [join(TOOLS, name), pdf], { encoding: 'utf8' });

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

interface Built {
  dir: string;
  pdf: string;
  report: EditionReport;
  cells: Cell[];
  text: string;
}

async function build(files: Record<string, string>): Promise<Built> {
  const dir = writeEdition(files);
  const out = join(dir, '..', 'out');
  const report = await buildEdition(dir, { out, browser: async () => browser, proofOnly: true });
  const pdf = join(out, 'edition', 'edition.pdf');
  const [text] = await pageTexts(pdf);
  return { dir, pdf, report, cells: pdfCells(pdf), text: text! };
}

const storyOf = (report: EditionReport, story: string): StoryReport => {
  const found = report.pages[0]!.stories.find((s) => s.story === story && s.part === 'main');
  if (!found) throw new Error(`no story ${story} in the report`);
  return found;
};

const HEAD = ['paper: 测试日报', 'date: 2026-11-26'];
const page = (stories: string[]) => ['pages:', '  - id: A1', '    template: news', '    section: 测试', '    stories:', ...stories];

/** A title too long for a 2-column, 10-row box at any size: 3 lines at 14 pt hold about 51 characters. */
const OVERFLOW_TITLE = '全区深入推进城乡公交一体化改革新开通十八条镇村公交线路让沿线四十多个行政村的村民出门就能坐上干净舒适的公交车而且票价统一为两元';
const SIDEBAR_TEXT = numberedSentences(24, 300).join('');
/** Body lines after each crosshead of crossheads.md. */
const CROSSHEAD_RUNS = [1, 2, 3, 4, 5, 6, 7, 8, 9];

describe('composition without typography.fit (balanced columns, whole sidebars, rows: auto, headlines)', () => {
  let built: Built;

  beforeAll(async () => {
    built = await build({
      'edition.yaml': [
        ...HEAD,
        ...page([
          '      - file: balanced.md',
          '        box: {col: 1, cols: 4, row: 1, rows: 30}',
          '      - file: sidebar.md',
          '        box: {col: 5, cols: 4, row: 1, rows: 30}',
          '      - file: auto.md',
          '        box: {col: 1, cols: 3, row: 32, rows: auto}',
          '      - file: stepdown.md',
          '        box: {col: 4, cols: 1, row: 32, rows: 20}',
          '      - file: overflow.md',
          '        box: {col: 6, cols: 2, row: 32, rows: 10}',
          '      - file: toobig.md',
          '        box: {col: 8, cols: 1, row: 32, rows: 12}',
          '      - file: crossheads.md',
          '        box: {col: 5, cols: 2, row: 44, rows: 24}',
        ]),
      ].join('\n'),
      'balanced.md': article('均衡短稿', taggedLines('均', 50)),
      'sidebar.md': [
        '---',
        'title: 边栏整块',
        '---',
        '',
        ...taggedLines('栏', 20).flatMap((p) => [p, '']),
        ':::sidebar{title="相关链接" cols=2 place="bottom"}',
        SIDEBAR_TEXT,
        ':::',
        '',
        ...taggedLines('后', 20).flatMap((p) => [p, '']),
      ].join('\n'),
      'auto.md': article('自动高度', taggedLines('自', 20)),
      'stepdown.md': article('城乡公交一体化改革让沿线村民出行更方便又更实惠', taggedLines('降', 8)),
      'overflow.md': article(OVERFLOW_TITLE, taggedLines('溢', 4)),
      'toobig.md': ['---', 'title: 大栏', '---', '', tagged('大', 1), '', ':::sidebar{title="太长"}', SIDEBAR_TEXT, ':::', ''].join('\n'),
      // Crossheads after 1, 2, … 9 one-line paragraphs: some would land on a column's last lines.
      'crossheads.md': article('小标题', CROSSHEAD_RUNS.flatMap((n, i) => [`## 小标${i + 1}`, ...taggedLines(`${'ABCDEFGHI'[i]}`, n)])),
    });
  });

  it('balances a short story: its four columns end within one line of each other, none empty', () => {
    const story = storyOf(built.report, 'balanced');
    expect(story.overset).toEqual({ chars: 0, lines: 0 });
    expect(story.box).toEqual({ col: 1, cols: 4, row: 1, rows: 30 });
    const columns = rowsByColumn(built.cells, story.box!, /^均\d\d行甲乙丙丁戊己$/);
    const counts = [...columns.values()].map((rows) => rows.length);
    // All 50 lines are printed, in four columns that share them out evenly.
    expect(lineCount(columns)).toBe(50);
    expect(Math.min(...counts)).toBeGreaterThan(0);
    const bottoms = [...columns.values()].map((rows) => rows[rows.length - 1]!);
    expect(Math.max(...bottoms) - Math.min(...bottoms)).toBeLessThanOrEqual(1);
    // Each column is a run of lines from the same first body row down, with no holes.
    const tops = [...columns.values()].map((rows) => rows[0]!);
    expect(new Set(tops).size).toBe(1);
    for (const rows of columns.values()) expect(rows[rows.length - 1]! - rows[0]! + 1).toBe(rows.length);
    // Nothing near the foot of the box: the short is spread at the bottom of every column.
    expect(Math.max(...bottoms)).toBeLessThan(30 - 5);
    // The report's short lines are the empty cells below the balanced columns.
    const capacity = 4 * (30 - tops[0]! + 1);
    expect(story.short.lines).toBe(capacity - 50);
    expect(story.writeToFit?.add).toBeGreaterThan(0);
  });

  it('sets a long sidebar whole, in one tinted box at the bottom right, with all its text', () => {
    const story = storyOf(built.report, 'sidebar');
    expect(story.overset).toEqual({ chars: 0, lines: 0 });
    const tints = tool('tints.py', built.pdf);
    expect(tints.status, tints.stderr).toBe(0);
    expect(tints.stdout.trim()).toBe('page 1: 1 tinted boxes');
    expect(built.text).toContain('相关链接');
    expect(built.text).toContain(SIDEBAR_TEXT.replace(/\s+/g, ''));
    // cols=2 place="bottom": its text lies in the last two columns of the box, ending on its last row.
    const sidebarRows = rowsByColumn(built.cells, story.box!, /句|相关链接/);
    expect(sidebarRows.get(5)).toEqual([]);
    expect(sidebarRows.get(6)).toEqual([]);
    expect(sidebarRows.get(7)!.length).toBeGreaterThan(3);
    expect(sidebarRows.get(8)!.length).toBeGreaterThan(3);
    expect(Math.max(...sidebarRows.get(7)!, ...sidebarRows.get(8)!)).toBeGreaterThanOrEqual(28);
    // The body text flows round it: every body line printed, none in the sidebar's rows of its columns.
    const body = rowsByColumn(built.cells, story.box!, /^[栏后]\d\d行甲乙丙丁戊己$/);
    expect(lineCount(body)).toBe(40);
    const sidebarTop = Math.min(...sidebarRows.get(7)!, ...sidebarRows.get(8)!);
    for (const col of [7, 8]) expect(body.get(col)!.every((row) => row < sidebarTop)).toBe(true);
  });

  it('gives a rows: auto box just the lines it needs, with no overset and less than a line per column short', () => {
    const story = storyOf(built.report, 'auto');
    const room = GRID.rows - 32 + 1;
    expect(story.box).toMatchObject({ col: 1, cols: 3, row: 32 });
    expect(story.box!.rows).toBeLessThan(room);
    expect(story.box!.rows).toBeLessThan(20);
    expect(story.overset).toEqual({ chars: 0, lines: 0 });
    expect(story.short.lines).toBeLessThan(3);
    // On the page: all 20 lines, and the last one on (or a line above) the box's last row.
    const columns = rowsByColumn(built.cells, { ...story.box!, rows: room }, /^自\d\d行甲乙丙丁戊己$/);
    const rows = [...columns.values()].flat();
    expect(rows).toHaveLength(20);
    const last = story.box!.row + story.box!.rows - 1;
    expect(Math.max(...rows)).toBeLessThanOrEqual(last);
    expect(Math.max(...rows)).toBeGreaterThanOrEqual(last - 1);
    expect(built.report.verify.stories.filter((s) => s.story === 'auto')).toEqual([]);
  });

  it('steps a long headline in a narrow box down the house scale, without an error', () => {
    const story = storyOf(built.report, 'stepdown');
    expect(story.headline).toBeDefined();
    expect(story.headline!.overflow).toBeUndefined();
    expect(story.headline!.sizePt).toBeLessThan(story.headline!.naturalPt);
    expect(story.headline!.lines).toBeLessThanOrEqual(3);
    expect(story.overset).toEqual({ chars: 0, lines: 0 });
    expect(built.report.messages.filter((m) => m.story === 'stepdown' && m.severity === 'error')).toEqual([]);
    expect(built.text).toContain('城乡公交一体化改革让沿线村民出行更方便又更实惠');
  });

  it('reports a sidebar that fits nowhere whole as block-no-room at its line, and never splits it', () => {
    const errors = built.report.messages.filter((m) => m.ruleId === 'block-no-room');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ severity: 'error', line: 7, column: 1, page: 'A1', story: 'toobig' });
    expect(errors[0]!.file).toMatch(/(^|\/)toobig\.md$/);
    expect(errors[0]!.message).toMatch(/^A1 toobig: Sidebar “太长” is \d+ lines tall in 1 column and fits nowhere whole in its story \(\d+ body lines in 1 column\)/);
    // Not printed in pieces: its text is overset, counted and marked, not on the page.
    const story = storyOf(built.report, 'toobig');
    expect(story.overset.chars).toBeGreaterThan(SIDEBAR_TEXT.length - 10);
    expect(built.text).not.toContain('太长');
    expect(built.text).toContain(tagged('大', 1));
  });

  it('keeps every crosshead with at least two lines of its text in its column', () => {
    const box = storyOf(built.report, 'crossheads').box!;
    const cells = built.cells.filter((c) => c.page === 1 && c.col >= box.col && c.col < box.col + box.cols && c.row >= box.row && c.row < box.row + box.rows);
    const heads = cells.filter((c) => /^小标\d$/.test(c.text));
    expect(heads.length).toBeGreaterThanOrEqual(4);
    for (const head of heads) {
      const n = Number(head.text.slice(2));
      const own = new RegExp(`^${'ABCDEFGHI'[n - 1]}\\d\\d行`);
      const after = cells.filter((c) => c.col === head.col && c.row > head.row && own.test(c.text));
      expect(after.length, head.text).toBeGreaterThanOrEqual(Math.min(2, CROSSHEAD_RUNS[n - 1]!));
    }
    // Not vacuous: set greedily (each head 2 lines, each paragraph 1), some head would end a column with under two lines of its text.
    // The body starts two lines (the first crosshead) above the first paragraph.
    const first = cells.find((c) => c.col === box.col && /^A01行/.test(c.text))!.row - 2;
    const perColumn = box.row + box.rows - first;
    let at = 0;
    const naive = CROSSHEAD_RUNS.some((n) => {
      const left = perColumn - (at % perColumn);
      at += left < 2 ? left + 2 + n : 2 + n;
      return left >= 2 && left - 2 < Math.min(2, n);
    });
    expect(naive).toBe(true);
  });

  it('reports a headline that cannot fit as headline-overflow at the title line, and prints nothing over text', () => {
    const story = storyOf(built.report, 'overflow');
    expect(story.headline).toMatchObject({ sizePt: 14, lines: 4, overflow: '4 lines at 14 pt, more than 3' });
    const errors = built.report.messages.filter((m) => m.ruleId === 'headline-overflow');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ severity: 'error', line: 2, column: 8, page: 'A1', story: 'overflow' });
    expect(errors[0]!.file).toMatch(/(^|\/)overflow\.md$/);
    expect(errors[0]!.message).toContain('box {col: 6, cols: 2, row: 32, rows: 10}');
    expect(built.report.ok).toBe(false);
    const overlaps = tool('overlaps.py', built.pdf);
    expect(overlaps.stdout.trim().split('\n').pop()).toBe('0 overlapping pairs');
    expect(overlaps.status).toBe(0);
    // Its body is still on the page, below the headline.
    expect(built.text).toContain(tagged('溢', 1));
  });
});

describe('composition at its limits: an overset stack, a jump out of a stack, a table set whole', () => {
  let built: Built;
  const OVER = { col: 1, cols: 2, row: 1, rows: 20 };
  const JUMPING = { col: 4, cols: 3, row: 1, rows: 30 };
  const TABLE_ROWS = ['| 镇街 | 场次 | 人数 |', '| --- | --- | --- |', ...Array.from({ length: 6 }, (_, i) => `| 表${i + 1}城厢街道 | ${10 + i} | ${100 * (i + 1)} |`)];

  beforeAll(async () => {
    built = await build({
      'edition.yaml': [
        ...HEAD,
        'pages:',
        '  - id: A1',
        '    template: news',
        '    section: 测试',
        '    stories:',
        `      - stack: {col: ${OVER.col}, cols: ${OVER.cols}, row: ${OVER.row}, rows: ${OVER.rows}}`,
        '        stories: [{file: over1.md}, {file: over2.md}]',
        '      - file: below.md',
        '        box: {col: 1, cols: 2, row: 21, rows: 12}',
        `      - stack: {col: ${JUMPING.col}, cols: ${JUMPING.cols}, row: ${JUMPING.row}, rows: ${JUMPING.rows}}`,
        '        stories:',
        '          - {file: first.md}',
        '          - {file: jumper.md, continue: {page: A2, box: {col: 1, cols: 3, row: 1, rows: 30}}}',
        '      - file: table.md',
        '        box: {col: 4, cols: 3, row: 32, rows: 30}',
        '  - id: A2',
        '    template: news',
        '    section: 测试',
        '    stories: []',
      ].join('\n'),
      'over1.md': article('上稿', taggedLines('上', 24)),
      'over2.md': article('下稿', taggedLines('下', 24)),
      'below.md': article('下方稿', taggedLines('方', 10)),
      'first.md': article('先稿', taggedLines('先', 12)),
      'jumper.md': article('转版稿件', taggedLines('转', 90)),
      'table.md': article('表格整块', [...taggedLines('前', 6), TABLE_ROWS.join('\n'), ...taggedLines('后', 30)]),
    });
  });

  it('oversets the last story of a stack that is too full, with its cut count, and nothing leaves the stack', () => {
    const first = storyOf(built.report, 'over1');
    const last = storyOf(built.report, 'over2');
    expect(first.overset.chars).toBe(0);
    expect(last.overset.chars).toBeGreaterThan(0);
    expect(last.writeToFit).toEqual({ cut: last.overset.chars });
    expect(last.box!.row + last.box!.rows).toBe(OVER.row + OVER.rows);
    const overset = built.report.messages.find((m) => m.ruleId === 'overset' && m.story === 'over2');
    expect(overset?.message).toContain(`cut ${last.overset.chars} chars`);
    // No line of the stack is printed in the box below it, and that box keeps all its lines.
    const inBelow = built.cells.filter((c) => c.page === 1 && c.col <= 2 && c.row >= 21 && c.row < 33);
    expect(inBelow.some((c) => /^[上下]\d\d行/.test(c.text))).toBe(false);
    expect(inBelow.filter((c) => /^方\d\d行/.test(c.text))).toHaveLength(10);
  });

  it('jumps a story out of a stack: it takes what the stack leaves, and goes on on the other page', () => {
    const first = storyOf(built.report, 'first');
    const jumper = storyOf(built.report, 'jumper');
    expect(jumper.continuedOn).toBe('A2');
    expect(first.box!.row).toBe(JUMPING.row);
    expect(jumper.box!.row).toBe(first.box!.row + first.box!.rows);
    expect(jumper.box!.row + jumper.box!.rows).toBe(JUMPING.row + JUMPING.rows);
    const cont = built.report.pages[1]!.stories.find((s) => s.story === 'jumper' && s.part === 'cont')!;
    expect(cont.overset.chars).toBe(0);
    // Every line of the story is printed once, across the two pages.
    const printed = built.cells.filter((c) => /^转\d\d行/.test(c.text)).map((c) => c.text.slice(0, 4));
    expect(new Set(printed).size).toBe(90);
    expect(printed).toHaveLength(90);
    expect(built.cells.some((c) => c.page === 2 && /^转\d\d行/.test(c.text))).toBe(true);
  });

  it('sets a table whole: all its rows in one block of one set of columns, with the body round it', () => {
    const story = storyOf(built.report, 'table');
    expect(story.overset.chars).toBe(0);
    const cells = built.cells.filter((c) => c.page === 1 && /^表\d/.test(c.text));
    expect(cells.map((c) => c.text.slice(0, 2)).sort()).toEqual(['表1', '表2', '表3', '表4', '表5', '表6']);
    // One column of the page holds the first cells of every row, on consecutive rows.
    expect(new Set(cells.map((c) => c.col)).size).toBe(1);
    const rows = cells.map((c) => c.row).sort((a, b) => a - b);
    expect(rows[rows.length - 1]! - rows[0]!).toBeLessThanOrEqual(2 * (rows.length - 1));
    for (const n of [1, 30]) expect(built.text).toContain(tagged('后', n));
  });
});

// Words that break at spaces, so that tighter letter-spacing moves words up a line.
const WORDS = ['city', 'bus', 'line', 'stop', 'new', 'route', 'map', 'east', 'west', 'park'];
const latin = (n: number) => Array.from({ length: n }, (_, i) => WORDS[i % WORDS.length]).join(' ');

describe('composition with typography.fit tracking ±0.03 em (a stack, a fitted story)', () => {
  let built: Built;
  const STACK = { col: 1, cols: 4, row: 1, rows: 40 };

  beforeAll(async () => {
    built = await build({
      'edition.yaml': [
        ...HEAD,
        'typography:',
        '  fit: {tracking: {min: -0.03, max: 0.03}}',
        ...page([
          '      - stack: {col: 1, cols: 4, row: 1, rows: 40}',
          '        stories: [{file: first.md}, {file: second.md}, {file: third.md}]',
          '      - file: fitted.md',
          '        box: {col: 5, cols: 2, row: 1, rows: 12}',
        ]),
      ].join('\n'),
      'first.md': article('第一篇叠放稿件', [numberedSentences(10, 100).join(''), numberedSentences(8, 120).join('')]),
      'second.md': article('第二篇叠放稿件', [numberedSentences(12, 200).join('')]),
      'third.md': article('第三篇叠放稿件', [numberedSentences(9, 400).join(''), numberedSentences(9, 420).join('')]),
      'fitted.md': article('短标题', ['第一段' + '甲乙丙丁戊己庚辛壬癸'.repeat(4), latin(84)]),
    });
  });

  it('fills the stack top to bottom with contiguous boxes, the last ending on its last row, 0 overset', () => {
    const stories = ['first', 'second', 'third'].map((name) => storyOf(built.report, name));
    for (const story of stories) {
      expect(story.overset).toEqual({ chars: 0, lines: 0 });
      expect(story.box).toMatchObject({ col: STACK.col, cols: STACK.cols });
      expect(story.box!.rows).toBeGreaterThan(0);
      // Only spacing and tracking were used, within the edition's limits.
      for (const key of Object.keys(story.fitted ?? {})) expect(['trackingEm', 'spacingLines']).toContain(key);
      expect(Math.abs(story.fitted?.trackingEm ?? 0)).toBeLessThanOrEqual(0.03);
    }
    expect(stories[0]!.box!.row).toBe(STACK.row);
    for (let i = 1; i < stories.length; i++) expect(stories[i]!.box!.row).toBe(stories[i - 1]!.box!.row + stories[i - 1]!.box!.rows);
    const last = stories[2]!.box!;
    expect(last.row + last.rows).toBe(STACK.row + STACK.rows);
    expect(built.report.messages.filter((m) => m.ruleId === 'overset')).toEqual([]);
    // On the page: every sentence of the three stories is printed, and the last story's text
    // reaches the stack's last row.
    for (const n of [...range(100, 10), ...range(120, 8), ...range(200, 12), ...range(400, 9), ...range(420, 9)]) expect(built.text).toContain(`第${n}句`);
    const thirdRows = [...rowsByColumn(built.cells, last, /./).values()].flat();
    expect(Math.max(...thirdRows)).toBe(STACK.row + STACK.rows - 1);
  });

  it('fits a story slightly too long by tighter tracking, and the PDF has exactly the lines the report says', () => {
    const story = storyOf(built.report, 'fitted');
    expect(story.fitted?.trackingEm).toBeLessThan(0);
    expect(story.fitted!.trackingEm).toBeGreaterThanOrEqual(-0.03);
    expect(story.overset).toEqual({ chars: 0, lines: 0 });
    expect(story.writeToFit).toBeUndefined();
    const box = story.box!;
    const columns = rowsByColumn(built.cells, box, /./);
    // Body lines: the rows below the headline (the headline sits alone above the first body row).
    const headline = built.cells.filter((w) => w.page === 1 && w.text.includes('短标题') && w.col >= box.col && w.col < box.col + box.cols);
    expect(headline).toHaveLength(1);
    const firstBody = Math.min(...[...columns.values()].flat().filter((row) => row > headline[0]!.row));
    const bodyLines = [...columns.values()].reduce((n, rows) => n + rows.filter((row) => row >= firstBody).length, 0);
    const capacity = box.cols * (box.row + box.rows - firstBody);
    expect(bodyLines).toBe(capacity - story.short.lines);
    expect(story.short.lines).toBeLessThanOrEqual(1);
    expect(built.text).toContain('park');
  });
});

describe('the fit search told from line counts', () => {
  // Latin copy, which tracking moves by whole lines, with a crosshead after `before` words:
  // one story a little too long, one a little too short, and one whose crosshead falls where
  // the count would cut the column, so that the keep rule makes the count wrong.
  const story = (before: number, after: number) => article('短标题', [latin(before), '## 小标', latin(after)]);
  const files = (tracking: number) => ({
    'edition.yaml': [
      ...HEAD,
      'typography:',
      `  fit: {tracking: {min: -${tracking}, max: ${tracking}}}`,
      ...page([
        '      - file: loose.md',
        '        box: {col: 3, cols: 2, row: 1, rows: 34}',
        '      - file: keep.md',
        '        box: {col: 3, cols: 2, row: 41, rows: 34}',
        '      - file: tight.md',
        '        box: {col: 7, cols: 2, row: 41, rows: 34}',
      ]),
    ].join('\n'),
    'loose.md': story(45, 252),
    'keep.md': story(153, 162),
    'tight.md': story(207, 111),
  });
  let built: Built;
  let narrow: Built;

  beforeAll(async () => {
    built = await build(files(0.03));
    // One tracking step (0.005 em) short of what the first build found for tight and loose.
    narrow = await build(files(0.015));
  });

  it('lays out only the answer, and the PDF has the lines the report says', () => {
    for (const [name, sign] of [['tight', -1], ['loose', 1]] as const) {
      const fitted = storyOf(built.report, name);
      expect(fitted.layout?.passes, name).toBe(1);
      expect(Math.sign(fitted.fitted?.trackingEm ?? 0), name).toBe(sign);
      expect(fitted.overset, name).toEqual({ chars: 0, lines: 0 });
      expect(fitted.short.lines, name).toBeLessThanOrEqual(1);
      const box = fitted.box!;
      const headline = built.cells.find((c) => c.page === 1 && c.text === '短标题' && c.col >= box.col && c.col < box.col + box.cols && c.row >= box.row)!;
      const columns = [...rowsByColumn(built.cells, box, /./).values()].map((rows) => rows.filter((row) => row > headline.row));
      const firstBody = Math.min(...columns.flat());
      // The crosshead takes two rows, one of them air.
      const bodyRows = columns.reduce((n, rows) => n + rows.length, 0) + 1;
      expect(bodyRows, name).toBe(box.cols * (box.row + box.rows - firstBody) - fitted.short.lines);
    }
  });

  it('takes the least tracking that fits: one step less does not', () => {
    expect(storyOf(built.report, 'tight').fitted?.trackingEm).toBe(-0.02);
    expect(storyOf(built.report, 'loose').fitted?.trackingEm).toBe(0.02);
    expect(storyOf(narrow.report, 'tight').overset.lines).toBeGreaterThan(0);
    expect(storyOf(narrow.report, 'loose').short.lines).toBeGreaterThan(1);
  });

  it('lays the search out again when the answer is not what the counts said', () => {
    const keep = storyOf(built.report, 'keep');
    // The told answer (−0.02 em) left a line over; the laid-out search then tried the limit.
    expect(keep.layout!.passes).toBeGreaterThan(1);
    expect(keep.fitted?.trackingEm).toBe(-0.03);
    expect(keep.overset.lines).toBe(1);
    expect(keep.writeToFit?.cut).toBe(keep.overset.chars);
    // The crosshead went to the top of the second column with two lines of its text (its second row is air).
    const head = built.cells.find((c) => c.page === 1 && c.text === '小标' && c.row > 40 && c.col >= 3 && c.col < 5)!;
    const firstColumn = built.cells.filter((c) => c.page === 1 && c.col === 3 && c.row > 40 && /^(city|bus|line)/.test(c.text));
    expect(head.col).toBe(4);
    expect(head.row).toBe(Math.min(...firstColumn.map((c) => c.row)));
    expect(built.cells.filter((c) => c.page === 1 && c.col === head.col && c.row > head.row && c.row <= head.row + 3)).toHaveLength(2);
  });
});

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

/** A results table wide enough for two columns. */
const TABLE = ['| 名次 | 代表队 | 胜 | 负 | 场均得分 | 积分 |', '| --- | --- | --- | --- | --- | --- |', '| 1 | 戴村镇 | 9 | 1 | 76.4 | 19 |', '| 2 | 进化镇 | 8 | 2 | 74.1 | 18 |', '| 8 | 义桥镇 | 4 | 6 | 62.9 | 14 |'].join('\n');

describe('stacked stories set from their typeset line counts', () => {
  let built: Built;
  // Four stacks of two columns. The first story of each has a crosshead after 8, 9, 10 or
  // 11 one-line paragraphs: after 10 and 11 the balanced cut falls just below it, so the
  // keep rule moves it and the story needs more rows than its line count says.
  const LINES_BEFORE_HEAD = [8, 9, 10, 11];
  const stackAt = (k: number) => ({ col: 2 * k + 1, cols: 2, row: 1, rows: 40 });

  beforeAll(async () => {
    const files: Record<string, string> = {
      'edition.yaml': [
        ...HEAD,
        ...page([
          ...LINES_BEFORE_HEAD.flatMap((_, k) => [`      - stack: {col: ${2 * k + 1}, cols: 2, row: 1, rows: 40}`, `        stories: [{file: keep${k}.md}, {file: plain${k}.md}]`]),
          // A table at the foot of a story, as wide as the stack: the text ends above it.
          '      - stack: {col: 1, cols: 2, row: 45, rows: 40}',
          '        stories: [{file: tabled.md}, {file: after.md}]',
          // The same table in a story three columns wide: the text runs beside it too.
          '      - stack: {col: 4, cols: 3, row: 45, rows: 40}',
          '        stories: [{file: beside.md}, {file: below.md}]',
        ]),
      ].join('\n'),
      'tabled.md': article('表格稿', [...taggedLines('E', 12), TABLE]),
      'after.md': article('表后稿', taggedLines('戊', 12)),
      'beside.md': article('表旁稿', [...taggedLines('F', 30), TABLE]),
      'below.md': article('表下稿', taggedLines('己', 12)),
    };
    LINES_BEFORE_HEAD.forEach((before, k) => {
      const tag = 'ABCD'[k]!;
      files[`keep${k}.md`] = article(`保留${k}`, [...taggedLines(tag, before), '## 小标', ...taggedLines(tag, 14).map((_, i) => tagged(tag, before + i + 1))]);
      files[`plain${k}.md`] = article(`平稿${k}`, taggedLines(`${'甲乙丙丁'[k]}`, 12 + k));
    });
    built = await build(files);
  });

  it('lays each story out once when its count tells its rows, and checks the count on that pass', () => {
    for (const k of [0, 1]) {
      for (const name of [`keep${k}`, `plain${k}`]) expect(storyOf(built.report, name).layout?.passes, name).toBe(1);
    }
    // Where the keep rule moved a line, the count was wrong: the story was laid out to find its rows.
    for (const k of [2, 3]) expect(storyOf(built.report, `keep${k}`).layout!.passes).toBeGreaterThan(1);
  });

  it('tells the rows of a story with a table at its foot, across it or beside the text: text, the table, the next story', () => {
    for (const [name, next, tag, lines] of [['tabled', 'after', 'E', 12], ['beside', 'below', 'F', 30]] as const) {
      const [story, after] = [name, next].map((n) => storyOf(built.report, n));
      expect(story!.layout?.passes, name).toBe(1);
      expect(story!.overset, name).toEqual({ chars: 0, lines: 0 });
      expect(after!.box!.row, name).toBe(story!.box!.row + story!.box!.rows);
      expect(after!.box!.row + after!.box!.rows, name).toBe(85);
      const text = rowsByColumn(built.cells, story!.box!, new RegExp(`^${tag}\\d\\d行`));
      expect(lineCount(text), name).toBe(lines);
      const box = story!.box!;
      const table = built.cells.filter((c) => c.page === 1 && c.col >= box.col && c.col < box.col + box.cols && c.row >= box.row && c.row < after!.box!.row && /戴村镇|义桥镇/.test(c.text));
      expect(table.map((c) => c.text.match(/戴村镇|义桥镇/)![0]).sort(), name).toEqual(['义桥镇', '戴村镇']);
      // The table's last row is the story's last row, and the text in its columns is above it.
      expect(Math.max(...table.map((c) => c.row)), name).toBe(box.row + box.rows - 1);
      const tableCols = new Set(table.map((c) => c.col));
      const over = [...text.entries()].filter(([col]) => tableCols.has(col)).flatMap(([, rows]) => rows);
      expect(Math.max(...over), name).toBeLessThan(Math.min(...table.map((c) => c.row)));
    }
  });

  it('sets every stack whole either way: contiguous boxes, all text, each story down to its last row, crossheads kept', () => {
    LINES_BEFORE_HEAD.forEach((before, k) => {
      const stack = stackAt(k);
      const [keep, plain] = [`keep${k}`, `plain${k}`].map((name) => storyOf(built.report, name));
      expect(keep!.overset).toEqual({ chars: 0, lines: 0 });
      expect(plain!.overset).toEqual({ chars: 0, lines: 0 });
      expect(keep!.box).toMatchObject({ col: stack.col, row: stack.row });
      expect(plain!.box!.row).toBe(keep!.box!.row + keep!.box!.rows);
      expect(plain!.box!.row + plain!.box!.rows).toBe(stack.row + stack.rows);
      const tag = 'ABCD'[k]!;
      const own = rowsByColumn(built.cells, keep!.box!, new RegExp(`^${tag}\\d\\d行`));
      expect(lineCount(own), `keep${k}`).toBe(before + 14);
      // The story's text reaches the last row of its box: the rows found are the rows it needs.
      expect(Math.max(...[...own.values()].flat()), `keep${k}`).toBe(keep!.box!.row + keep!.box!.rows - 1);
      expect(lineCount(rowsByColumn(built.cells, plain!.box!, new RegExp(`^${'甲乙丙丁'[k]}\\d\\d行`)))).toBe(12 + k);
      // The stack's spare rows are air between the stories, above the head: it stays by its text.
      const spacing = plain!.fitted?.spacingLines ?? 0;
      expect(spacing, `plain${k}`).toBeGreaterThan(4);
      const title = built.cells.find((c) => c.page === 1 && c.text.includes('平稿') && c.col >= stack.col && c.col < stack.col + stack.cols)!;
      const firstText = Math.min(...[...rowsByColumn(built.cells, plain!.box!, new RegExp(`^${'甲乙丙丁'[k]}\\d\\d行`)).values()].flat());
      expect(title.row, `plain${k}`).toBeGreaterThanOrEqual(plain!.box!.row + spacing);
      expect(firstText - title.row, `plain${k}`).toBeLessThanOrEqual(2);
      const head = built.cells.find((c) => c.page === 1 && c.text === '小标' && c.col >= stack.col && c.col < stack.col + stack.cols)!;
      const below = built.cells.filter((c) => c.page === 1 && c.col === head.col && c.row > head.row && c.row < keep!.box!.row + keep!.box!.rows && c.text.startsWith(tag));
      expect(below.length, `keep${k}`).toBeGreaterThanOrEqual(2);
    });
  });
});

describe('composition input errors in edition.yaml', () => {
  const load = async (yaml: string[], articles: string[]) => {
    const files: Record<string, string> = { 'edition.yaml': yaml.join('\n') };
    for (const name of articles) files[name] = article('标题', ['正文。']);
    const dir = writeEdition(files);
    const result = await loadEdition(dir);
    return messagesFromFiles(result.files, dir).filter((m) => m.severity === 'error');
  };

  it('rejects contradictory typography.fit limits at their line', async () => {
    const errors = await load(
      [...HEAD, 'typography:', '  fit:', '    tracking: {min: 0.02, max: 0.01}', ...page(['      - file: a.md', '        box: {col: 1, cols: 2, row: 1, rows: 20}'])],
      ['a.md'],
    );
    // One error, at `min`, saying what contradicts what.
    expect(errors).toEqual([
      expect.objectContaining({
        file: 'edition.yaml',
        line: 5,
        column: 21,
        ruleId: 'schema',
        message: 'Invalid `typography.fit.tracking.min`: found the number 0.02, expected `min` (0.02) not above `max` (0.01): the limits contradict each other',
      }),
    ]);
  });

  it('reports rows: auto with no room below as auto-no-room, naming the box', async () => {
    const errors = await load(
      [
        ...HEAD,
        ...page([
          '      - file: a.md',
          '        box: {col: 1, cols: 3, row: 10, rows: auto}',
          '      - file: b.md',
          '        box: {col: 2, cols: 2, row: 12, rows: 20}',
        ]),
      ],
      ['a.md', 'b.md'],
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'edition.yaml', line: 9, ruleId: 'auto-no-room' });
    expect(errors[0]!.message).toContain('a.md');
    expect(errors[0]!.message).toContain('columns 1–3');
  });

  it('reports a stack that overlaps a box as box-overlap', async () => {
    const errors = await load(
      [
        ...HEAD,
        ...page([
          '      - file: a.md',
          '        box: {col: 1, cols: 3, row: 1, rows: 20}',
          '      - stack: {col: 3, cols: 3, row: 10, rows: 30}',
          '        stories: [{file: b.md}, {file: c.md}]',
        ]),
      ],
      ['a.md', 'b.md', 'c.md'],
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'edition.yaml', line: 10, ruleId: 'box-overlap' });
    expect(errors[0]!.message).toMatch(/stack of `b\.md`.*overlaps `a\.md`/);
  });
});
