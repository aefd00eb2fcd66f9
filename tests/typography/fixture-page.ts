import { build } from 'esbuild';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import type { LineFix, TypographyFinding } from '../../src/browser/typography/index.js';
import { prepareEdition, singlePageView, staticMounts } from '../../src/pipeline/prepare-edition.js';
import { writeBrowserAssets } from '../../src/render/browser-assets.js';
import { startStaticServer, type StaticServer } from '../../src/render/static-server.js';

export interface FixtureState {
  phase: string;
  error?: string;
  audit: TypographyFinding[];
  lineFixes: LineFix[];
}

export interface FixtureEdition {
  /** Open one page of the edition, laid out (no Paged.js), and wait for the layout and audit. */
  open(pageId: string, query?: string): Promise<{ page: Page; state: FixtureState }>;
  close(): Promise<void>;
}

/**
 * Build a fixture edition's pages the way the build does (load, process, template), serve
 * them with the build's mounts (fonts from npm), and open them in a real Chromium.
 */
export async function serveFixtureEdition(browser: Browser, editionDir: string): Promise<FixtureEdition> {
  const { prepared, files } = await prepareEdition(editionDir);
  if (!prepared) throw new Error(`Fixture edition did not load: ${files.flatMap((f) => f.messages.map(String)).join('; ')}`);
  const htmlDir = await mkdtemp(join(tmpdir(), 'presswork-typography-'));
  await writeBrowserAssets(join(htmlDir, 'assets'));
  for (const page of prepared.view.pages) {
    await writeFile(join(htmlDir, `${page.id}.html`), prepared.render(singlePageView(prepared.view, page.id, new Map())));
  }
  const server: StaticServer = await startStaticServer({ mounts: staticMounts(editionDir, htmlDir) });
  const pages: Page[] = [];
  return {
    async open(pageId, query = '') {
      const page = await browser.newPage();
      pages.push(page);
      await page.goto(`${server.origin}/html/${pageId}.html?layout-only${query ? `&${query}` : ''}`, { waitUntil: 'load' });
      await page.waitForFunction(() => ['done', 'failed'].includes((window as unknown as { __presswork?: { phase: string } }).__presswork?.phase ?? ''), {
        timeout: 60_000,
      });
      const state = await page.evaluate(() => (window as unknown as { __presswork: FixtureState }).__presswork);
      if (state.phase === 'failed') throw new Error(`Layout failed: ${state.error}`);
      return { page, state };
    },
    async close() {
      await Promise.all(pages.map((p) => p.close().catch(() => undefined)));
      await server.close();
      await rm(htmlDir, { recursive: true, force: true });
    },
  };
}

/** Put the typography module on the page as `window.pwTypography`, so a test can audit the page again after changing it. */
export async function addTypographyApi(page: Page): Promise<void> {
  const script = await build({
    entryPoints: [fileURLToPath(new URL('../../src/browser/typography/index.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName: 'pwTypography',
    write: false,
  });
  await page.addScriptTag({ content: script.outputFiles[0]!.text });
}
