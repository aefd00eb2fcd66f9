import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, KeyInput, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prepareEdition } from '../../src/pipeline/prepare-edition.js';
import { messagesFromFiles } from '../../src/report/messages.js';
import type { PreviewGrid } from '../../src/server/preview-state.js';
import { boxRect, cellPoint, DESK_YAML, gridStep, openDesk, rectOf, waitForFile as waitForYaml, startDeskFixture } from './desk-fixture.js';
import { openPreviewTab, type PreviewFixture } from './preview-fixture.js';

// The layout desk in real Chromium: real drags with Puppeteer's mouse on a preview of a
// copy of the sample's stories (see desk-fixture.ts), and what they write to edition.yaml.

let fixture: PreviewFixture;
let browser: Browser;
let tab: Page;
let grid: PreviewGrid;
let yamlPath: string;

const STORY = 'story-news-laonian-shitang';
const yaml = () => readFile(yamlPath, 'utf8');
const liveFit = (story: string) => tab.evaluate((id) => window.__pwDeskProbe.fits[id], story);
const saves = () => tab.evaluate(() => window.__pwDeskProbe.saves);
const shownVersion = () => tab.evaluate(() => window.__pwDeskProbe.shownVersion);

const waitForFile = (change: (text: string) => boolean, timeout = 30_000) => waitForYaml(yamlPath, change, timeout);

/** Wait until the desk's page document is page `id`'s (after a change of page). */
async function waitForDeskPage(id: string): Promise<void> {
  await tab.waitForFunction(
    (page) => document.querySelector<HTMLIFrameElement>('.pw-desk-frames iframe.pw-frame:not(.pw-frame-loading)')?.contentDocument?.querySelector(`.pw-page[data-page="${page}"]`),
    { timeout: 120_000, polling: 100 },
    id,
  );
}

/** Wait until the desk shows a layout of a page version newer than `version`. */
async function waitForNewLayout(version: number): Promise<void> {
  await tab.waitForFunction((v) => window.__pwDeskProbe.shownVersion > v, { timeout: 120_000, polling: 100 }, version);
  await tab.waitForFunction(() => !window.__pwDeskProbe.saving, { polling: 50 });
}

async function waitForMessage(pattern: RegExp): Promise<string> {
  await tab.waitForFunction((source) => new RegExp(source).test(window.__pwDeskProbe.message), { timeout: 30_000, polling: 50 }, pattern.source);
  return tab.evaluate(() => window.__pwDeskProbe.message);
}

/** Press on a box (or one of its handles), move by whole grid steps, and optionally release. */
async function drag(key: string, cols: number, rows: number, options: { handle?: string; release?: boolean } = {}): Promise<void> {
  const step = await gridStep(tab, grid);
  const start = options.handle
    ? await rectOf(tab, `[data-key="${key}"] [data-handle="${options.handle}"]`).then((r) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2 }))
    : await boxRect(tab, key).then((r) => ({ x: r.x + r.width / 2, y: r.y + Math.min(r.height / 2, 60) }));
  await tab.mouse.move(start.x, start.y);
  await tab.mouse.down();
  await tab.mouse.move(start.x + cols * step.col, start.y + rows * step.row, { steps: 8 });
  if (options.release !== false) await tab.mouse.up();
}

/** Classes of the story element in the desk's own page document. */
function deskStoryClasses(story: string): Promise<string[]> {
  return tab.evaluate((id) => {
    const frame = document.querySelector<HTMLIFrameElement>('.pw-desk-frames iframe.pw-frame:not(.pw-frame-loading)')!;
    return [...frame.contentDocument!.querySelector<HTMLElement>(`.story[data-story="${id}"]`)!.classList];
  }, story);
}

async function select(key: string): Promise<void> {
  const r = await boxRect(tab, key);
  await tab.mouse.click(r.x + r.width / 2, r.y + 40);
  await tab.waitForSelector(`[data-key="${key}"].pw-desk-selected`);
}

beforeAll(async () => {
  fixture = await startDeskFixture();
  yamlPath = join(fixture.editionDir, 'edition.yaml');
  ({ browser, tab } = await openPreviewTab(fixture, { width: 1400, height: 1000 }));
  grid = fixture.preview.builder.snapshot().grid!;
  // Settled when the story's box is where the first drag will grab it.
  await openDesk(tab, fixture, 'A1', `[data-key="${STORY}"]`, () => boxRect(tab, STORY));
}, 240_000);

// A failed test must not leave the button down for the next one.
afterEach(async () => {
  await tab?.mouse.up().catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

describe('layout desk in Chromium', () => {
  it('moves a story two columns right: exactly those numbers change, comments stay, the page shows it; Ctrl+Z gives the file back byte for byte', async () => {
    expect(await tab.$eval('.pw-toolbar button[aria-pressed="true"]', (b) => b.textContent)).toContain('排版');
    const before = await yaml();
    const version = await shownVersion();
    await drag(STORY, 2, 0);
    const after = await waitForFile((text) => text !== before);
    expect(after).toBe(before.replace('box: {col: 1, cols: 3, row: 1, rows: 50} # three columns wide', 'box: {col: 3, cols: 3, row: 1, rows: 50} # three columns wide'));
    await waitForNewLayout(version);
    const left = await tab.evaluate(() => {
      const frame = document.querySelector<HTMLIFrameElement>('.pw-desk-frames iframe.pw-frame:not(.pw-frame-loading)')!;
      return frame.contentDocument!.querySelector<HTMLElement>('.story[data-story="news-laonian-shitang"]')!.style.left;
    });
    expect(left).toBe(`${2 * (grid.columnWidthPt + grid.gutterPt)}pt`);
    await tab.screenshot({ path: '/tmp/desk-moved.png' });

    const undoVersion = await shownVersion();
    await tab.keyboard.down('Control');
    await tab.keyboard.press('z');
    await tab.keyboard.up('Control');
    await waitForFile((text) => text !== after);
    expect(Buffer.compare(await readFile(yamlPath), Buffer.from(before))).toBe(0);
    await waitForNewLayout(undoVersion);
  });

  it('resizes a story smaller: the overset shows while dragging and after the drop', async () => {
    await select(STORY);
    const before = await yaml();
    const version = await shownVersion();
    expect(await deskStoryClasses('news-laonian-shitang')).not.toContain('size-small');
    await drag(STORY, -1, -30, { handle: 'se', release: false });
    const live = await liveFit('news-laonian-shitang');
    expect(live!.overset).toBeGreaterThan(0);
    // Two columns wide now: already while dragging, the story has the small head the build gives it.
    expect(await deskStoryClasses('news-laonian-shitang')).toContain('size-small');
    expect(await tab.$eval(`[data-fit="${STORY}"]`, (el) => el.textContent)).toMatch(/超版 \d+字/);
    expect(await tab.$eval(`[data-key="${STORY}"] .pw-desk-cells`, (el) => el.textContent)).toContain('栏 1–2 · 行 1–20');
    await tab.screenshot({ path: '/tmp/desk-resizing.png' });
    await tab.mouse.up();
    await waitForFile((text) => text.includes('box: {col: 1, cols: 2, row: 1, rows: 20} # three columns wide'));
    expect(await yaml()).toBe(before.replace('{col: 1, cols: 3, row: 1, rows: 50}', '{col: 1, cols: 2, row: 1, rows: 20}'));
    await waitForNewLayout(version);
    expect((await liveFit('news-laonian-shitang'))!.overset).toBeGreaterThan(0);
    expect(await tab.$eval(`[data-fit="${STORY}"]`, (el) => el.textContent)).toMatch(/超版 \d+字/);
    expect(await deskStoryClasses('news-laonian-shitang')).toContain('size-small');
  });

  it('refuses an overlapping drop: the box shows red, the file is unchanged', async () => {
    const before = await yaml();
    const saved = await saves();
    // Columns 5–6 reach into the stack at column 6.
    await drag(STORY, 4, 0, { release: false });
    expect(await tab.$eval(`[data-key="${STORY}"]`, (el) => el.classList.contains('pw-desk-invalid'))).toBe(true);
    expect(await tab.$eval(`[data-key="${STORY}"] .pw-desk-cells`, (el) => el.textContent)).toMatch(/重叠 overlaps/);
    await tab.mouse.up();
    expect(await waitForMessage(/refused/)).toMatch(/重叠 overlaps/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await saves()).toBe(saved);
    expect(await yaml()).toBe(before);
    expect(await tab.$eval(`[data-key="${STORY}"]`, (el) => el.classList.contains('pw-desk-invalid'))).toBe(false);
  });

  it('refuses the write when edition.yaml is edited by hand during a drag, and loses nothing', async () => {
    const loaded = await yaml();
    await drag(STORY, 1, 0, { release: false });
    const hand = loaded.replace('# The story the desk tests move and resize.', '# The story the desk tests move and resize (edited by hand).');
    await writeFile(yamlPath, hand);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the preview sees the change
    await tab.mouse.up();
    expect(await waitForMessage(/changed on disk/)).toMatch(/nothing was written; the layout was reloaded/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await yaml()).toBe(hand);
    // The desk now works from the file on disk: the next move goes through.
    await tab.waitForFunction(() => !window.__pwDeskProbe.saving, { polling: 50 });
    await drag(STORY, 1, 0);
    await waitForFile((text) => text.includes('{col: 2, cols: 2, row: 1, rows: 20}'));
    expect(await yaml()).toContain('(edited by hand)');
  });

  it('refuses a POST from the page without the token (403)', async () => {
    const before = await yaml();
    const status = await tab.evaluate(async (hash) => {
      const response = await fetch('/_preview/desk/edit', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ op: 'undo', hash }) });
      return response.status;
    }, 'a'.repeat(64));
    expect(status).toBe(403);
    expect(await yaml()).toBe(before);
  });

  it('nudges the selected box with the arrow keys, and resizes it with Shift', async () => {
    await select(STORY);
    /** Press keys (with a modifier held) and wait for the one save they make. */
    const nudge = async (keys: KeyInput[], from: string, to: string, modifier?: KeyInput) => {
      const before = await yaml();
      if (modifier) await tab.keyboard.down(modifier);
      for (const key of keys) await tab.keyboard.press(key);
      if (modifier) await tab.keyboard.up(modifier);
      await waitForFile((text) => text !== before);
      expect(await yaml()).toBe(before.replace(from, to));
    };
    await nudge(['ArrowRight', 'ArrowDown'], '{col: 2, cols: 2, row: 1, rows: 20}', '{col: 3, cols: 2, row: 2, rows: 20}');
    await nudge(['ArrowDown', 'ArrowDown'], '{col: 3, cols: 2, row: 2, rows: 20}', '{col: 3, cols: 2, row: 2, rows: 22}', 'Shift');
    // Two nudges saved back to back (Enter), the second maybe before the first's reply: both
    // land, each from where the last left the box, and neither is taken for a hand edit.
    const twice = await yaml();
    const saved = await saves();
    for (const key of ['ArrowRight', 'ArrowLeft'] as const) {
      await tab.keyboard.press(key);
      await tab.keyboard.press('Enter');
    }
    await tab.waitForFunction((n) => window.__pwDeskProbe.saves >= n + 2 && !window.__pwDeskProbe.saving, { timeout: 30_000, polling: 50 }, saved);
    expect(await yaml()).toBe(twice);
    expect(await tab.evaluate(() => window.__pwDeskProbe.message)).not.toMatch(/changed on disk|not saved/);
    // Escape takes back a nudge that was not saved yet.
    const resized = await yaml();
    await tab.keyboard.press('ArrowRight');
    await tab.keyboard.press('Escape');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await yaml()).toBe(resized);
  });

  it('places a story dragged from the tray as a rows: auto box at the drop cell', async () => {
    const file = 'short-luobogan-yanzhi.md';
    const item = await tab.waitForSelector(`.pw-tray-item[data-file="${file}"]`);
    expect(await item!.evaluate((el) => el.querySelector('.pw-tray-chars')!.textContent)).toMatch(/^\d+字$/);
    const before = await yaml();
    const from = await rectOf(tab, `.pw-tray-item[data-file="${file}"]`);
    // Column 1, row 52: free since the story moved to columns 3–4; 8 rows above the box at row 60.
    const { x, y } = await cellPoint(tab, grid, 1, 52);
    await tab.mouse.move(from.x + 20, from.y + 10);
    await tab.mouse.down();
    await tab.mouse.move(x, y, { steps: 10 });
    await tab.mouse.up();
    const after = await waitForFile((text) => text !== before);
    expect(after).toBe(before.replace('          - {file: brief-dongjiu-shijia.md}\n', `          - {file: brief-dongjiu-shijia.md}\n      - file: ${file}\n        box: {col: 1, cols: 2, row: 52, rows: auto}\n`));
    await tab.waitForSelector('[data-key="story-short-luobogan-yanzhi"]', { timeout: 60_000 });
    expect(await tab.$$eval(`.pw-tray-item[data-file="${file}"]`, (items) => items.length)).toBe(0);
    expect(DESK_YAML).not.toContain(file);
  });

  it('continues an overset story on another page: pick the page, draw the box, `continue` is written and the page shows it', async () => {
    await select(STORY);
    expect((await liveFit('news-laonian-shitang'))!.overset).toBeGreaterThan(0);
    const before = await yaml();
    await tab.select('.pw-desk-jump', 'A2');
    await tab.waitForFunction(() => window.__pwPreview.page === 'A2' && document.querySelector('[data-key="story-brief-yunhe-qingyu"]'), { timeout: 120_000, polling: 100 });
    await tab.waitForFunction(() => /draw the box on A2/.test(window.__pwDeskProbe.message), { polling: 50 });
    await waitForDeskPage('A2');
    const version = await shownVersion();
    const [from, to] = [await cellPoint(tab, grid, 4, 1), await cellPoint(tab, grid, 5, 30)];
    await tab.mouse.move(from.x, from.y);
    await tab.mouse.down();
    await tab.mouse.move(to.x, to.y, { steps: 6 });
    await tab.mouse.up();
    await waitForFile((text) => text !== before);
    expect(await yaml()).toBe(
      before.replace('rows: 22} # three columns wide\n', 'rows: 22} # three columns wide\n        continue: {page: A2, box: {col: 4, cols: 2, row: 1, rows: 30}}\n'),
    );
    await waitForNewLayout(version);
    await tab.waitForFunction(
      () => document.querySelector<HTMLIFrameElement>('.pw-desk-frames iframe.pw-frame:not(.pw-frame-loading)')?.contentDocument?.querySelector('.story[data-part="cont"][data-story="news-laonian-shitang"] .frame p'),
      { timeout: 120_000, polling: 200 },
    );
    await tab.screenshot({ path: '/tmp/desk-continued.png' });
    // Back on A1 the story's box names its jump and how the target box fits.
    await tab.select('.pw-page-select', 'A1');
    await tab.waitForFunction(() => /^转 A2/.test(document.querySelector('[data-key="story-news-laonian-shitang"] .pw-desk-note-chip')?.textContent ?? ''), { timeout: 120_000, polling: 100 });
    // The desk's A1 document laid out since the write: the story knows it jumps.
    await tab.waitForFunction(
      () => /jumpTo/.test(document.querySelector<HTMLIFrameElement>('.pw-desk-frames iframe.pw-frame:not(.pw-frame-loading)')?.contentDocument?.querySelector<HTMLElement>('.pw-page[data-page="A1"] .story[data-story="news-laonian-shitang"]')?.dataset.layout ?? ''),
      { timeout: 120_000, polling: 100 },
    );
    const chip = () => tab.$eval('[data-key="story-news-laonian-shitang"] .pw-desk-note-chip', (el) => el.textContent ?? '');
    expect(await chip()).not.toContain('≈');
    // Taller in the hand, the story hands less text on: the chip estimates what the
    // continuation box would hold (≈); Escape puts everything back.
    const settled = await yaml();
    await select(STORY);
    await drag(STORY, 0, 3, { handle: 'se', release: false });
    await tab.waitForFunction(() => /接续(超版 ≈\d+字| ≈满)/.test(document.querySelector('[data-key="story-news-laonian-shitang"] .pw-desk-note-chip')?.textContent ?? ''), { timeout: 30_000, polling: 50 });
    await tab.keyboard.press('Escape');
    await tab.mouse.up();
    await tab.waitForFunction(() => !/≈/.test(document.querySelector('[data-key="story-news-laonian-shitang"] .pw-desk-note-chip')?.textContent ?? ''), { timeout: 30_000, polling: 50 });
    expect(await yaml()).toBe(settled);
  });

  it('shows on the story that jumps when its continuation box is overset, and a headline that does not fit while dragging', async () => {
    const before = await yaml();
    await tab.select('.pw-page-select', 'A2');
    const cont = 'continue-news-laonian-shitang';
    await tab.waitForFunction((k) => window.__pwPreview.page === 'A2' && document.querySelector(`[data-key="${k}"]`), { timeout: 120_000, polling: 100 }, cont);
    await waitForDeskPage('A2');
    const version = await shownVersion();
    // The continuation box cut from 30 lines to 4: the text handed on no longer fits in it.
    await select(cont);
    await drag(cont, 0, -26, { handle: 's' });
    await waitForFile((text) => text !== before);
    expect(await yaml()).toBe(before.replace('continue: {page: A2, box: {col: 4, cols: 2, row: 1, rows: 30}}', 'continue: {page: A2, box: {col: 4, cols: 2, row: 1, rows: 4}}'));
    await waitForNewLayout(version);
    await tab.waitForFunction((k) => /超版 \d+字/.test(document.querySelector(`[data-fit="${k}"]`)?.textContent ?? ''), { timeout: 120_000, polling: 100 }, cont);
    // On A1, the story that jumps says its continuation on A2 is overset, by how much.
    await tab.select('.pw-page-select', 'A1');
    await tab.waitForFunction(() => /^转 A2 · 接续超版 \d+字$/.test(document.querySelector('[data-key="story-news-laonian-shitang"] .pw-desk-note-chip')?.textContent ?? ''), { timeout: 120_000, polling: 100 });
    await waitForDeskPage('A1');

    // Three lines tall in the hand, the story's headline does not fit: its box says so before the drop.
    const settled = await yaml();
    await select(STORY);
    expect(await tab.$$(`[data-key="${STORY}"] [data-note="headline"]`)).toHaveLength(0);
    await drag(STORY, 0, -19, { handle: 'se', release: false });
    expect(await tab.$eval(`[data-key="${STORY}"] .pw-desk-cells`, (el) => el.textContent)).toContain('行 2–4');
    await tab.waitForSelector(`[data-key="${STORY}"] [data-note="headline"]`, { timeout: 30_000 });
    expect(await tab.$eval(`[data-key="${STORY}"] [data-note="headline"]`, (el) => el.textContent)).toMatch(/^题 headline does not fit: \d+ lines tall at [\d.]+ pt, the box leaves it \d+$/);
    await tab.keyboard.press('Escape');
    await tab.mouse.up();
    await tab.waitForFunction((k) => !document.querySelector(`[data-key="${k}"] [data-note="headline"]`), { timeout: 30_000, polling: 50 }, STORY);
    expect(await yaml()).toBe(settled);

    // Undo puts the continuation box back.
    await tab.keyboard.down('Control');
    await tab.keyboard.press('z');
    await tab.keyboard.up('Control');
    await waitForFile((text) => text === before);
  });

  it('moves a placed figure: the story is laid out with it at its new place while dragging, and only its numbers change', async () => {
    await tab.select('.pw-page-select', 'A3');
    const key = 'figure-inside-caijia-zoushi-0';
    await tab.waitForFunction((k) => window.__pwPreview.page === 'A3' && document.querySelector(`[data-key="${k}"]`), { timeout: 120_000, polling: 100 }, key);
    await waitForDeskPage('A3');
    const before = await yaml();
    const version = await shownVersion();
    const figureTop = () =>
      tab.evaluate(() => {
        const doc = document.querySelector<HTMLIFrameElement>('.pw-desk-frames iframe.pw-frame:not(.pw-frame-loading)')!.contentDocument!;
        return [...doc.querySelectorAll<HTMLElement>('.story[data-story="inside-caijia-zoushi"] figure')].map((f) => [f.getBoundingClientRect().left, f.getBoundingClientRect().top] as const);
      });
    const tops = await figureTop();
    await drag(key, 2, 5, { release: false });
    // Laid out again in the page while dragging: the figure is two columns right and lower.
    const moved = await figureTop();
    expect(tops).toHaveLength(1);
    expect(moved[0]![0] - tops[0]![0]).toBeCloseTo(2 * (grid.columnWidthPt + grid.gutterPt) * (96 / 72), 0);
    expect(moved[0]![1]).toBeGreaterThan(tops[0]![1]);
    await tab.mouse.up();
    await waitForFile((text) => text !== before);
    expect(await yaml()).toBe(before.replace('- {col: 1, cols: 2, row: 8, rows: 12}', '- {col: 3, cols: 2, row: 13, rows: 12}'));
    await waitForNewLayout(version);
  });

  it('shows a story’s errors on its box as the build reports them, with file:line:column', async () => {
    // On A3 since the figure test: a figure with no picture is an error of the article.
    const path = join(fixture.editionDir, 'inside-caijia-zoushi.md');
    const source = await readFile(path, 'utf8');
    const chip = '[data-key="story-inside-caijia-zoushi"] [data-note="error"]';
    expect(await tab.$$(chip)).toHaveLength(0);
    await writeFile(path, `${source.trimEnd()}\n\n::figure{caption="无图"}\n`);
    try {
      const { files } = await prepareEdition(fixture.editionDir);
      const errors = messagesFromFiles(files, fixture.editionDir).filter((m) => m.severity === 'error');
      expect(errors.length).toBeGreaterThanOrEqual(1);
      const [error] = errors;
      expect(errors.map((e) => [e.file, e.line])).toEqual(errors.map(() => ['inside-caijia-zoushi.md', source.trimEnd().split('\n').length + 2]));
      const more = errors.length > 1 ? ` (+${errors.length - 1})` : '';
      await tab.waitForSelector(chip, { timeout: 120_000 });
      expect(await tab.$eval(chip, (el) => el.textContent)).toBe(`错 inside-caijia-zoushi.md:${error!.line}:${error!.column} ${error!.message.slice(0, 80)}${more}`);
      const title = await tab.$eval(chip, (el) => el.getAttribute('title'));
      for (const e of errors) expect(title).toContain(`inside-caijia-zoushi.md:${e.line}:${e.column} ${e.message}`);
    } finally {
      await writeFile(path, source);
    }
    // Fixed in the file, the error goes from the box.
    await tab.waitForFunction((selector) => !document.querySelector(selector), { timeout: 120_000, polling: 100 }, chip);
  });

  it('leaves the desk with E: the page is shown paginated again, from the file as the desk left it', async () => {
    const swaps = await tab.evaluate(() => window.__pwPreview.swaps);
    await tab.keyboard.press('e');
    expect(await tab.evaluate(() => document.querySelector('.pw-desk-layer'))).toBeNull();
    await tab.waitForFunction((n) => window.__pwPreview.swaps > n, { timeout: 180_000, polling: 200 }, swaps);
    const pages = await tab.evaluate(() => document.querySelector<HTMLIFrameElement>('iframe.pw-frame:not(.pw-frame-loading)')?.contentDocument?.querySelectorAll('.pagedjs_page').length);
    expect(pages).toBe(1);
  });
});
