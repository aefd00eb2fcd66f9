import { contentChars, isSingleCharLine } from './line-checks.js';
import { readLastLines, type TextLine } from './read-lines.js';
import { isTextBlock } from './text-blocks.js';

/**
 * How far a paragraph may be set tighter than the house letter-spacing to pull a lone last
 * character up, in em, and the step of the search. Justification hides the change on every
 * line whose breaks stay the same, so only the lines that gain a character look tighter.
 */
export const MAX_TIGHTEN_EM = 0.05;
const STEP_EM = 0.01;

export type LastLineFix =
  /** Letter-spacing reduced by `amountEm`: the lone character moved up a line. */
  | { fix: 'tighten'; amountEm: number }
  /**
   * The line before gave its last character (and the punctuation after it, if any) to the
   * last line, which then holds two; that line is justified about 1/12 em per gap looser,
   * as any line is that the line-start rules push a character off.
   */
  | { fix: 'loosen'; moved: string }
  /** Neither works within the bounds: the audit reports the paragraph. */
  | { fix: 'none' };

const nested = (el: Element) => isTextBlock(el);

const lastTwo = (block: Element): TextLine[] => readLastLines(block, 2, nested);

function hasLoneLastLine(block: Element): { lines: TextLine[]; lone: boolean } {
  const lines = lastTwo(block);
  return { lines, lone: lines.length === 2 && isSingleCharLine(lines[1]!.text) };
}

/**
 * Make sure `block` (laid out at its final width) does not end with a single character
 * alone on its last line. Returns undefined when it did not; else what was done.
 */
export function fixLastLine(block: HTMLElement): LastLineFix | undefined {
  const { lines, lone } = hasLoneLastLine(block);
  if (!lone) return undefined;
  return tighten(block) ?? loosen(block, lines) ?? { fix: 'none' };
}

function tighten(block: HTMLElement): LastLineFix | undefined {
  const original = block.style.letterSpacing;
  const height = block.getBoundingClientRect().height;
  for (let step = 1; step * STEP_EM <= MAX_TIGHTEN_EM + 1e-9; step++) {
    const amountEm = Math.round(step * STEP_EM * 100) / 100;
    // Relative to the story's tracking (typography.fit), which the paragraph inherits.
    block.style.letterSpacing = `calc(var(--tracking, 0em) - ${amountEm}em)`;
    // The lone character went up and the paragraph is a line shorter, or (rarely) the last
    // line gained company without the paragraph growing.
    if (!hasLoneLastLine(block).lone && block.getBoundingClientRect().height <= height + 0.5) {
      return { fix: 'tighten', amountEm };
    }
  }
  block.style.letterSpacing = original;
  return undefined;
}

function loosen(block: HTMLElement, lines: TextLine[]): LastLineFix | undefined {
  const [before, last] = lines as [TextLine, TextLine];
  // The last character of the line before that is not punctuation: it moves down, with
  // whatever punctuation follows it (that may not start a line anyway).
  let index = before.chars.length - 1;
  while (index >= 0 && contentChars(before.chars[index]!.char).length === 0) index--;
  if (index < 0) return undefined;
  const moved = before.chars.slice(index).map((c) => c.char).join('');
  // One character and at most one punctuation mark: more would open the line too wide.
  if ([...moved].length > 2) return undefined;
  const doc = block.ownerDocument;
  const saved = [...block.childNodes].map((node) => node.cloneNode(true));
  const height = block.getBoundingClientRect().height;
  const start = before.chars[index]!;
  const end = last.chars[last.chars.length - 1]!;
  const range = doc.createRange();
  range.setStart(start.node, start.offset);
  range.setEnd(end.node, end.offset + end.char.length);
  const span = doc.createElement('span');
  span.className = 'nobreak';
  span.append(range.extractContents());
  range.insertNode(span);
  if (!hasLoneLastLine(block).lone && Math.abs(block.getBoundingClientRect().height - height) < 0.5) {
    return { fix: 'loosen', moved };
  }
  block.replaceChildren(...saved);
  return undefined;
}
