import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import type { PreviewServerOptions } from '../../src/server/preview-server.js';
import type { PreviewGrid } from '../../src/server/preview-state.js';
import { startFixture, type PreviewFixture } from './preview-fixture.js';

/**
 * The desk's test edition: the sample's stories on a news page with room to move
 * (columns 4–5 are empty above row 60), a nearly empty second page and a page with a placed
 * figure; the other stories are in the tray.
 */
export const DESK_YAML = `# Desk test edition: sample stories, one page with room to move.
paper: 萧山日报
date: 2026-11-26
typography: {fit: {tracking: {min: -0.03, max: 0.03}, headlineSteps: 1, figureLines: 20}}
pages:
  - id: A1
    template: news
    section: 要闻
    stories:
      # The story the desk tests move and resize.
      - file: news-laonian-shitang.md
        box: {col: 1, cols: 3, row: 1, rows: 50} # three columns wide
      - file: page-xiandai-xuetuzhi.md
        box: {col: 1, cols: 5, row: 60, rows: 40}
      - stack: {col: 6, cols: 3, row: 1, rows: 99}
        stories:
          - {file: brief-quanmin-jianshen.md}
          - {file: brief-dongjiu-shijia.md}
  - id: A2
    template: news
    section: 综合新闻
    stories:
      - file: brief-yunhe-qingyu.md
        box: {col: 1, cols: 2, row: 1, rows: 20}
  - id: A3
    template: news
    section: 综合新闻
    stories:
      - file: inside-caijia-zoushi.md
        box: {col: 1, cols: 4, row: 1, rows: 40}
        figures:
          - {col: 1, cols: 2, row: 8, rows: 12}
`;

/**
 * Page `id` in the desk, the whole page in view, once `drawn` (a selector) is on it and the
 * zoom has settled: `aim` reads where the first drag or drop will aim until it stops moving.
 */
export async function openDesk(tab: Page, fixture: PreviewFixture, id: string, drawn: string, aim: () => Promise<unknown>): Promise<void> {
  await tab.goto(`${fixture.preview.url}page/${id}`);
  await tab.waitForSelector('.pw-toolbar');
  await tab.keyboard.press('w'); // the whole page in view
  await tab.keyboard.press('e');
  await tab.waitForFunction((selector) => window.__pwDeskProbe?.shownVersion > 0 && window.__pwDeskProbe.ready && document.querySelector(selector), { timeout: 180_000, polling: 100 }, drawn);
  let last = '';
  for (let tries = 0; tries < 40; tries++) {
    const now = JSON.stringify(await aim());
    if (now === last) break;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

export async function startDeskFixture(options: Partial<PreviewServerOptions> = {}): Promise<PreviewFixture> {
  return startFixture(options, (editionDir) => writeFile(join(editionDir, 'edition.yaml'), DESK_YAML));
}

/** CSS px of the shell per grid column and per body line at the current zoom. */
export async function gridStep(tab: Page, grid: PreviewGrid): Promise<{ col: number; row: number }> {
  const scale = await tab.evaluate(() => {
    const holder = document.querySelector<HTMLElement>('.pw-page-holder')!;
    return holder.getBoundingClientRect().width / holder.offsetWidth;
  });
  const px = 96 / 72;
  return { col: (grid.columnWidthPt + grid.gutterPt) * px * scale, row: grid.linePitchPt * px * scale };
}

/**
 * The rectangle of the element `selector` names, read in one evaluation: the desk draws its
 * boxes again on every preview state, so an element handle may be stale by the next call.
 */
export async function rectOf(tab: Page, selector: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const rect = await tab.evaluate((s) => {
    const r = document.querySelector(s)?.getBoundingClientRect();
    return r ? { x: r.x, y: r.y, width: r.width, height: r.height } : undefined;
  }, selector);
  if (!rect) throw new Error(`No ${selector} on the desk`);
  return rect;
}

export const boxRect = (tab: Page, key: string) => rectOf(tab, `[data-key="${key}"]`);

/** edition.yaml with page `id`'s `stories:` list emptied (`stories: []`); its ads and everything else stay. */
export function emptyPage(text: string, id: string): string {
  const lines = text.split('\n');
  const page = lines.indexOf(`  - id: ${id}`);
  const stories = lines.findIndex((line, i) => i > page && line === '    stories:');
  if (page < 0 || stories < 0) throw new Error(`edition.yaml has no page ${id} with a stories: list`);
  let end = stories + 1;
  while (end < lines.length && lines[end]!.startsWith('      ')) end++;
  return [...lines.slice(0, stories), '    stories: []', ...lines.slice(end)].join('\n');
}

/** The middle of grid cell (col, row) of the page view, in the shell's CSS px (1-based cells). */
export async function cellPoint(tab: Page, grid: PreviewGrid, col: number, row: number): Promise<{ x: number; y: number }> {
  const area = await tab.$eval('.pw-page-holder', (el) => el.getBoundingClientRect().toJSON() as DOMRect);
  const step = await gridStep(tab, grid);
  const scale = step.row / (grid.linePitchPt * (96 / 72));
  return {
    x: area.x + grid.typeArea.left * (96 / 72) * scale + (col - 0.5) * step.col,
    y: area.y + grid.typeArea.top * (96 / 72) * scale + (row - 0.5) * step.row,
  };
}

/** Poll `path` until its text passes `change`; the text it reached. */
export async function waitForFile(path: string, change: (text: string) => boolean, timeout = 30_000): Promise<string> {
  const until = Date.now() + timeout;
  for (;;) {
    const text = await readFile(path, 'utf8');
    if (change(text)) return text;
    if (Date.now() > until) throw new Error(`${path} did not change as expected:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
