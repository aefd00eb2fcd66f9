import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { parse } from 'yaml';
import { launchChromium } from '../../src/render/chromium.js';
import { startPreviewServer, type PreviewServer, type PreviewServerOptions } from '../../src/server/preview-server.js';

export const SAMPLE = resolve('articles/2026-11-26');

export interface PreviewFixture {
  preview: PreviewServer;
  /** The copy of the sample edition the server watches. */
  editionDir: string;
  /** Page ids in edition order, and the story files of each page. */
  pages: { id: string; files: string[] }[];
  log: string[];
  close(): Promise<void>;
}

/**
 * A preview server on a fresh copy of the sample edition; the sample itself is never touched.
 * `prepare` may change the copy before the server starts.
 */
export async function startFixture(options: Partial<PreviewServerOptions> = {}, prepare?: (editionDir: string) => Promise<void>): Promise<PreviewFixture> {
  const work = await mkdtemp(join(tmpdir(), 'presswork-preview-test-'));
  const editionDir = join(work, '2026-11-26');
  await cp(SAMPLE, editionDir, { recursive: true });
  await prepare?.(editionDir);
  const config = parse(await readFile(join(editionDir, 'edition.yaml'), 'utf8')) as { pages: { id: string; stories: ({ file: string } | { stack: unknown; stories: { file: string }[] })[] }[] };
  const log: string[] = [];
  const preview = await startPreviewServer({ edition: editionDir, out: join(work, 'out'), log: (line) => log.push(line), ...options });
  return {
    preview,
    editionDir,
    pages: config.pages.map((p) => ({ id: p.id, files: p.stories.flatMap((s) => ('stack' in s ? s.stories.map((m) => m.file) : [s.file])) })),
    log,
    async close() {
      await preview.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** A real Chromium with one tab of `viewport`, once the preview is ready: the browser tests' set-up. */
export async function openPreviewTab(fixture: PreviewFixture, viewport = { width: 1280, height: 900 }): Promise<{ browser: Browser; tab: Page }> {
  const browser = await launchChromium();
  const tab = await browser.newPage();
  await tab.setViewport(viewport);
  await fixture.preview.ready;
  return { browser, tab };
}

/** The first long body line of an article with `marker` put in front of it. */
export { withMarker as markFirstParagraph } from '../../src/bench/edit-article.js';

/** The `title:` of an article's front matter. */
export function titleOf(text: string): string {
  const match = /^title:\s*(.+)$/m.exec(text);
  if (!match) throw new Error('Article has no title');
  return match[1]!.trim().replace(/^(['"])(.*)\1$/, '$2');
}
