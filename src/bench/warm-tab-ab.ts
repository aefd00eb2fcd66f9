/**
 * One page rendered (laid out, paginated, printed) in a fresh tab and in a warm tab, in
 * paired rounds that alternate which goes first:
 *
 *   npx tsx src/bench/warm-tab-ab.ts [--page A2] [--rounds 10] [--edition articles/2026-11-26]
 *
 * Before each pair the warm tab renders another page, so every warm render swaps in a new
 * document with other font subsets, as in `build --watch`. The fresh side's time includes
 * opening and closing its tab. Not a test: the numbers depend on the machine's load, which
 * each round records.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildEdition } from '../pipeline/build-edition.js';
import { staticMounts } from '../pipeline/prepare-edition.js';
import { launchChromium } from '../render/chromium.js';
import { renderPage, type RenderedPage } from '../render/render-page.js';
import { startStaticServer } from '../render/static-server.js';
import { createWarmRenderer } from '../render/warm-tab.js';

const { values } = parseArgs({
  options: {
    page: { type: 'string', default: 'A2' },
    rounds: { type: 'string', default: '10' },
    edition: { type: 'string', default: 'articles/2026-11-26' },
  },
});

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor((list.length - 1) / 2)] ?? NaN;

async function main(): Promise<void> {
  const editionDir = resolve(values.edition);
  const work = await mkdtemp(join(tmpdir(), 'pw-warm-ab-'));
  const browser = await launchChromium();
  const warm = createWarmRenderer();
  try {
    // A proof-only build writes the page documents with their font subsets.
    const report = await buildEdition(editionDir, { out: work, browser: async () => browser, proofOnly: true });
    const server = await startStaticServer({ mounts: staticMounts(editionDir, join(work, report.edition, 'html')) });
    const url = (page: string) => `${server.origin}/html/${page}.html`;
    const options = { origin: server.origin, label: 'bench' };
    const others = report.pages.map((p) => p.id).filter((id) => id !== values.page);
    const check = (rendered: RenderedPage) => {
      if (rendered.pageCount !== 1) throw new Error(`${values.page} made ${rendered.pageCount} pages`);
    };
    // Unmeasured: both sides once, so the browser's caches hold the page's files.
    check(await renderPage(browser, url(values.page), options));
    check(await warm.render(browser, url(values.page), options));
    const times = { fresh: [] as number[], warm: [] as number[] };
    for (let round = 0; round < Number(values.rounds); round++) {
      await warm.render(browser, url(others[round % others.length]!), options);
      const sides = round % 2 === 0 ? (['warm', 'fresh'] as const) : (['fresh', 'warm'] as const);
      for (const side of sides) {
        const started = performance.now();
        check(side === 'fresh' ? await renderPage(browser, url(values.page), options) : await warm.render(browser, url(values.page), options));
        times[side].push(performance.now() - started);
      }
      process.stdout.write(`round ${round + 1}: fresh ${Math.round(times.fresh.at(-1)!)} ms, warm ${Math.round(times.warm.at(-1)!)} ms (load ${loadavg()[0]!.toFixed(1)})\n`);
    }
    const saved = times.fresh.map((f, i) => f - times.warm[i]!);
    process.stdout.write(
      `\n${values.page}, ${times.fresh.length} pairs: fresh tab median ${Math.round(median(times.fresh))} ms, warm tab median ${Math.round(median(times.warm))} ms; ` +
        `the warm tab saves ${Math.round(median(saved))} ms per page (median of the paired differences)\n`,
    );
    await server.close();
  } finally {
    await warm.close();
    await browser.close().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`warm-tab-ab: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
