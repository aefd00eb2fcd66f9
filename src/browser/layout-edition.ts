import { readGrid } from './geometry.js';
import { layoutStory, measureOverset, shortLines, type Copyfit, type StoryLayoutData } from './layout-story.js';
import { typesetBlocks, type LineFix } from './typography/index.js';

const textLength = (blocks: HTMLElement[]) => blocks.reduce((n, b) => n + (b.textContent ?? '').replace(/\s+/g, '').length, 0);

/**
 * Lay out every story of the document. Main parts go first; what overflows a story with a
 * jump is handed to its continuation box on the other page, which is laid out after.
 */
export interface EditionLayout {
  copyfit: Copyfit[];
  /** Blocks handed to a continuation box in another document, as HTML, by story id. */
  handover: Record<string, string>;
  /** Paragraphs that ended with a lone character, and what the line rules did about it. */
  lineFixes: LineFix[];
}

export interface LayoutOptions {
  /** Apply the line rules that need the browser (default on; off only to show what they prevent). */
  lineRules?: boolean;
}

export function layoutEdition(doc: Document, options: LayoutOptions = {}): EditionLayout {
  const grid = readGrid(doc);
  const results: Copyfit[] = [];
  const handedOver = new Map<HTMLElement, HTMLElement[]>();
  const handover: Record<string, string> = {};
  const lineFixes: LineFix[] = [];
  const stories = [...doc.querySelectorAll<HTMLElement>('.story[data-story]')];
  const ordered = [...stories.filter((s) => s.dataset.part !== 'cont'), ...stories.filter((s) => s.dataset.part === 'cont')];

  for (const el of ordered) {
    const source = el.querySelector<HTMLElement>(':scope > .source');
    const blocks = source ? ([...source.children] as HTMLElement[]) : handedOver.get(el) ?? [];
    source?.remove();
    const page = el.closest<HTMLElement>('.pw-page')?.dataset.page ?? '';
    const data = JSON.parse(el.dataset.layout ?? '{}') as StoryLayoutData;
    const typeset = options.lineRules === false ? undefined : typesetBlocks(el, blocks);
    const { rest, frames } = layoutStory(el, grid, blocks);
    if (typeset) {
      lineFixes.push(...typeset.fixes);
      typeset.release();
    }
    const result: Copyfit = {
      story: el.dataset.story ?? '',
      part: el.dataset.part === 'cont' ? 'cont' : 'main',
      page,
      file: el.dataset.file ?? '',
      overset: { chars: 0, lines: 0, text: '' },
      short: { lines: 0 },
    };
    if (data.jumpTo && rest.length > 0) {
      // The continuation is in this document (preview of a whole edition) or in another one.
      const continuation = findContinuation(doc, el, data.jumpTo.page);
      if (continuation) handedOver.set(continuation, rest);
      else handover[result.story] = rest.map((b) => b.outerHTML).join('');
      result.continuedOn = data.jumpTo.page;
      result.jumpedChars = textLength(rest);
    } else {
      result.overset = measureOverset(el, grid, rest);
    }
    result.short = { lines: shortLines(frames, grid) };
    results.push(result);
  }
  return { copyfit: results, handover, lineFixes };
}

function findContinuation(doc: Document, el: HTMLElement, page: string): HTMLElement | undefined {
  const selector = `.pw-page[data-page="${CSS.escape(page)}"] .story[data-part="cont"][data-story="${CSS.escape(el.dataset.story ?? '')}"]`;
  return doc.querySelector<HTMLElement>(selector) ?? undefined;
}
