import type { Browser } from 'puppeteer-core';
import type { Copyfit } from '../browser/layout-story.js';
import { createBrowserPool } from '../render/browser-pool.js';
import { waitForLayout } from '../render/wait-for-layout.js';
import { openWarmTab, type WarmTab } from '../render/warm-tab.js';

export interface WarmLayoutResult {
  copyfit: Copyfit[];
  /** Overflowing blocks of jumping stories, as HTML, by story id. */
  handover: Record<string, string>;
  /** Number of typography audit findings, if the page's layout reports an audit. */
  audit?: number;
  /** A small PNG of the laid-out page, for the index. */
  thumbnail?: Uint8Array;
}

export interface WarmLayout {
  /** Lay out one page document (`?layout-only`) and take its thumbnail. Calls run one at a time. */
  layout(url: string, size: { widthPx: number; heightPx: number; thumbWidth: number }): Promise<WarmLayoutResult>;
  close(): Promise<void>;
}

/** Layouts a preview tab takes before a new one replaces it: small ones, a save at a time. */
const PREVIEW_TAB_USES = 50;

/**
 * One headless Chromium kept warm for the preview's lifetime, with one warm tab
 * (render/warm-tab.ts): after the first page, each page document is swapped into it and laid
 * out again, without reloading Paged.js and the layout script. It lays out jump source pages
 * for the handover text and every page for copyfit and thumbnails. It starts on first use and
 * restarts if it dies.
 */
export function createWarmLayout(options: { origin: string; timeoutMs?: number; launch?: () => Promise<Browser> }): WarmLayout {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let tab: Promise<WarmTab> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  // The tab belongs to the browser: when it goes, so does the tab (the pool relaunches the browser).
  const browsers = createBrowserPool({ launch: options.launch, onDisconnected: () => (tab = undefined) });
  const getBrowser = browsers.browser;

  const getTab = () => {
    tab ??= getBrowser().then((b) => openWarmTab(b, options.origin, PREVIEW_TAB_USES));
    tab.catch(() => (tab = undefined));
    return tab;
  };

  async function run(url: string, size: { widthPx: number; heightPx: number; thumbWidth: number }): Promise<WarmLayoutResult> {
    if (closed) throw new Error('The preview is shutting down');
    const warm = await getTab();
    const { page } = warm;
    try {
      await page.setViewport({ width: Math.ceil(size.widthPx), height: Math.ceil(size.heightPx) });
      const layoutUrl = `${url}${url.includes('?') ? '&' : '?'}layout-only`;
      await warm.load(layoutUrl, { waitUntil: 'domcontentloaded', timeoutMs });
      const state = await waitForLayout(page, { timeoutMs, pollingMs: 20 });
      if (state.phase === 'failed') throw new Error(`Layout failed in the browser: ${state.error?.split('\n')[0] ?? 'unknown error'}`);
      const thumbnail = await page
        .screenshot({ type: 'png', clip: { x: 0, y: 0, width: size.widthPx, height: size.heightPx, scale: size.thumbWidth / size.widthPx } })
        .catch(() => undefined);
      const audit = Array.isArray(state.audit) ? state.audit.length : undefined;
      if (warm.spent) {
        // What the documents left in the tab stays bounded: the next layout opens a new one.
        tab = undefined;
        void warm.close();
      }
      return { copyfit: state.copyfit, handover: state.handover ?? {}, audit, thumbnail };
    } catch (error) {
      // A hung or crashed tab is replaced, so one bad page cannot stall the next layout.
      tab = undefined;
      await warm.close();
      throw error;
    }
  }

  return {
    layout(url, size) {
      const result = queue.then(() => run(url, size));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      closed = true;
      tab = undefined;
      await browsers.close();
    },
  };
}
