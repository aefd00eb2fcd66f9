import type { PressworkState, PressworkWindow } from '../../browser/page-state.js';

/** The page's `__presswork` state, as the page documents publish it. */
export type LayoutState = PressworkState;

export interface ShownFrame {
  frame: HTMLIFrameElement;
  doc: Document;
  state: LayoutState;
  /** Milliseconds from the start of the load to each layout phase first seen, and to the swap. */
  timings: Record<string, number>;
}


const TIMEOUT_MS = 60_000;

/**
 * Double-buffered page documents: a new version loads in a hidden iframe on top of the
 * shown one and replaces it only when Paged.js is done, so the tab never navigates, never
 * flashes blank, and the scroll position (which belongs to the shell) stays put.
 */
export class PageFrames {
  private shown: HTMLIFrameElement | undefined;
  private loading: { frame: HTMLIFrameElement; timer: number } | undefined;

  constructor(
    private readonly host: HTMLElement,
    private readonly handlers: {
      /** Called with the new document before it becomes visible, to add overlays. */
      prepare: (shown: ShownFrame) => void;
      shown: (shown: ShownFrame) => void;
      failed: (message: string) => void;
    },
  ) {}

  get current(): ShownFrame | undefined {
    const frame = this.shown;
    const win = frame?.contentWindow as PressworkWindow | null | undefined;
    if (!frame || !win?.__presswork || !frame.contentDocument) return undefined;
    return { frame, doc: frame.contentDocument, state: win.__presswork, timings: {} };
  }

  /** Load a document; a load still in progress is dropped in favour of this one. */
  load(url: string): void {
    this.cancel();
    const frame = document.createElement('iframe');
    frame.className = 'pw-frame pw-frame-loading';
    frame.setAttribute('scrolling', 'no');
    frame.setAttribute('aria-hidden', 'true');
    frame.title = 'Page';
    frame.src = url;
    const started = performance.now();
    const timings: Record<string, number> = {};
    const poll = () => {
      if (this.loading?.frame !== frame) return;
      const state = (frame.contentWindow as PressworkWindow | null)?.__presswork;
      if (state) timings[state.phase] ??= Math.round(performance.now() - started);
      if (state?.phase === 'done') return this.swap(frame, state, timings, started);
      if (state?.phase === 'failed') {
        this.cancel();
        return this.handlers.failed(`The page failed to lay out in the browser: ${state.error?.split('\n')[0] ?? 'unknown error'}`);
      }
      if (performance.now() - started > TIMEOUT_MS) {
        this.cancel();
        return this.handlers.failed(`The page did not finish laying out within ${TIMEOUT_MS / 1000} s`);
      }
      this.loading.timer = window.setTimeout(poll, 16);
    };
    this.loading = { frame, timer: window.setTimeout(poll, 16) };
    // A document without our layout script (a 404, a server error) would never finish.
    frame.addEventListener('load', () => {
      if (this.loading?.frame !== frame || (frame.contentWindow as PressworkWindow | null)?.__presswork) return;
      this.cancel();
      this.handlers.failed(`The page document could not be loaded: ${frame.contentDocument?.body?.textContent?.slice(0, 200) || 'no response'}`);
    });
    this.host.append(frame);
  }

  private swap(frame: HTMLIFrameElement, state: LayoutState, timings: Record<string, number>, started: number): void {
    window.clearTimeout(this.loading?.timer);
    this.loading = undefined;
    const shown = { frame, doc: frame.contentDocument!, state, timings };
    try {
      this.handlers.prepare(shown);
    } catch (error) {
      console.error('presswork preview: preparing the page failed', error);
    }
    timings.prepared = Math.round(performance.now() - started);
    frame.classList.remove('pw-frame-loading');
    frame.removeAttribute('aria-hidden');
    this.shown?.remove();
    this.shown = frame;
    timings.shown = Math.round(performance.now() - started);
    this.handlers.shown(shown);
  }

  /** Drop a load in progress (the layout desk shows its own document meanwhile). */
  cancel(): void {
    if (!this.loading) return;
    window.clearTimeout(this.loading.timer);
    this.loading.frame.remove();
    this.loading = undefined;
  }
}
