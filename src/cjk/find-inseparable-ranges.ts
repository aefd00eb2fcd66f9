/**
 * Where `——` and `……` sit, so the HTML stage can keep each one on a single line.
 *
 * Why ranges and not U+2060 WORD JOINER between the two halves: the Noto Serif SC subsets we
 * ship (@fontsource) list U+2060 in a unicode-range but have no glyph for it, so its
 * rendering would rest on each engine's handling of default-ignorable characters; and a
 * joiner in the text would also surface in the PDF's extracted text, which the build
 * compares against the source. Wrapping each range in `<span class="nobreak">`
 * (`white-space: nowrap`) keeps the text exactly as typed.
 */

export interface InseparableRange {
  start: number;
  end: number;
}

// Runs, not pairs: `————` (a long dash) must not split in its middle either.
const INSEPARABLE = /(?:——)+|(?:……)+/g;

export function findInseparableRanges(text: string): InseparableRange[] {
  return [...text.matchAll(INSEPARABLE)].map((match) => ({ start: match.index, end: match.index + match[0].length }));
}
