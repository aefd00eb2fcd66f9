import type { CjkEdit } from '../cjk-change.js';
import { charAfter, charBefore } from '../scan-text.js';

type Kind = '"' | "'";
interface OpenQuote {
  kind: Kind;
  glyph: '“' | '‘';
  /** Typed curly by the author rather than converted here. */
  curly: boolean;
}

const CURLY_CLOSE: Record<Kind, string> = { '"': '”', "'": '’' };
const QUOTES = `"'“”‘’`;
const isWordChar = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}]/u.test(char) && !/\p{Script=Han}/u.test(char);

/**
 * Straight quotes in Chinese copy become curly ones, paired left to right. The glyph follows
 * the nesting depth, not the key that was typed: outer quotes are “”, inner ones ‘’ (GB/T
 * 15834). A `"` closes the nearest open `"`; a `'` the nearest open `'`. Inside a quote the
 * author opened with a curly “, a `"` opens a nested quote when another `"` follows before
 * the curly ” does, and closes the “ otherwise. A `'` inside a word (don't) or after one
 * with nothing open (students') is an apostrophe and stays.
 */
export function curlyQuotes(text: string): CjkEdit[] {
  const edits: CjkEdit[] = [];
  const open: OpenQuote[] = [];
  const depthGlyph = (): '“' | '‘' => (open.length % 2 === 0 ? '“' : '‘');
  const close = (index: number) => {
    const glyph = (open[index] as OpenQuote).glyph;
    open.length = index;
    return glyph === '“' ? '”' : '’';
  };
  const edit = (index: number, to: string) =>
    edits.push({
      start: index,
      end: index + 1,
      to,
      ruleId: 'curly-quotes',
      reason: `Unexpected straight quote \`${text[index]}\` in Chinese text, expected \`${to}\``,
    });
  const straight = (i: number, kind: Kind) => {
    const typed = lastIndex(open, (quote) => quote.kind === kind && !quote.curly);
    const curly = lastIndex(open, (quote) => quote.kind === kind && quote.curly);
    if (typed >= 0 && typed > curly) return edit(i, close(typed));
    if (curly >= 0 && !opensNested(text, i, kind)) return edit(i, close(curly));
    if (typed >= 0) return edit(i, close(typed));
    const glyph = depthGlyph();
    open.push({ kind, glyph, curly: false });
    edit(i, glyph);
  };

  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (!QUOTES.includes(char)) continue;
    const wordBefore = isWordChar(charBefore(text, i));
    const wordAfter = isWordChar(charAfter(text, i + 1));
    if (char === '“' || char === '‘') open.push({ kind: char === '“' ? '"' : "'", glyph: char, curly: true });
    else if (char === '”' || (char === '’' && !(wordBefore && wordAfter))) {
      const kind: Kind = char === '”' ? '"' : "'";
      const index = lastIndex(open, (quote) => quote.kind === kind);
      if (index >= 0) close(index);
    } else if (char === '"') straight(i, '"');
    else if (char === "'" && !(wordBefore && wordAfter)) {
      const anyOpen = open.some((quote) => quote.kind === "'");
      if (anyOpen || !wordBefore) straight(i, "'");
    }
  }
  return edits;
}

/** Inside a curly quote: does another straight quote of this kind come before its closer? */
function opensNested(text: string, index: number, kind: Kind): boolean {
  const next = text.indexOf(kind, index + 1);
  const closer = text.indexOf(CURLY_CLOSE[kind], index + 1);
  return next >= 0 && (closer < 0 || next < closer);
}

// Array#findLastIndex is ES2023; the project targets ES2022.
function lastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i] as T)) return i;
  return -1;
}
