import type { Browser } from 'puppeteer-core';
import { closeBrowser, launchChromium } from './chromium.js';

/**
 * The one place that keeps a Chromium alive for a command: launched on first use, launched
 * again when the last one disconnected (crashed, killed, closed), and closed with the pool.
 */
export interface BrowserPool {
  /** The live browser; the first call launches it, a call after a crash launches a new one. */
  browser(): Promise<Browser>;
  /** Close the browser (one being launched too); the pool launches nothing after this. */
  close(): Promise<void>;
}

export interface BrowserPoolOptions {
  launch?: () => Promise<Browser>;
  /** A launch already started by the caller (the CLI starts Chromium while modules load). */
  launched?: Promise<Browser>;
  /** Called when a browser of the pool disconnects: state tied to it (an open tab) is stale. */
  onDisconnected?: (browser: Browser) => void;
}

/** Errors that mean the browser, not the page, went away: the page is worth one more try. */
const BROWSER_GONE = /Target closed|Session closed|Protocol error|browser has disconnected|Connection closed/i;

/** Whether `error` came from the browser going away under `browser` (not from the page itself). */
export function lostBrowser(error: unknown, browser?: Browser): boolean {
  return (browser !== undefined && !browser.connected) || BROWSER_GONE.test(error instanceof Error ? error.message : String(error));
}

export function createBrowserPool(options: BrowserPoolOptions = {}): BrowserPool {
  const launch = options.launch ?? (() => launchChromium());
  let current: Promise<Browser> | undefined;
  let closed = false;

  // Forget a browser as soon as it is gone, and a launch that failed, so the next call relaunches.
  const track = (launching: Promise<Browser>): Promise<Browser> => {
    const tracked = launching.then((browser) => {
      browser.once('disconnected', () => {
        if (current === tracked) current = undefined;
        options.onDisconnected?.(browser);
      });
      return browser;
    });
    tracked.catch(() => {
      if (current === tracked) current = undefined;
    });
    return tracked;
  };
  if (options.launched) current = track(options.launched);

  return {
    async browser() {
      // Twice at most: the browser found may have died before its `disconnected` arrived.
      for (let attempt = 0; ; attempt++) {
        if (closed) throw new Error('The browser was closed: presswork is shutting down');
        current ??= track(launch());
        const seen = current;
        const browser = await seen;
        if (browser.connected || attempt > 0) return browser;
        if (current === seen) current = undefined;
      }
    },
    async close() {
      closed = true;
      const last = current;
      current = undefined;
      const browser = await last?.catch(() => undefined);
      if (browser) await closeBrowser(browser);
    },
  };
}
