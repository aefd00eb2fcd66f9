/**
 * Save-to-visible latency of `presswork preview`: edit the feature article of a copy of the
 * sample edition N times and time each save until the open page view shows the new text.
 *
 *   npx tsx src/bench/preview-latency.ts [--edits 12] [--page A3] [--edition articles/2026-11-26]
 *
 * Not a test: the numbers depend on the machine and its load. Prints each edit, then
 * median and p90, split into the server's part (save → the tab asks for the new page) and
 * the browser's part (Paged.js in the tab → the new page is on screen).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../render/chromium.js';
import { startPreviewServer } from '../server/preview-server.js';
import { articleOf, withMarker } from './edit-article.js';

interface Probe {
  swaps: number;
  lastSwapAt: number;
  lastRequestAt: number;
  lastTimings: Record<string, number>;
}

const { values } = parseArgs({
  options: {
    edits: { type: 'string', default: '12' },
    page: { type: 'string', default: 'A3' },
    edition: { type: 'string', default: 'articles/2026-11-26' },
    article: { type: 'string' },
  },
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const edits = Number(values.edits);
  const work = await mkdtemp(join(tmpdir(), 'presswork-bench-'));
  const editionDir = join(work, 'edition');
  await cp(resolve(values.edition), editionDir, { recursive: true });
  const article = values.article ? join(editionDir, values.article) : await articleOf(editionDir, values.page);
  const original = await readFile(article, 'utf8');
  const preview = await startPreviewServer({ edition: editionDir, out: join(work, 'out'), log: () => undefined });
  const browser = await launchChromium();
  try {
    await preview.ready;
    await preview.builder.idle();
    const tab = await browser.newPage();
    await tab.setViewport({ width: 1400, height: 1000 });
    await tab.goto(`${preview.url}page/${values.page}`);
    await tab.waitForFunction(() => window.__pwPreview?.swaps > 0, { timeout: 120_000 });
    const total: number[] = [];
    const server: number[] = [];
    const client: number[] = [];
    // One unmeasured edit first: the first re-render warms caches in both browsers.
    for (let i = 0; i <= edits; i++) {
      await preview.builder.idle();
      await sleep(300);
      const marker = `改稿${i}号`;
      const before = await tab.evaluate(() => window.__pwPreview.swaps);
      const savedAt = Date.now();
      await writeFile(article, withMarker(original, marker));
      await tab.waitForFunction(
        (n, text) => {
          const doc = document.querySelector<HTMLIFrameElement>('iframe.pw-frame:not(.pw-frame-loading)')?.contentDocument;
          return window.__pwPreview.swaps > n && Boolean(doc?.body.textContent?.includes(text));
        },
        { timeout: 60_000, polling: 10 },
        before,
        marker,
      );
      const probe = await tab.evaluate(() => window.__pwPreview as Probe);
      const read = preview.builder.snapshot().lastRead;
      if (i === 0) continue;
      total.push(probe.lastSwapAt - savedAt);
      server.push(probe.lastRequestAt - savedAt);
      client.push(probe.lastSwapAt - probe.lastRequestAt);
      const seen = read ? `seen after ${read.changedAt - savedAt} ms, read in ${read.readMs} ms ${JSON.stringify(read.stages)}` : '';
      process.stdout.write(
        `edit ${String(i).padStart(2)}: ${Math.round(probe.lastSwapAt - savedAt)} ms (server ${Math.round(probe.lastRequestAt - savedAt)} ms: ${seen}; browser ${Math.round(probe.lastSwapAt - probe.lastRequestAt)} ms: ${JSON.stringify(probe.lastTimings)})\n`,
      );
    }
    const report = (name: string, list: number[]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return `${name}: median ${Math.round(percentile(sorted, 50))} ms, p90 ${Math.round(percentile(sorted, 90))} ms`;
    };
    process.stdout.write(`\n${edits} edits of ${article.slice(editionDir.length + 1)} on page ${values.page}\n`);
    process.stdout.write(`${report('save → visible', total)}\n${report('  server part', server)}\n${report('  browser part', client)}\n`);
  } finally {
    await browser.close().catch(() => undefined);
    await preview.close();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`preview-latency: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
