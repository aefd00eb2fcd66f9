import type { CjkEdit } from '../cjk-change.js';
import { isHan, isLatinOrDigit } from '../char-classes.js';
import { charAfter, charBefore } from '../scan-text.js';

const SPACES = /[ \t]+/g;

/**
 * Typed spaces between Han and Latin letters or digits go: the page's `text-autospace`
 * adds that spacing, so a typed space would double it.
 */
export function hanLatinSpace(text: string): CjkEdit[] {
  const edits: CjkEdit[] = [];
  for (const match of text.matchAll(SPACES)) {
    const end = match.index + match[0].length;
    const before = charBefore(text, match.index);
    const after = charAfter(text, end);
    if ((isHan(before) && isLatinOrDigit(after)) || (isLatinOrDigit(before) && isHan(after))) {
      edits.push({
        start: match.index,
        end,
        to: '',
        ruleId: 'han-latin-space',
        reason: `Unexpected space between \`${before}\` and \`${after}\`, expected none (text-autospace adds the spacing)`,
      });
    }
  }
  return edits;
}
