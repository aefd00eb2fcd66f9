import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import type { Browser } from 'puppeteer-core';
import type { Copyfit } from '../browser/layout-story.js';
import type { TypographyFinding } from '../browser/typography/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { markOnce } from '../util/startup-timing.js';
import { lostBrowser } from '../render/browser-pool.js';
import { throwIfCancelled, untilCancelled } from '../util/cancel.js';
import { CLOSE_MS } from '../render/chromium.js';
import { renderPage, type PageRenderer, type PageTimings, type RenderedPage, type RenderHooks, type RenderTimeouts } from '../render/render-page.js';
import { pageError, type ReportMessage } from '../report/messages.js';
import { stat } from 'node:fs/promises';
import { placeAds } from '../pdf/place-ads.js';
import { checkPageFonts } from './check-fonts.js';
import { adPlacements, checkPageAds } from './page-ads.js';
import { withFontPreloads, type PageFontSubsetter } from './page-fonts.js';
import type { PageCache } from './page-cache.js';
import { describePage, pageHash, type HashInputs } from './page-hash.js';
import { singlePageView, type PreparedEdition } from './prepare-edition.js';

/** What a cached page brings back besides its PDF. */
export type CachedPage = Pick<PageResult, 'copyfit' | 'handover' | 'audit'>;

export interface PageResult {
  pdf?: string;
  /** Content hash of everything that makes the page (see page-hash.ts). */
  hash?: string;
  /** Reused from the cache, not rendered. */
  cached?: boolean;
  copyfit: Copyfit[];
  handover: Record<string, string>;
  /** The page's typography audit findings. */
  audit?: TypographyFinding[];
  /** Where the page's render time went (absent when it came from the cache). */
  timings?: PageTimings;
}

export interface RenderPagesOptions {
  prepared: PreparedEdition;
  editionName: string;
  origin: string;
  htmlDir: string;
  pagesDir: string;
  browser: () => Promise<Browser>;
  timeouts?: RenderTimeouts;
  /** Pages rendered at once, each in its own tab. Default: the number of cores. */
  concurrency?: number;
  /** Render only these pages (they must include their jump sources). Default: all. */
  only?: string[];
  /** Copyfit only: lay pages out without paginating or printing them. */
  layoutOnly?: boolean;
  /** Per-page font subsets; without it pages load the whole fonts (slower, same look). */
  fonts?: PageFontSubsetter;
  /** Fault injection for tests, per page id. */
  hooks?: (pageId: string) => RenderHooks | undefined;
  /** Renders one page; default `renderPage`, a fresh tab each. Builds pass warm tabs (render/warm-tab.ts). */
  renderer?: PageRenderer;
  /** Called with the browser as a page that must render starts: the renderer may open its tab meanwhile. */
  openTabAhead?: (browser: Promise<Browser>) => void;
  /** Reuse unchanged pages: a hit costs no browser at all. */
  cache?: { pages: PageCache<CachedPage>; inputs: HashInputs };
  onPage?: (event: { edition: string; page: string; ok: boolean; ms: number; cached?: boolean }) => void;
  /** A page's PDF is written (rendered or from the cache): plates can start on it. */
  onPdf?: (pageId: string, pdf: string, hash: string | undefined) => void;
  /** Cancels the render: open tabs close, no page starts, and the cancellation is thrown. */
  signal?: AbortSignal;
}

/**
 * Render every page in its own tab, several at once. A page waits only for the pages whose
 * jumps it continues, since it needs the text they could not hold, and only until they are
 * laid out: it renders while they paginate and print. A page that fails is
 * reported and the others go on; a browser crash is retried once on a fresh browser.
 */
export async function renderPages(options: RenderPagesOptions): Promise<{ results: Map<string, PageResult>; messages: ReportMessage[] }> {
  const { prepared } = options;
  const { edition } = prepared;
  const results = new Map<string, PageResult>();
  const messages: ReportMessage[] = [];
  const handover = new Map<string, string>();
  /** Settles once a page's handover is known: laid out (before it is paginated and printed), or done. */
  const handedOver = new Map<string, Promise<void>>();
  const order = edition.jumps.order.filter((id) => !options.only || options.only.includes(id));

  const renderOne = async (pageId: string, laidOut: () => void): Promise<void> => {
    await Promise.all(edition.jumps.sourcesOf(pageId).map((source) => handedOver.get(source)));
    const started = performance.now();
    const page = edition.pages.find((p) => p.config.id === pageId)!;
    const report = (ok: boolean, cached = false) => options.onPage?.({ edition: options.editionName, page: pageId, ok, cached, ms: performance.now() - started });
    const broken = [
      ...page.failedStories,
      ...page.stories.filter((s) => prepared.brokenFiles.has(s.file.path)).map((s) => relative(edition.dir, s.file.path)),
    ];
    if (broken.length > 0) {
      const files = broken.join(', ');
      messages.push(pageError(pageId, `Page ${pageId} was not built: ${files} ${broken.length > 1 ? 'have' : 'has'} errors`, 'page-skipped'));
      results.set(pageId, { copyfit: [], handover: {} });
      return report(false);
    }
    if (edition.invalidPages.has(pageId)) {
      messages.push(pageError(pageId, `Page ${pageId} was not built: its entry in edition.yaml has errors`, 'page-skipped'));
      results.set(pageId, { copyfit: [], handover: {} });
      return report(false);
    }
    if (page.ads.length > 0) {
      // A rejected ad fails its page only; its findings say why (`check` reports them too).
      const ads = await checkPageAds(edition, page);
      messages.push(...ads.messages);
      if (ads.rejected.length > 0) {
        messages.push(pageError(pageId, `Page ${pageId} was not built: ${ads.rejected.length > 1 ? 'ads' : 'ad'} ${ads.rejected.map((f) => `\`${f}\``).join(', ')} rejected by preflight`, 'page-skipped'));
        results.set(pageId, { copyfit: [], handover: {} });
        return report(false);
      }
    }
    const pdfPath = join(options.pagesDir, `${pageId}.pdf`);
    const hash = options.cache && !options.layoutOnly ? await hashPage(options, pageId, handover) : undefined;
    const hit = hash ? await options.cache!.pages.restore(hash, pdfPath) : undefined;
    if (hash && hit) {
      for (const [story, html] of Object.entries(hit.handover)) handover.set(story, html);
      results.set(pageId, { ...hit, pdf: pdfPath, hash, cached: true });
      options.onPdf?.(pageId, pdfPath, hash);
      return report(true, true);
    }
    // The browser starts while this page's fonts are subset (the first page decodes them).
    const browser = options.browser();
    browser.catch(() => undefined);
    options.openTabAhead?.(browser);
    try {
      markOnce('first-page-start');
      const html = prepared.render({ ...singlePageView(prepared.view, pageId, handover), pageFonts: options.fonts?.href(pageId) });
      markOnce('first-page-html');
      const fonts = (await options.fonts?.write(pageId, html)) ?? [];
      markOnce('first-page-fonts');
      await writeFileAtomic(join(options.htmlDir, `${pageId}.html`), withFontPreloads(html, fonts));
      // A page with jumps hands its overflow on as soon as it is laid out.
      const onLaidOut = (text: Record<string, string>) => {
        for (const [story, html] of Object.entries(text)) handover.set(story, html);
        laidOut();
      };
      const rendered = await renderWithRetry(options, pageId, browser, edition.jumps.outgoing(pageId).size > 0 ? onLaidOut : undefined);
      for (const [story, html] of Object.entries(rendered.handover)) handover.set(story, html);
      const pdf = options.layoutOnly ? undefined : pdfPath;
      if (pdf) await writeFileAtomic(pdf, rendered.pdf);
      // Chromium's fonts only: an ad brings the client's own fonts, which its preflight checked.
      const fontMessages = pdf ? await checkPageFonts(rendered.pdf, pdf, pageId, prepared.fonts.pdfFontNames) : [];
      // Supplied ads go in after printing, as they are: Chromium never sees them.
      if (pdf && page.ads.length > 0) await writeFileAtomic(pdf, await placeAds(rendered.pdf, adPlacements(edition, page)));
      const result = { copyfit: rendered.copyfit, handover: rendered.handover, audit: rendered.audit };
      results.set(pageId, { ...result, pdf, hash, timings: rendered.timings });
      if (pdf) options.onPdf?.(pageId, pdf, hash);
      if (pdf && hash) await options.cache!.pages.store(hash, pdf, result).catch((error: Error) => messages.push({ ...pageError(pageId, `Page ${pageId} not cached: ${error.message}`, 'cache'), severity: 'warning' }));
      messages.push(...renderWarnings(pageId, rendered), ...fontMessages);
      report(true);
    } catch (error) {
      throwIfCancelled(options.signal); // not this page's failure: the whole build stops
      const stories = page.stories.map((s) => s.id).join(', ');
      const kept = (await stat(pdfPath).catch(() => undefined))?.mtime;
      const stale = kept ? `; ${pageId}.pdf from ${kept.toISOString()} is kept and is now stale` : '';
      messages.push(pageError(pageId, `${(error as Error).message} (stories: ${stories})${stale}`, 'render-failed'));
      results.set(pageId, { copyfit: [], handover: {} });
      report(false);
    }
  };

  const queue = [...order];
  const worker = async () => {
    for (let pageId = queue.shift(); pageId && !options.signal?.aborted; pageId = queue.shift()) {
      // Registered before it starts, so pages later in the queue can wait on it.
      let laidOut = () => undefined as void;
      const early = new Promise<void>((resolve) => (laidOut = resolve));
      const done = renderOne(pageId, laidOut);
      const handed = Promise.race([early, done]);
      handed.catch(() => undefined); // a cancelled page's failure is the worker's to report, not each waiter's
      handedOver.set(pageId, handed);
      await done;
    }
  };
  // Queue order puts every jump source before its target, so a page only ever waits for
  // pages already started.
  const concurrency = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), order.length));
  // Settled, not raced: on a cancel every tab is closed before the caller removes the lock.
  const workers = await Promise.allSettled(Array.from({ length: concurrency }, worker));
  throwIfCancelled(options.signal);
  for (const w of workers) if (w.status === 'rejected') throw w.reason;
  return { results, messages };
}

async function renderWithRetry(options: RenderPagesOptions, pageId: string, browser: Promise<Browser>, onLaidOut?: (handover: Record<string, string>) => void): Promise<RenderedPage> {
  let used: Browser | undefined;
  const attempt = async (from: Promise<Browser>) =>
    (options.renderer ?? renderPage)((used = await from), `${options.origin}/html/${pageId}.html`, {
      origin: options.origin,
      label: `${options.editionName} page ${pageId}`,
      timeouts: options.timeouts,
      layoutOnly: options.layoutOnly,
      hooks: options.hooks?.(pageId),
      signal: options.signal,
      onLaidOut,
    });
  // Cancelled: the tab closes (CLOSE_MS at most) and the render rejects; one stuck on a
  // browser that no longer answers is left behind rather than waited for.
  const settled = (rendering: Promise<RenderedPage>) => untilCancelled(options.signal, rendering, CLOSE_MS + 1_000);
  try {
    return await settled(attempt(browser));
  } catch (error) {
    if (options.signal?.aborted || !lostBrowser(error, used)) throw error;
    return settled(attempt(options.browser())); // the pool (render/browser-pool.ts) launches a fresh browser when the old one died
  }
}

async function hashPage(options: RenderPagesOptions, pageId: string, handover: Map<string, string>): Promise<string> {
  const { prepared } = options;
  const input = await describePage(options.cache!.inputs, prepared.edition, pageId, {
    images: (story) => (prepared.imagesByStory.get(story.id) ?? []).map((image) => image.path),
    handover: Object.fromEntries(handover),
  });
  return pageHash({ ...input, fonts: prepared.fonts.digest });
}


function renderWarnings(pageId: string, rendered: RenderedPage): ReportMessage[] {
  const warnings: ReportMessage[] = rendered.blockedRequests.map((url) => ({
    ...pageError(pageId, `Blocked a request to ${url}: pages may load only presswork's own server`, 'blocked-request'),
    severity: 'warning' as const,
  }));
  for (const error of rendered.pageErrors) {
    warnings.push({ ...pageError(pageId, `Script error in page ${pageId}: ${error}`, 'page-script-error'), severity: 'warning' });
  }
  if (rendered.pageCount !== 1) {
    warnings.push(pageError(pageId, `Page ${pageId} made ${rendered.pageCount} pages in Paged.js, expected exactly 1`, 'page-count'));
  }
  return warnings;
}
