import type { Browser, Page } from 'puppeteer-core';
import type { Copyfit } from '../browser/layout-story.js';
import type { LineFix, TypographyFinding } from '../browser/typography/index.js';
import { closeTab, restrictToOrigin } from './chromium.js';
import { DEFAULT_TIMEOUTS, type RenderTimeouts } from './render-timeouts.js';
import { waitForLayout } from './wait-for-layout.js';
import { markOnce } from '../util/startup-timing.js';
import { throwIfCancelled, whenCancelled } from '../util/cancel.js';

export { DEFAULT_TIMEOUTS, type RenderTimeouts } from './render-timeouts.js';

export interface RenderedPage {
  pdf: Uint8Array;
  copyfit: Copyfit[];
  /** Overflowing blocks of jumping stories, as HTML, keyed by story id. */
  handover: Record<string, string>;
  /** Typography audit of the printed page: clreq line rules, grid, text size. Empty when clean. */
  audit: TypographyFinding[];
  /** Paragraphs that ended with a lone character, and how the layout fixed each (`none`: it could not). */
  lineFixes: LineFix[];
  /** Paged.js page count: one 版 must make exactly one page. */
  pageCount: number;
  blockedRequests: string[];
  pageErrors: string[];
  /** Milliseconds per step: see `PageTimings`. */
  timings: PageTimings;
}

/**
 * Where a page's render time goes. `load` is navigation to the load event; `fonts`, `layout`
 * and `paginate` are measured in the page (fonts run from the load until every face the
 * layout needs is ready); `print` is Chromium's page.pdf.
 */
export interface PageTimings {
  load: number;
  fonts: number;
  layout: number;
  paginate: number;
  print: number;
}

export class RenderError extends Error {
  constructor(
    message: string,
    readonly stage: 'navigate' | 'paginate' | 'print',
  ) {
    super(message);
    this.name = 'RenderError';
  }
}

/** Test seams around the real browser: faults are injected here, never mocked away. */
export interface RenderHooks {
  /** Called on the new tab before it loads the page. */
  beforeLoad?: (page: Page) => Promise<void>;
  /** Called after pagination, just before printing. */
  beforePrint?: (page: Page) => Promise<void>;
}

export interface RenderPageOptions {
  origin: string;
  label: string;
  timeouts?: RenderTimeouts;
  /** Cancels the render: the tab is closed and the signal's reason thrown. */
  signal?: AbortSignal;
  /** Lay out and measure copyfit only: no Paged.js, no PDF (for `presswork check`). */
  layoutOnly?: boolean;
  hooks?: RenderHooks;
  /**
   * Called with the handover once our layout is done, before Paged.js: a jump's continuation
   * page can start on it while this page paginates and prints.
   */
  onLaidOut?: (handover: Record<string, string>) => void;
}

/** What renders a page: `renderPage` in a fresh tab, or a warm tab (warm-tab.ts). */
export type PageRenderer = (browser: Browser, url: string, options: RenderPageOptions) => Promise<RenderedPage>;

/**
 * Open one page document in a fresh tab, wait for our layout and Paged.js, and print it.
 * Each stage has its own timeout; a hang becomes a RenderError naming the stage.
 */
export async function renderPage(browser: Browser, url: string, options: RenderPageOptions): Promise<RenderedPage> {
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const { signal } = options;
  throwIfCancelled(signal);
  const page = await browser.newPage();
  // Cancelled (Ctrl-C, --timeout): the tab closes at once, and whatever waits on it rejects.
  const closeOnAbort = () => void closeTab(page);
  signal?.addEventListener('abort', closeOnAbort, { once: true });
  try {
    await page.evaluateOnNewDocument(runFramesInBackground);
    const guard = await restrictToOrigin(page, options.origin);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
    await options.hooks?.beforeLoad?.(page);
    const target = options.layoutOnly ? `${url}?layout-only` : url;
    const load = () => page.goto(target, { waitUntil: 'load', timeout: timeouts.navigationMs });
    return await layOutAndPrint(page, load, options, { blocked: guard.blocked, pageErrors });
  } catch (error) {
    throwIfCancelled(signal); // the tab's errors after a cancel are the cancel's doing
    throw error;
  } finally {
    signal?.removeEventListener('abort', closeOnAbort);
    await closeTab(page);
  }
}

/**
 * The render after the tab is open: `load` brings the page document in (a navigation, or a
 * warm tab's swap), then wait for our layout and Paged.js, and print. `seen` collects what
 * the tab blocked and the page's script errors while this page is in it.
 */
export async function layOutAndPrint(
  page: Page,
  load: () => Promise<unknown>,
  options: RenderPageOptions,
  seen: { blocked: string[]; pageErrors: string[] },
): Promise<RenderedPage> {
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const stage = <T>(name: RenderError['stage'], what: string, ms: number, run: () => Promise<T>) => timedStage(name, what, ms, run, options.signal);
  const started = performance.now();
  markOnce('first-render');
  await stage('navigate', `${options.label}: loading the page`, timeouts.navigationMs, load);
  const loaded = performance.now();
  const loadedInPage = await page.evaluate(() => performance.now());
  if (options.onLaidOut) {
    const laidOut = await stage('paginate', `${options.label}: layout`, timeouts.paginationMs, () =>
      waitForLayout(page, { timeoutMs: timeouts.paginationMs, laidOut: true }),
    );
    if (laidOut.phase !== 'failed') options.onLaidOut(laidOut.handover ?? {});
  }
  const state = await stage('paginate', `${options.label}: layout and pagination`, timeouts.paginationMs, () =>
    waitForLayout(page, { timeoutMs: timeouts.paginationMs }),
  );
  if (state.phase === 'failed') {
    throw new RenderError(`${options.label}: layout failed in the browser: ${state.error ?? 'unknown error'}`, 'paginate');
  }
  await options.hooks?.beforePrint?.(page);
  const printStarted = performance.now();
  const pdf = options.layoutOnly
    ? new Uint8Array()
    : await stage('print', `${options.label}: printing`, timeouts.printMs, () => printPdf(page, timeouts.printMs));
  const marks = state.marks ?? {};
  const step = (from: number | undefined, to: number | undefined) => (from !== undefined && to !== undefined ? Math.max(0, Math.round(to - from)) : 0);
  return {
    pdf,
    copyfit: state.copyfit,
    handover: state.handover ?? {},
    audit: state.audit ?? [],
    lineFixes: state.lineFixes ?? [],
    pageCount: options.layoutOnly ? 1 : (state.pages ?? 0),
    blockedRequests: seen.blocked,
    pageErrors: seen.pageErrors,
    timings: {
      load: step(started, loaded),
      fonts: step(loadedInPage, marks.fonts),
      layout: step(marks.fonts, marks.layout),
      paginate: step(marks.layout, marks.paginate),
      print: options.layoutOnly ? 0 : step(printStarted, performance.now()),
    },
  };
}

/**
 * Paged.js paces its work with requestAnimationFrame, and headless Chromium draws frames only
 * for the tab in front: the other tabs of the pool would wait until it closed, and a page stuck
 * in front would stall them all. Frames here are only a schedule, not a drawing, so a macrotask
 * does the same job in every tab. Runs in the page before any of its scripts.
 */
export function runFramesInBackground(): void {
  window.requestAnimationFrame = (callback) => window.setTimeout(() => callback(performance.now()), 0);
  window.cancelAnimationFrame = (handle) => window.clearTimeout(handle);
}

function printPdf(page: Page, timeout: number): Promise<Uint8Array> {
  return page.pdf({ preferCSSPageSize: true, printBackground: true, timeout });
}

async function timedStage<T>(name: RenderError['stage'], what: string, ms: number, run: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // Our own timer backs up Puppeteer's, which does not cover every hang.
    timer = setTimeout(() => reject(new RenderError(`${what} timed out after ${Math.round(ms / 1000)} s`, name)), ms + 1000);
  });
  const cancelled = whenCancelled(signal);
  try {
    return await Promise.race([run(), timeout, cancelled.promise]);
  } catch (error) {
    throwIfCancelled(signal);
    if (error instanceof RenderError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new RenderError(/timeout|timed out|ms exceeded/i.test(message) ? `${what} timed out after ${Math.round(ms / 1000)} s` : `${what} failed: ${message}`, name);
  } finally {
    clearTimeout(timer);
    cancelled.dispose();
  }
}
