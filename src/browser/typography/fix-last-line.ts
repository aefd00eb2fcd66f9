import { contentChars } from './line-checks.js';
import { endsWithLoneChar, readLastLines, type TextLine } from './read-lines.js';
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

const isContent = (char: string) => contentChars(char).length > 0;

/** The last line holds one character alone (see isSingleCharLine). */
function hasLoneLastLine(block: Element): boolean {
  return endsWithLoneChar(block, isContent, nested);
}

/**
 * Make sure `block` (laid out at its final width) does not end with a single character
 * alone on its last line. Returns undefined when it did not; else what was done.
 */
export function fixLastLine(block: HTMLElement): LastLineFix | undefined {
  return fixLastLines([block])[0];
}

/**
 * fixLastLine for many paragraphs at once, with the same answers: a paragraph's lines do not
 * depend on its neighbours, so each tightening step is set on every paragraph still looking
 * for one and read back in one layout, instead of one layout per paragraph and step.
 * Paragraphs nested in one another (a loose list item) inherit each other's letter-spacing:
 * those are fixed one by one, in document order.
 */
export function fixLastLines(blocks: HTMLElement[]): (LastLineFix | undefined)[] {
  const nestedWithOther = blocks.map((a) => blocks.some((b) => a !== b && (a.contains(b) || b.contains(a))));
  const alone = blocks.filter((_, i) => !nestedWithOther[i]);
  const together = fixLastLinesTogether(alone);
  let next = 0;
  return blocks.map((block, i) => (nestedWithOther[i] ? fixLastLinesTogether([block])[0] : together[next++]));
}

function fixLastLinesTogether(blocks: HTMLElement[]): (LastLineFix | undefined)[] {
  const fixes: (LastLineFix | undefined)[] = blocks.map(() => undefined);
  const lone = blocks.flatMap((block, i) =>
    hasLoneLastLine(block) ? [{ block, i, lines: lastTwo(block), original: block.style.letterSpacing, height: block.getBoundingClientRect().height }] : [],
  );
  let open = lone;
  for (let step = 1; open.length > 0 && step * STEP_EM <= MAX_TIGHTEN_EM + 1e-9; step++) {
    const amountEm = Math.round(step * STEP_EM * 100) / 100;
    // Relative to the story's tracking (typography.fit), which the paragraph inherits.
    for (const { block } of open) block.style.letterSpacing = `calc(var(--tracking, 0em) - ${amountEm}em)`;
    // The lone character went up and the paragraph is a line shorter, or (rarely) the last
    // line gained company without the paragraph growing.
    open = open.filter(({ block, i, height }) => {
      if (hasLoneLastLine(block) || block.getBoundingClientRect().height > height + 0.5) return true;
      fixes[i] = { fix: 'tighten', amountEm };
      return false;
    });
  }
  for (const { block, original } of open) block.style.letterSpacing = original;
  // Heights first, then every change, then every check: one layout for all of them.
  const heights = open.map(({ block }) => block.getBoundingClientRect().height);
  const tries = open.map(({ block, i, lines }) => ({ i, block, loosened: moveLastCharDown(block, lines) }));
  for (const [n, { i, block, loosened }] of tries.entries()) {
    if (loosened && !hasLoneLastLine(block) && Math.abs(block.getBoundingClientRect().height - heights[n]!) < 0.5) {
      fixes[i] = { fix: 'loosen', moved: loosened.moved };
      continue;
    }
    if (loosened) block.replaceChildren(...loosened.saved);
    fixes[i] = { fix: 'none' };
  }
  return fixes;
}

/**
 * The last character of the line before the last that is not punctuation moves down to the
 * last line, with whatever punctuation follows it (that may not start a line anyway), tied
 * with `.nobreak`. Returns the paragraph's children to undo it and what moved; undefined
 * when nothing may move.
 */
function moveLastCharDown(block: HTMLElement, lines: TextLine[]): { saved: Node[]; moved: string } | undefined {
  const [before, last] = lines as [TextLine, TextLine];
  let index = before.chars.length - 1;
  while (index >= 0 && contentChars(before.chars[index]!.char).length === 0) index--;
  if (index < 0) return undefined;
  const moved = before.chars.slice(index).map((c) => c.char).join('');
  // One character and at most one punctuation mark: more would open the line too wide.
  if ([...moved].length > 2) return undefined;
  const doc = block.ownerDocument;
  const saved = [...block.childNodes].map((node) => node.cloneNode(true));
  const start = before.chars[index]!;
  const end = last.chars[last.chars.length - 1]!;
  const range = doc.createRange();
  range.setStart(start.node, start.offset);
  range.setEnd(end.node, end.offset + end.char.length);
  const span = doc.createElement('span');
  span.className = 'nobreak';
  span.append(range.extractContents());
  range.insertNode(span);
  return { saved, moved };
}
