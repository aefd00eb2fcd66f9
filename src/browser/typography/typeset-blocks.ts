import { fixLastLines, type LastLineFix } from './fix-last-line.js';
import { glueLineStartMarks } from './glue-line-start.js';
import { columnProbe } from '../probe.js';
import { PARAGRAPH_SELECTOR, textBlocksIn } from './text-blocks.js';

/** A paragraph that ended with a lone character, and what became of it. */
export type LineFix = LastLineFix & {
  story: string;
  page: string;
  file: string;
  /** Where the paragraph starts in the Markdown file, when known. */
  line?: number;
  column?: number;
  /** The end of the paragraph. */
  text: string;
};

/** `data-src="12:5"` of the element or its nearest ancestor that has one. */
export function sourcePosition(el: Element): { line?: number; column?: number } {
  const src = el.closest<HTMLElement>('[data-src]')?.dataset.src;
  const match = src ? /^(\d+):(\d+)$/.exec(src) : null;
  return match ? { line: Number(match[1]), column: Number(match[2]) } : {};
}

/**
 * The line rules that need the browser, applied to a story's blocks before they are flowed.
 * Every frame is one column wide, so a paragraph breaks into the same lines in a probe of
 * that width as in the frames (a split falls at a line start, and the part after it has
 * no indent): fixing here keeps the flow, the copyfit and the jump exact.
 *
 * The probe is set at `trackingEm` whatever tracking the story shows, so the fit search may
 * typeset a tracking before it lays a pass out at it.
 * The blocks are left in a hidden probe inside `story`; flowing them moves them out.
 * Call `release()` when the story is laid out.
 */
export function typesetBlocks(story: HTMLElement, blocks: HTMLElement[], trackingEm: number): { fixes: LineFix[]; heightPx: number; release(): void } {
  const probe = columnProbe(story, 'typeset-probe', trackingEm);
  const fixes: LineFix[] = [];
  const texts = blocks.filter((block) => block.tagName !== 'FIGURE');
  // All in at once: a block's lines do not depend on the blocks after it, and reading
  // them without a change in between costs one layout instead of one per block.
  probe.append(...texts);
  fixes.push(...typesetInPlace(story, ...texts));
  // Read once the rules are done: what the text takes in one column, for balancing.
  return { fixes, heightPx: probe.getBoundingClientRect().height, release: () => probe.remove() };
}

/** The same rules for blocks already at their final width (a box placed whole on the grid). */
export function typesetInPlace(story: HTMLElement, ...blocks: HTMLElement[]): LineFix[] {
  const context = {
    story: story.dataset.story ?? '',
    page: story.closest<HTMLElement>('.pw-page')?.dataset.page ?? '',
    file: story.dataset.file ?? '',
  };
  const fixes: LineFix[] = [];
  for (const block of blocks) for (const text of textBlocksIn(block)) glueLineStartMarks(text);
  const paragraphs = blocks.flatMap((block) => textBlocksIn(block).filter((b) => b.matches(PARAGRAPH_SELECTOR)));
  // The tail before any fix: a loosened paragraph's text is the same, its nodes are not.
  const tails = paragraphs.map((paragraph) => (paragraph.textContent ?? '').replace(/\s+/g, '').slice(-20));
  fixLastLines(paragraphs).forEach((fix, i) => {
    if (!fix) return;
    const paragraph = paragraphs[i]!;
    if (fix.fix === 'none') paragraph.dataset.lastLine = 'unfixed';
    fixes.push({ ...fix, ...context, ...sourcePosition(paragraph), text: tails[i]! });
  });
  return fixes;
}
