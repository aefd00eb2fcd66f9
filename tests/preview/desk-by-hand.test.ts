import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskState } from '../../src/server/desk-types.js';
import type { PreviewGrid } from '../../src/server/preview-state.js';
import { runCli } from '../helpers/run-cli.js';
import { boxRect, cellPoint, emptyPage, gridStep, openDesk, rectOf, waitForFile as waitForYaml } from './desk-fixture.js';
import { openPreviewTab, SAMPLE, startFixture, type PreviewFixture } from './preview-fixture.js';

// The done-when: a page of the sample laid out by hand in the browser, from an empty
// page and the tray, gives the same edition.yaml and the same plate as the typed one. Page A4:
// two boxed stories and a stack of three briefs beside the supplied ads (which stay: they are
// not stories) and below the continuation of A1's lead (placed from A1).

let fixture: PreviewFixture;
let browser: Browser;
let tab: Page;
let grid: PreviewGrid;
let typed: string;
let work: string;

const yamlPath = () => join(fixture.editionDir, 'edition.yaml');
const yaml = () => readFile(yamlPath(), 'utf8');

const waitForFile = (change: (text: string) => boolean, timeout = 60_000) => waitForYaml(yamlPath(), change, timeout);

/** The desk has the file's layout: its state names the file's hash, no write is pending, a box is drawn for `key`. */
async function settled(key: string): Promise<void> {
  await tab.waitForFunction(
    async (k) => {
      const probe = window.__pwDeskProbe;
      if (probe.saving || !document.querySelector(`[data-key="${k}"]`)) return false;
      const state = (await (await fetch('/_preview/desk/state.json', { cache: 'no-store' })).json()) as DeskState;
      return state.pages.A4!.some((b) => b.key === k);
    },
    { timeout: 120_000, polling: 250 },
    key,
  );
}

/**
 * Drop a story from the tray on empty page at cell (col, row); `edition.yaml` then has it as a
 * box of its own there, two columns wide and `rows: auto`. Returns the file as written.
 */
async function dropAsBox(file: string, col: number, row: number): Promise<string> {
  await fromTray(file, col, row);
  const text = await waitForFile((t) => t.includes(file));
  expect(text).toContain(`      - file: ${file}\n        box: {col: ${col}, cols: 2, row: ${row}, rows: auto}\n`);
  return text;
}

/** Drag a story from the tray and drop it on the middle of cell (col, row) of the page. */
async function fromTray(file: string, col: number, row: number): Promise<void> {
  // The tray is drawn again on every read of the state: the item's place, in one look.
  const handle = await tab.waitForFunction(
    (f) => {
      const r = document.querySelector(`.pw-tray-item[data-file="${f}"]`)?.getBoundingClientRect();
      return r && !window.__pwDeskProbe.saving ? { x: r.x, y: r.y, height: r.height } : undefined;
    },
    { timeout: 60_000, polling: 100 },
    file,
  );
  const from = (await handle.jsonValue())!;
  const to = await cellPoint(tab, grid, col, row);
  await tab.mouse.move(from.x + 20, from.y + from.height / 2);
  await tab.mouse.down();
  await tab.mouse.move(to.x, to.y, { steps: 10 });
  await tab.mouse.up();
}

async function select(key: string): Promise<void> {
  const r = await boxRect(tab, key);
  const at = { x: r.x + r.width / 2, y: r.y + Math.min(r.height / 2, 30) };
  await tab.mouse.click(at.x, at.y);
  await tab.waitForSelector(`[data-key="${key}"].pw-desk-selected`, { timeout: 5000 }).catch(async (error: Error) => {
    await tab.screenshot({ path: '/tmp/deskscratch/fail.png' });
    const hit = await tab.evaluate((p) => document.elementFromPoint(p.x, p.y)?.outerHTML.slice(0, 300), at);
    throw new Error(`${error.message}; at ${JSON.stringify(at)} box ${JSON.stringify(r)} is ${hit}`);
  });
}

/** Select a box, then drag one of its handles by whole columns and lines. */
async function dragHandle(key: string, handle: string, cols: number, rows: number): Promise<void> {
  await select(key);
  const step = await gridStep(tab, grid);
  const r = await rectOf(tab, `[data-key="${key}"] [data-handle="${handle}"]`);
  const start = { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  await tab.mouse.move(start.x, start.y);
  await tab.mouse.down();
  await tab.mouse.move(start.x + cols * step.col, start.y + rows * step.row, { steps: 12 });
  await tab.mouse.up();
}

async function keys(key: 'ArrowDown' | 'ArrowRight', times: number, shift: boolean): Promise<void> {
  if (shift) await tab.keyboard.down('Shift');
  for (let i = 0; i < times; i++) await tab.keyboard.press(key);
  if (shift) await tab.keyboard.up('Shift');
}

/** The box as the desk's state has it (the loader's resolution: `rows: auto` reaches down). */
async function deskBox(key: string): Promise<{ col: number; cols: number; row: number; rows: number }> {
  return tab.evaluate(async (k) => {
    const state = (await (await fetch('/_preview/desk/state.json', { cache: 'no-store' })).json()) as DeskState;
    return state.pages.A4!.find((b) => b.key === k)!.box;
  }, key);
}

beforeAll(async () => {
  typed = await readFile(join(SAMPLE, 'edition.yaml'), 'utf8');
  fixture = await startFixture({}, (dir) => writeFile(join(dir, 'edition.yaml'), emptyPage(typed, 'A4')));
  ({ browser, tab } = await openPreviewTab(fixture, { width: 1400, height: 1000 }));
  grid = fixture.preview.builder.snapshot().grid!;
  // Settled when the cells are where the drops will aim.
  await openDesk(tab, fixture, 'A4', '.pw-tray-item', () => cellPoint(tab, grid, 8, 99));
}, 240_000);

afterAll(async () => {
  await tab?.mouse.up().catch(() => undefined);
  await browser?.close();
  await fixture?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('laying out a page by hand', () => {
  it('lays out the sample’s A4 from an empty page and the tray with the mouse and the keys: the typed edition.yaml, byte for byte', async () => {
    expect(await yaml()).toContain('    stories: []\n');
    const tray = await tab.$$eval('.pw-tray-item', (items) => items.map((i) => (i as HTMLElement).dataset.file));
    expect(tray).toEqual(expect.arrayContaining(['page-xiandai-xuetuzhi.md', 'page-beitanghe-lvdao.md', 'brief-quanmin-jianshen.md', 'brief-dongjiu-shijia.md', 'brief-yunhe-qingyu.md']));

    // 1. The apprenticeship story under A1's continuation: dropped at column 1, row 9, it is a
    // rows: auto box two columns wide; the corner handle makes it five columns and two lines
    // short of 23 rows, Shift+↓ twice gives the last two.
    let text = await dropAsBox('page-xiandai-xuetuzhi.md', 1, 9);
    const xiandai = 'story-page-xiandai-xuetuzhi';
    await settled(xiandai);
    const reach = await deskBox(xiandai);
    await dragHandle(xiandai, 'se', 3, 21 - reach.rows);
    text = await waitForFile((t) => t.includes('{col: 1, cols: 5, row: 9, rows: 21}'));
    await settled(xiandai);
    await select(xiandai);
    await keys('ArrowDown', 2, true);
    text = await waitForFile((t) => t.includes('{col: 1, cols: 5, row: 9, rows: 23}'));

    // 2. The river story below it, to the foot of the page: the corner handle widens it, and
    // taking a corner sets its rows, the 68 it reached as `rows: auto`.
    await settled(xiandai);
    text = await dropAsBox('page-beitanghe-lvdao.md', 1, 32);
    const beitanghe = 'story-page-beitanghe-lvdao';
    await settled(beitanghe);
    expect((await deskBox(beitanghe)).rows).toBe(68);
    await dragHandle(beitanghe, 'se', 3, 0);
    text = await waitForFile((t) => t.includes('{col: 1, cols: 5, row: 32, rows: 68}'));

    // 3. The briefs between the ads: the first one dropped at column 6, row 22, widened by a
    // column with Shift+→ (still rows: auto, down to the ad at row 84); the second dropped on
    // it makes the two a stack in its box; the third dropped on the stack joins its end.
    await settled(beitanghe);
    text = await dropAsBox('brief-quanmin-jianshen.md', 6, 22);
    const quanmin = 'story-brief-quanmin-jianshen';
    await settled(quanmin);
    await select(quanmin);
    await keys('ArrowRight', 1, true);
    text = await waitForFile((t) => t.includes('{col: 6, cols: 3, row: 22, rows: auto}'));
    await settled(quanmin);
    await fromTray('brief-dongjiu-shijia.md', 7, 40);
    text = await waitForFile((t) => t.includes('brief-dongjiu-shijia.md'));
    expect(text).toContain('      - stack: {col: 6, cols: 3, row: 22, rows: 62}\n        stories:\n          - {file: brief-quanmin-jianshen.md}\n          - {file: brief-dongjiu-shijia.md}\n');
    await tab.waitForFunction(() => document.querySelector('.pw-desk-stack') && !window.__pwDeskProbe.saving, { timeout: 120_000, polling: 250 });
    const stackKey = await tab.$eval('.pw-desk-stack', (el) => (el as HTMLElement).dataset.key!);
    await settled(stackKey);
    await fromTray('brief-yunhe-qingyu.md', 7, 70);
    text = await waitForFile((t) => t.includes('brief-yunhe-qingyu.md'));

    expect(text).toBe(typed);
    await tab.waitForFunction(() => !window.__pwDeskProbe.saving && document.querySelectorAll('.pw-tray-item').length === 0, { timeout: 120_000, polling: 250 });
    await tab.screenshot({ path: '/tmp/desk-by-hand.png' });
  }, 600_000);

  it('builds the same A4 plate from the hand-made edition as from the typed one (text and raster)', async () => {
    expect(await yaml()).toBe(typed);
    work = await mkdtemp(join(tmpdir(), 'presswork-desk-plates-'));
    const typedDir = join(work, 'typed', '2026-11-26');
    await cp(SAMPLE, typedDir, { recursive: true });
    const plate = async (edition: string, out: string) => {
      const result = await runCli(['build', edition, '--out', out, '--pages', 'A4', '--no-cache']);
      expect(result.code, result.stderr).toBe(0);
      return join(out, '2026-11-26', 'plates', 'xiaoshan-daily-20261126-A4.pdf');
    };
    const hand = await plate(fixture.editionDir, join(work, 'out-hand'));
    const typedPlate = await plate(typedDir, join(work, 'out-typed'));
    // The slug line names the time of the build: compared without it (text), and the page
    // inside its trim (raster, 50 dpi, grey).
    const text = (pdf: string) => execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/制版 \S+/, '制版 TIME');
    const raster = async (pdf: string) => {
      const page = (await PDFDocument.load(await readFile(pdf))).getPage(0);
      const media = page.getMediaBox();
      const trim = page.getTrimBox();
      const px = (pt: number) => String(Math.floor((pt * 50) / 72));
      const crop = ['-x', px(trim.x - media.x), '-y', px(media.y + media.height - trim.y - trim.height), '-W', px(trim.width), '-H', px(trim.height)];
      return execFileSync('pdftoppm', ['-r', '50', '-gray', ...crop, pdf], { maxBuffer: 64 * 1024 * 1024 });
    };
    const handText = text(hand);
    expect(handText).toContain('课堂搬进车间');
    expect(handText).toContain('萧山运河沿线完成清淤疏浚');
    expect(handText).toContain('制版 TIME');
    expect(handText).toBe(text(typedPlate));
    const [a, b] = [await raster(hand), await raster(typedPlate)];
    expect(a.length).toBeGreaterThan(100_000);
    expect(Buffer.compare(a, b)).toBe(0);
  }, 600_000);
});
