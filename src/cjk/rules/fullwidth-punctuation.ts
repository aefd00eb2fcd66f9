import type { CjkEdit } from '../cjk-change.js';
import { FULLWIDTH_PUNCTUATION, HAN_PATTERN, isCjk, isHan } from '../char-classes.js';
import { charAfter, charBefore, skipSpacesBack, skipSpacesForward } from '../scan-text.js';

const STOPS = ',:;?!';

/**
 * Half-width `, : ; ? ! ( )` in Chinese copy become full-width. A stop converts when the
 * nearest character on either side (spaces skipped) is Chinese, so `1,000`, `3:00` and
 * `a, b` stay. A bracket pair converts when it holds Han (`AI(人工智能)`) or when Chinese
 * sits outside it and nothing Latin is attached (`中文(AI)中文`, but not `f(x)`).
 * Spaces typed beside the new full-width mark go too: the mark carries its own space.
 */
export function fullwidthPunctuation(text: string): CjkEdit[] {
  const converted = new Map<number, string>();
  // A soft line break inside a paragraph is a space to the reader: look through it.
  const left = (i: number) => {
    const j = skipSpacesBack(text, i, true);
    return converted.get(j - 1) ?? charBefore(text, j);
  };
  const right = (i: number) => {
    const j = skipSpacesForward(text, i + 1, true);
    return converted.get(j) ?? charAfter(text, j);
  };

  const reasons = new Map<number, string>();
  const pairs = bracketPairs(text);
  // A conversion makes its neighbour Chinese (`?,中`): repeat until nothing more converts.
  for (let size = -1; size !== converted.size; ) {
    size = converted.size;
    for (const [open, close] of pairs) {
      if (converted.has(open)) continue;
      const outsideLeft = left(open);
      const outsideRight = right(close);
      const chineseOutside = sideAllows(outsideLeft) && sideAllows(outsideRight) && (isCjk(outsideLeft) || isCjk(outsideRight));
      if (HAN_PATTERN.test(text.slice(open + 1, close)) || chineseOutside) {
        converted.set(open, '（');
        converted.set(close, '）');
      }
    }
    for (let i = 0; i < text.length; i++) {
      const char = text[i] as string;
      if (!STOPS.includes(char) || converted.has(i)) continue;
      const before = left(i);
      const after = right(i);
      if (!isCjk(before) && !isCjk(after)) continue;
      const to = FULLWIDTH_PUNCTUATION[char] as string;
      converted.set(i, to);
      const where = isHan(before) && isHan(after) ? 'between Han characters' : 'beside Chinese text';
      reasons.set(i, `Unexpected half-width \`${char}\` ${where}, expected \`${to}\``);
    }
  }
  return [...converted].flatMap(([index, to]) => [
    {
      start: index,
      end: index + 1,
      to,
      ruleId: 'fullwidth-punctuation' as const,
      reason: reasons.get(index) ?? `Unexpected half-width \`${text[index]}\` around Chinese text, expected \`${to}\``,
    },
    ...spacesBeside(text, index, to),
  ]);
}

/** Matched `(` `)` pairs, innermost first. */
function bracketPairs(text: string): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') stack.push(i);
    else if (text[i] === ')' && stack.length > 0) pairs.push([stack.pop() as number, i]);
  }
  return pairs;
}

/** Outside a bracket pair: Chinese, or the edge of the paragraph. */
function sideAllows(char: string | undefined): boolean {
  return char === undefined || isCjk(char);
}

function spacesBeside(text: string, index: number, mark: string): CjkEdit[] {
  const runs: Array<[number, number]> = [
    [skipSpacesBack(text, index), index],
    [index + 1, skipSpacesForward(text, index + 1)],
  ];
  return runs
    .filter(([start, end]) => end > start)
    .map(([start, end]) => ({
      start,
      end,
      to: '',
      ruleId: 'punctuation-space' as const,
      reason: `Unexpected space beside full-width \`${mark}\`, expected none`,
    }));
}
