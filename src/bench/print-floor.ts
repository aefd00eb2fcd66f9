/**
 * Benchmark stage (c), the floor: Chromium's own `page.pdf` of each laid-out page document,
 * no pagination, no post-processing. Run as a child process by run-bench.ts so its memory
 * is measured the same way as the other stages (this Node process and its Chromium).
 *
 *   npx tsx src/bench/print-floor.ts --base http://127.0.0.1:PORT/laid-out/ --pages A1,A2 --out DIR [--concurrency 2]
 *
 * Writes `<out>/<page>.pdf`; the caller counts their pages, outside the timed run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, restrictToOrigin } from '../render/chromium.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    pages: { type: 'string' },
    out: { type: 'string' },
    concurrency: { type: 'string' },
    timeout: { type: 'string', default: '300' },
  },
});

async function main(): Promise<void> {
  if (!values.base || !values.pages || !values.out) throw new Error('print-floor needs --base, --pages and --out');
  const base = values.base.endsWith('/') ? values.base : `${values.base}/`;
  const origin = new URL(base).origin;
  const ids = values.pages.split(',').filter(Boolean);
  const timeout = Number(values.timeout) * 1000;
  const out = values.out;
  await mkdir(out, { recursive: true });
  const browser = await launchChromium();
  try {
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        const tab = await browser.newPage();
        try {
          await restrictToOrigin(tab, origin);
          await tab.goto(`${base}${id}.html`, { waitUntil: 'load', timeout });
          await tab.evaluate(() => document.fonts.ready.then(() => undefined));
          const pdf = await tab.pdf({ preferCSSPageSize: true, printBackground: true, timeout });
          await writeFile(join(out, `${id}.pdf`), pdf);
        } finally {
          await tab.close().catch(() => undefined);
        }
      }
    };
    const concurrency = Math.max(1, Math.min(Number(values.concurrency ?? availableParallelism()), ids.length));
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await browser.close();
  }
  process.stdout.write(`${JSON.stringify({ pages: ids.length })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`print-floor: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
