import type { Browser, CDPSession, Page } from 'puppeteer-core';
import { throwIfCancelled } from '../util/cancel.js';
import { CLOSE_MS, closeTab, restrictToOrigin, type LoopbackGuard } from './chromium.js';
import { settleWithin } from '../util/settle-within.js';
import { DEFAULT_TIMEOUTS, layOutAndPrint, renderPage, runFramesInBackground, type PageRenderer, type RenderedPage } from './render-page.js';

/**
 * A tab that keeps Paged.js and our layout script parsed between page documents. The first
 * document is loaded by a navigation; each later one is swapped in: the tab fetches the new
 * HTML, replaces the head (styles, font links, config) and the body (which also drops Paged.js's
 * pages and inserted styles), and runs the layout and Paged.js again (`__pwRelayout`,
 * src/browser/entry.ts). A fresh Previewer is made per run, and Paged.js keeps no state
 * outside it and the document, so the page comes out as it would in a fresh tab
 * (tests/render/warm-tab.test.ts compares the two).
 */
export interface WarmTab {
  page: Page;
  origin: string;
  /** Bring `url` into the tab. `waitUntil: 'load'` also waits for its images, as a navigation would. */
  load(url: string, options: { timeoutMs: number; waitUntil: 'load' | 'domcontentloaded' }): Promise<void>;
  /**
   * Have the tab's renderer drop what it keeps for later documents (decoded images, cached
   * resources), as under memory pressure: a build's pages rarely share them, and they grew the
   * renderers ~0.3 GB over a 96-page build even with tabs replaced every MAX_USES documents.
   */
  releaseMemory(): Promise<void>;
  /** Start collecting blocked requests and script errors afresh, for the next document. */
  collect(): { blocked: string[]; pageErrors: string[] };
  /** Documents brought in so far. */
  uses: number;
  /** It has taken its most documents (MAX_USES unless told): close it rather than keep it. */
  readonly spent: boolean;
  close(): Promise<void>;
}

/**
 * Documents a build's tab takes before it is closed and a new one opened: what each leaves
 * in its renderer (Blink's caches, font data) grew it ~14 MB a page, 0.77 GB after 48 pages
 * of a 96-page build; after 8 the whole build peaks under 1.5 GB PSS.
 */
const MAX_USES = 8;

export async function openWarmTab(browser: Browser, origin: string, maxUses = MAX_USES): Promise<WarmTab> {
  const page = await browser.newPage();
  try {
    await page.evaluateOnNewDocument(runFramesInBackground);
    const guard: LoopbackGuard = await restrictToOrigin(page, origin);
    let pageErrors: string[] = [];
    let cdp: Promise<CDPSession> | undefined;
    page.on('pageerror', (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
    const tab: WarmTab = {
      page,
      origin,
      uses: 0,
      get spent() {
        return tab.uses >= maxUses;
      },
      async load(url, options) {
        const swapped = tab.uses > 0 && (await withTimeout(page.evaluate(swapDocument, url, options.waitUntil === 'load'), options.timeoutMs, url));
        // Not swapped: the first document, or the last one never got our layout script (it
        // failed to load), so there is nothing warm to reuse and the tab navigates as a fresh one would.
        if (!swapped) await page.goto(url, { waitUntil: options.waitUntil, timeout: options.timeoutMs });
        tab.uses += 1;
      },
      async releaseMemory() {
        cdp ??= page.createCDPSession();
        await (await cdp).send('Memory.simulatePressureNotification', { level: 'critical' });
      },
      collect() {
        guard.blocked = [];
        pageErrors = [];
        return { blocked: guard.blocked, pageErrors };
      },
      close: () => closeTab(page),
    };
    return tab;
  } catch (error) {
    await closeTab(page);
    throw error;
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number, url: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`Swapping in ${url} timed out after ${ms} ms`)), ms)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs in the tab: put the document at `url` in place of the current one and start its
 * layout. Resolves false when the tab has no layout script to run again. Written without
 * named inner functions (`const f = () => …`): tsx wraps those in a `__name` helper the page lacks.
 */
async function swapDocument(url: string, waitForImages: boolean): Promise<boolean> {
  const relayout = (window as Window & { __pwRelayout?: () => Promise<void> }).__pwRelayout;
  if (!relayout) return false;
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const next = new DOMParser().parseFromString(await response.text(), 'text/html');
  // Paged.js and layout.js are already running here; the JSON config stays (the layout reads it).
  for (const script of next.querySelectorAll('script:not([type="application/json"])')) script.remove();
  // A method, not a `const` arrow: tsx names those with its helper.
  const fonts = {
    files(): string {
      return [...document.styleSheets]
        .flatMap((sheet) => [...sheet.cssRules])
        .flatMap((rule) => (rule instanceof CSSFontFaceRule ? [rule.style.getPropertyValue('src')] : []))
        .sort()
        .join('\n');
    },
  };
  const lastFonts = fonts.files();
  (window as Window & { __pwRelease?: () => void }).__pwRelease?.();
  // The new URL before the new nodes: relative URLs resolve against it, and the layout reads its query.
  history.replaceState(null, '', url);
  for (const [target, source] of [
    [document.documentElement, next.documentElement],
    [document.body, next.body],
  ] as const) {
    for (const name of target.getAttributeNames()) target.removeAttribute(name);
    for (const name of source.getAttributeNames()) target.setAttribute(name, source.getAttribute(name)!);
  }
  // The whole head and body: Paged.js's pages and inserted styles go with them.
  document.head.replaceChildren(...[...next.head.childNodes].map((node) => document.importNode(node, true)));
  document.body.replaceChildren(...[...next.body.childNodes].map((node) => document.importNode(node, true)));
  window.scrollTo(0, 0);
  // As a parser-blocking script would, the layout starts once the stylesheets are in.
  await Promise.all(
    [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].map((link) =>
      link.sheet ? undefined : new Promise((resolve) => ['load', 'error'].forEach((type) => link.addEventListener(type, resolve, { once: true }))),
    ),
  );
  if (fonts.files() !== lastFonts) {
    // New font files under the same family names (a build's per-page subsets): in a tab that
    // had the last page's faces, Chromium may lay the new text out before the new faces load,
    // and `document.fonts.ready` does not wait for them (seen 4 times in 5). A fresh tab has
    // them loaded, so load them here first; the ` Extended` slices and the fallback load on
    // demand, as they would there. The preview's whole fonts keep their URLs and skip this.
    await Promise.all([...document.fonts].filter((f) => f.status === 'unloaded' && !/ Extended$|Fallback/.test(f.family)).map((f) => f.load().catch(() => undefined)));
  }
  void relayout();
  if (waitForImages) {
    // A navigation's load event waits for the images; the layout meanwhile goes on.
    await Promise.all(
      [...document.images].map((img) =>
        img.complete ? undefined : new Promise((resolve) => ['load', 'error'].forEach((type) => img.addEventListener(type, resolve, { once: true }))),
      ),
    );
  }
  return true;
}

export interface WarmRenderer {
  /** `renderPage`'s contract, in a kept tab: one per page rendered at once, per browser and origin. */
  render: PageRenderer;
  /**
   * Start opening a tab for the next render on this browser and origin, unless one is idle or
   * opening already: the tab opens while Node still writes the page (its HTML and fonts).
   */
  openAhead(browser: Promise<Browser>, origin: string): void;
  close(): Promise<void>;
}

/**
 * Warm tabs for a build (one per render worker) and for `build --watch`: a page renders in an
 * idle tab of its browser and origin, or in a new one that then stays, until it has taken
 * `tabUses` documents (default MAX_USES). A tab whose render failed is closed, never reused:
 * its state is unknown. Pages with fault-injection hooks get a fresh tab, as the hooks expect.
 */
export function createWarmRenderer(options: { tabUses?: number } = {}): WarmRenderer {
  const idle = new Map<Browser, WarmTab[]>();
  /** A tab opened ahead of its render, by browser (see openAhead). */
  const opening = new Map<Browser, Promise<WarmTab | undefined>>();
  let closed = false;

  const take = async (browser: Browser, origin: string): Promise<WarmTab> => {
    const tabs = idle.get(browser) ?? [];
    const at = tabs.findIndex((t) => t.origin === origin && !t.page.isClosed());
    if (at >= 0) return tabs.splice(at, 1)[0]!;
    const ahead = opening.get(browser);
    opening.delete(browser);
    const opened = await ahead;
    if (opened && opened.origin === origin && !opened.page.isClosed()) return opened;
    if (opened) await give(browser, opened);
    for (const gone of [...idle.keys()].filter((b) => !b.connected)) idle.delete(gone); // a browser that died
    return openWarmTab(browser, origin, options.tabUses);
  };
  const give = async (browser: Browser, tab: WarmTab) => {
    if (closed || !browser.connected || tab.spent || tab.page.isClosed()) return tab.close();
    idle.set(browser, [...(idle.get(browser) ?? []), tab]);
  };

  return {
    openAhead(launching, origin) {
      void launching.then(
        (browser) => {
          if (closed || opening.has(browser) || idle.get(browser)?.some((t) => t.origin === origin)) return;
          // A tab that fails to open here is opened again, and its failure reported, by the render.
          opening.set(browser, openWarmTab(browser, origin, options.tabUses).catch(() => undefined));
        },
        () => undefined,
      );
    },
    async render(browser, url, options): Promise<RenderedPage> {
      if (closed || options.hooks?.beforeLoad) return renderPage(browser, url, options);
      throwIfCancelled(options.signal);
      const tab = await take(browser, options.origin);
      const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
      const target = options.layoutOnly ? `${url}?layout-only` : url;
      // Cancelled (Ctrl-C, --timeout): the tab closes at once, as a fresh one does (renderPage),
      // and whatever waits on it rejects.
      const closeOnAbort = () => void tab.close();
      options.signal?.addEventListener('abort', closeOnAbort, { once: true });
      try {
        const load = () => tab.load(target, { timeoutMs: timeouts.navigationMs, waitUntil: 'load' });
        const rendered = await layOutAndPrint(tab.page, load, options, tab.collect());
        // Housekeeping: a Chromium without the Memory domain only keeps its caches.
        if (!tab.spent && !options.signal?.aborted) await tab.releaseMemory().catch(() => undefined);
        await give(browser, tab);
        return rendered;
      } catch (error) {
        // Cancelled, timed out or failed: the tab's state is unknown, so it goes.
        await tab.close();
        throwIfCancelled(options.signal);
        throw error;
      } finally {
        options.signal?.removeEventListener('abort', closeOnAbort);
      }
    },
    async close() {
      closed = true;
      // A tab still opening in a browser that no longer answers is left to the browser's close.
      const ahead = await Promise.all([...opening.values()].map((tab) => settleWithin(tab, CLOSE_MS)));
      opening.clear();
      const tabs = [...idle.values()].flat().concat(ahead.filter((t): t is WarmTab => t !== undefined));
      idle.clear();
      await Promise.all(tabs.map((t) => t.close()));
    },
  };
}
