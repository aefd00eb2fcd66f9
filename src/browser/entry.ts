import { layoutEdition } from './layout-edition.js';
import type { Copyfit } from './layout-story.js';

interface PresswokState {
  phase: 'loading' | 'laid-out' | 'paginating' | 'done' | 'failed';
  copyfit: Copyfit[];
  handover?: Record<string, string>;
  error?: string;
  pages?: number;
}

declare global {
  interface Window {
    __presswork: PresswokState;
    Paged?: { Previewer: new () => { preview(): Promise<{ total: number }> } };
  }
}

/** Lay out the edition, then let Paged.js make the pages. Node polls `__presswork.phase`. */
async function run(): Promise<void> {
  const state: PresswokState = { phase: 'loading', copyfit: [] };
  window.__presswork = state;
  try {
    // Sources are laid out but invisible, so every font subset they need is loading now.
    void document.body.offsetHeight;
    await document.fonts.ready;
    const layout = layoutEdition(document);
    state.copyfit = layout.copyfit;
    state.handover = layout.handover;
    state.phase = 'laid-out';
    if (new URLSearchParams(location.search).has('layout-only') || !window.Paged) {
      state.phase = 'done';
      return;
    }
    state.phase = 'paginating';
    const flow = await new window.Paged.Previewer().preview();
    await document.fonts.ready;
    state.pages = flow.total;
    state.phase = 'done';
  } catch (error) {
    state.error = error instanceof Error ? `${error.message}\n${error.stack}` : String(error);
    state.phase = 'failed';
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void run());
else void run();
