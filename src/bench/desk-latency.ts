/**
 * `npm run bench:desk [-- --steps 24 --drops 5]`: the layout desk's latency on the sample's A1,
 * in headless Chromium with Puppeteer's mouse. Reports p50/p90 of
 * - pointer step → copyfit: a drag moves a handle one body line; the story (or stack) is laid
 *   out again in the page and its numbers drawn (to the next frame), and
 * - drop → updated page: the mouse is released; edition.yaml is written, the preview re-reads
 *   it and the desk shows the page laid out from the new file.
 * Works on a copy of the edition (undone at the end, checked byte for byte); writes
 * output/bench-desk.json.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'puppeteer-core';
import { launchChromium } from '../render/chromium.js';
import { startPreviewServer } from '../server/preview-server.js';

const { values } = parseArgs({
  options: {
    edition: { type: 'string', default: 'articles/2026-11-26' },
    page: { type: 'string', default: 'A1' },
    story: { type: 'string', default: 'story-news-laonian-shitang' },
    stack: { type: 'string', default: 'stack-3' },
    steps: { type: 'string', default: '24' },
    drops: { type: 'string', default: '5' },
  },
});

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
};
const summary = (values: number[]) => ({ n: values.length, p50: percentile(values, 50), p90: percentile(values, 90), max: Math.max(...values) });

async function handleAt(tab: Page, key: string, handle: string): Promise<{ x: number; y: number }> {
  await tab.waitForSelector(`[data-key="${key}"]`);
  const box = await tab.$eval(`[data-key="${key}"]`, (el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + 30 };
  });
  await tab.mouse.click(box.x, box.y);
  return tab.$eval(`[data-key="${key}"] [data-handle="${handle}"]`, (el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  });
}

interface Steps {
  /** Wall clock, pointer step → numbers painted. */
  wall: number[];
  /** CPU time of the tab's main thread per step (what the step costs on an idle machine). */
  cpu: number[];
  /** With `rest`: wall clock from the step to the numbers with the fit search. */
  fitted: number[];
}

/**
 * Drag a box's handle one line at a time, `steps` lines and back, without dropping. With
 * `rest`, wait at each line until the numbers with the fit search are shown too.
 */
async function stepLatencies(tab: Page, cdp: CDPSession, key: string, handle: 'n' | 's', steps: number, linePx: number, rest = false): Promise<Steps> {
  const from = await handleAt(tab, key, handle);
  const count = () => tab.evaluate(() => ({ steps: window.__pwDeskProbe.steps.length, fitted: window.__pwDeskProbe.fitted.length }));
  const before = await count();
  const threadTime = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN) * 1000;
  const cpu: number[] = [];
  await tab.mouse.move(from.x, from.y);
  await tab.mouse.down();
  const direction = handle === 'n' ? 1 : -1; // always smaller: never onto another box
  const path = [...Array.from({ length: steps }, (_, i) => i + 1), ...Array.from({ length: steps - 1 }, (_, i) => steps - 1 - i)];
  for (const [i, lines] of path.entries()) {
    const t0 = await threadTime();
    await tab.mouse.move(from.x, from.y + direction * lines * linePx);
    await tab.waitForFunction((n) => window.__pwDeskProbe.steps.length >= n, { timeout: 30_000, polling: 'raf' }, before.steps + i + 1);
    cpu.push(Math.round((await threadTime()) - t0));
    if (rest) await tab.waitForFunction((n) => window.__pwDeskProbe.fitted.length >= n, { timeout: 30_000, polling: 'raf' }, before.fitted + i + 1);
  }
  await tab.keyboard.press('Escape');
  await tab.mouse.up();
  return tab.evaluate(
    (n, cpuTimes) => ({ wall: window.__pwDeskProbe.steps.slice(n.steps), cpu: cpuTimes, fitted: window.__pwDeskProbe.fitted.slice(n.fitted) }),
    before,
    cpu,
  );
}

async function main(): Promise<void> {
  const steps = Number(values.steps);
  const work = await mkdtemp(join(tmpdir(), 'presswork-bench-desk-'));
  const editionDir = join(work, basename(resolve(values.edition)));
  await cp(resolve(values.edition), editionDir, { recursive: true });
  const yamlPath = join(editionDir, 'edition.yaml');
  const original = await readFile(yamlPath);
  const preview = await startPreviewServer({ edition: editionDir, out: join(work, 'out'), log: () => undefined });
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    await tab.setViewport({ width: 1400, height: 1000 });
    await preview.ready;
    await tab.goto(`${preview.url}page/${values.page}`);
    await tab.waitForSelector('.pw-toolbar');
    await tab.keyboard.press('w');
    await tab.keyboard.press('e');
    await tab.waitForFunction(() => window.__pwDeskProbe?.shownVersion > 0, { timeout: 300_000, polling: 100 });
    const grid = preview.builder.snapshot().grid!;
    const scale = await tab.$eval('.pw-page-holder', (el) => el.getBoundingClientRect().width / (el as HTMLElement).offsetWidth);
    const linePx = grid.linePitchPt * (96 / 72) * scale;

    const cdp = await tab.createCDPSession();
    await cdp.send('Performance.enable');
    const story = await stepLatencies(tab, cdp, values.story, 'n', steps, linePx);
    const stack = await stepLatencies(tab, cdp, values.stack, 's', steps, linePx);
    const layout = await tab.evaluate(() => window.__pwDeskProbe.layoutMs);
    const rests = Math.max(2, Math.round(steps / 4));
    const storyRest = await stepLatencies(tab, cdp, values.story, 'n', rests, linePx, true);
    const stackRest = await stepLatencies(tab, cdp, values.stack, 's', rests, linePx, true);

    // Drops: shrink the story by a line from the top, one save each, then undo them all.
    for (let i = 0; i < Number(values.drops); i++) {
      const version = await tab.evaluate(() => window.__pwDeskProbe.shownVersion);
      const from = await handleAt(tab, values.story, 'n');
      await tab.mouse.move(from.x, from.y);
      await tab.mouse.down();
      await tab.mouse.move(from.x, from.y + linePx, { steps: 2 });
      await tab.mouse.up();
      await tab.waitForFunction((v) => window.__pwDeskProbe.shownVersion > v && !window.__pwDeskProbe.saving, { timeout: 120_000, polling: 20 }, version);
    }
    const drops = await tab.evaluate(() => window.__pwDeskProbe.drops);
    for (let i = 0; i < Number(values.drops); i++) {
      const saves = await tab.evaluate(() => window.__pwDeskProbe.saves);
      await tab.keyboard.down('Control');
      await tab.keyboard.press('z');
      await tab.keyboard.up('Control');
      await tab.waitForFunction((n) => window.__pwDeskProbe.saves > n, { timeout: 60_000, polling: 20 }, saves);
    }
    const restored = Buffer.compare(await readFile(yamlPath), original) === 0;
    const result = {
      at: new Date().toISOString(),
      page: values.page,
      stepToCopyfitMs: { story: summary(story.wall), stack: summary(stack.wall), all: summary([...story.wall, ...stack.wall]) },
      stepCpuMs: { story: summary(story.cpu), stack: summary(stack.cpu), all: summary([...story.cpu, ...stack.cpu]) },
      relayoutMs: summary(layout),
      restToFittedMs: { story: summary(storyRest.fitted), stack: summary(stackRest.fitted) },
      loadAverage: loadavg().map((n) => Math.round(n * 10) / 10),
      cpus: cpus().length,
      dropToUpdatedPageMs: summary(drops),
      undoRestoredFile: restored,
    };
    const line = (name: string, s: ReturnType<typeof summary>) => `${name}: p50 ${s.p50} ms, p90 ${s.p90} ms, max ${s.max} ms (n=${s.n})`;
    process.stderr.write(
      `${line(`pointer step → copyfit, story ${values.story}`, result.stepToCopyfitMs.story)}\n` +
        `${line(`pointer step → copyfit, ${values.stack}`, result.stepToCopyfitMs.stack)}\n` +
        `${line('pointer step → copyfit, all', result.stepToCopyfitMs.all)}\n` +
        `${line('  of which the relayout in the page', result.relayoutMs)}\n` +
        `${line('  CPU time of the tab per step, all', result.stepCpuMs.all)}\n` +
        `${line(`rest → numbers with the fit search (from the step), story`, result.restToFittedMs.story)}\n` +
        `${line(`rest → numbers with the fit search (from the step), stack`, result.restToFittedMs.stack)}\n` +
        `${line('drop → updated page', result.dropToUpdatedPageMs)}\n` +
        `load average ${result.loadAverage.join(' ')} on ${result.cpus} CPUs\n` +
        `undo restored edition.yaml byte for byte: ${restored ? 'yes' : 'NO'}\n`,
    );
    await mkdir(resolve('output'), { recursive: true });
    await writeFile(resolve('output/bench-desk.json'), `${JSON.stringify(result, null, 2)}\n`);
    process.exitCode = restored ? 0 : 1;
  } finally {
    await browser.close();
    await preview.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
