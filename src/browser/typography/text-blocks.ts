/** Elements that hold lines of text of their own. */
export const TEXT_BLOCK_SELECTOR = 'p, li, dt, dd, th, td, h1, h2, h3, h4, h5, h6, figcaption, blockquote, pre';

/** Text blocks that are paragraphs of running text: the ones a last line of one character spoils. */
export const PARAGRAPH_SELECTOR = 'p, li, dd, blockquote';

/** Whether `el` is a text block (its text is read as lines of its own, not its parent's). */
export function isTextBlock(el: Element): boolean {
  return el.matches(TEXT_BLOCK_SELECTOR);
}

/** `root` itself when it is a text block, and every text block inside it, in document order. */
export function textBlocksIn(root: Element): HTMLElement[] {
  const inside = [...root.querySelectorAll<HTMLElement>(TEXT_BLOCK_SELECTOR)];
  return root.matches(TEXT_BLOCK_SELECTOR) ? [root as HTMLElement, ...inside] : inside;
}

/** Whether `el` is the first, a middle or the last part of a paragraph split between frames. */
export function splitParts(el: Element): { before: boolean; after: boolean } {
  return { before: el.classList.contains('split-before'), after: el.classList.contains('split-after') };
}
