import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { restrictToOrigin } from '../render/chromium.js';
import { waitForLayout } from '../render/wait-for-layout.js';

/**
 * The page documents the baselines print: each built `html/<page>.html` after our layout
 * script has run and before Paged.js, serialised with every `<script>` removed.
 *
 * Why not the built HTML as it is: a story's text sits in a hidden `.source` until our layout
 * script pours it into the box's frames (copyfit, jumps, line rules), so the raw document
 * prints headlines over empty boxes. With our scripts left in, pagedjs-cli would run our
 * layout and Paged.js twice. The laid-out DOM is exactly what Paged.js paginates inside a
 * presswork build, so pagedjs-cli (b) and Chromium's bare print (c) get the same HTML and
 * CSS that (a) paginates and prints, and neither runs our layout.
 */
export function stripScripts(html: string): string {
  return html.replace(/<script\b[^>]*>[\s\S]*?<\/script\s*>/gi, '');
}

export interface LaidOutPages {
  /** Page id → file written. */
  files: Map<string, string>;
  /** Wall time of the layout pass (navigation, fonts, layout), for reference only. */
  ms: number;
}

/** Lay out each page (`?layout-only`: our script, no Paged.js) and write it to `dir/<id>.html`. */
export async function writeLaidOutPages(
  browser: Browser,
  options: { origin: string; pageIds: string[]; dir: string; concurrency: number; timeoutMs?: number },
): Promise<LaidOutPages> {
  const started = performance.now();
  await mkdir(options.dir, { recursive: true });
  const files = new Map<string, string>();
  const queue = [...options.pageIds];
  const timeout = options.timeoutMs ?? 180_000;
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      const tab = await browser.newPage();
      try {
        await restrictToOrigin(tab, options.origin);
        await tab.goto(`${options.origin}/html/${id}.html?layout-only`, { waitUntil: 'load', timeout });
        const state = await waitForLayout(tab, { timeoutMs: timeout });
        if (state.phase === 'failed') throw new Error(`Layout of ${id} failed in the browser: ${state.error ?? 'unknown error'}`);
        const html = await tab.evaluate(() => document.documentElement.outerHTML);
        const file = join(options.dir, `${id}.html`);
        await writeFile(file, `<!doctype html>\n${stripScripts(html)}\n`);
        files.set(id, file);
      } finally {
        await tab.close().catch(() => undefined);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, queue.length)) }, worker));
  return { files, ms: Math.round(performance.now() - started) };
}
