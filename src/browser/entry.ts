import { createDeskLayout, type DeskLayout } from './desk-relayout.js';
import { readGrid } from './geometry.js';
import { layoutEdition } from './layout-edition.js';
import type { PressworkState } from './page-state.js';
import { auditTypography } from './typography/index.js';

declare global {
  interface Window {
    __presswork: PressworkState;
    /** `?layout-only&desk`: the preview's layout desk lays stories out again through this. */
    __pwDesk?: DeskLayout;
    /** Lay out the document again after a warm tab (src/render/warm-tab.ts) swapped its content in. */
    __pwRelayout?: () => Promise<void>;
    /** Stop the last pagination's pages from watching their size, before a warm tab swaps the document out. */
    __pwRelease?: () => void;
    Paged?: {
      Previewer: new () => { preview(): Promise<{ total: number }>; chunker: { removePages(fromIndex?: number): void } };
      Chunker: { prototype: { loadFonts(): Promise<unknown> } };
    };
  }
}

/** Lay out the edition, then let Paged.js make the pages. Node polls `__presswork.phase`. */
async function run(): Promise<void> {
  const state: PressworkState = { phase: 'loading', copyfit: [] };
  window.__presswork = state;
  try {
    // Sources are laid out but invisible, so every font subset they need is loading now.
    void document.body.offsetHeight;
    await document.fonts.ready;
    const marks: NonNullable<PressworkState['marks']> = { fonts: performance.now() };
    state.marks = marks;
    const params = new URLSearchParams(location.search);
    // `?line-rules=off` sets the page with no line-breaking rules at all (tests show what they prevent).
    const lineRules = params.get('line-rules') !== 'off';
    if (!lineRules) document.documentElement.dataset.lineRules = 'off';
    const layout = layoutEdition(document, { lineRules });
    state.copyfit = layout.copyfit;
    state.handover = layout.handover;
    state.lineFixes = layout.lineFixes;
    marks.layout = performance.now();
    state.phase = 'laid-out';
    if (params.has('layout-only')) {
      if (params.has('desk')) window.__pwDesk = createDeskLayout(readGrid(document), layout.sources);
      state.audit = auditTypography(document);
      state.phase = 'done';
      return;
    }
    if (!window.Paged) throw new Error('Paged.js did not load: the page cannot be paginated');
    state.phase = 'paginating';
    // Paged.js would load every @font-face in the document (hundreds of rare-character
    // slices); the layout above already loaded exactly the fonts the page uses.
    window.Paged.Chunker.prototype.loadFonts = () => document.fonts.ready;
    const previewer = new window.Paged.Previewer();
    // Paged.js's pages keep a ResizeObserver each, to reflow on a resize: removing them as the
    // document is swapped would fire it, on nodes of a document no longer there.
    window.__pwRelease = () => previewer.chunker.removePages();
    const flow = await previewer.preview();
    await document.fonts.ready;
    state.pages = flow.total;
    marks.paginate = performance.now();
    // The audit reads the pages as Paged.js left them: what gets printed.
    state.audit = auditTypography(document);
    state.phase = 'done';
  } catch (error) {
    state.error = error instanceof Error ? `${error.message}\n${error.stack}` : String(error);
    state.phase = 'failed';
  }
}

window.__pwRelayout = run;
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void run());
else void run();
