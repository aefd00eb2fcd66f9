/** Code-point aware neighbours of a UTF-16 index (Han extension B and beyond are surrogate pairs). */

/** The character that ends at `index`, or undefined at the start. */
export function charBefore(text: string, index: number): string | undefined {
  if (index <= 0) return undefined;
  const low = text.charCodeAt(index - 1);
  const start = low >= 0xdc00 && low <= 0xdfff && index >= 2 ? index - 2 : index - 1;
  return String.fromCodePoint(text.codePointAt(start) ?? low);
}

/** The character that starts at `index`, or undefined at the end. */
export function charAfter(text: string, index: number): string | undefined {
  if (index >= text.length) return undefined;
  return String.fromCodePoint(text.codePointAt(index) ?? 0);
}

const SPACE = /[ \t]/;
const SPACE_OR_NEWLINE = /[ \t\n]/;

/** Index where the run of spaces and tabs (and newlines, if asked) ending at `index` starts. */
export function skipSpacesBack(text: string, index: number, newlines = false): number {
  const space = newlines ? SPACE_OR_NEWLINE : SPACE;
  let i = index;
  while (i > 0 && space.test(text[i - 1] ?? '')) i--;
  return i;
}

/** Index where the run of spaces and tabs (and newlines, if asked) starting at `index` ends. */
export function skipSpacesForward(text: string, index: number, newlines = false): number {
  const space = newlines ? SPACE_OR_NEWLINE : SPACE;
  let i = index;
  while (i < text.length && space.test(text[i] ?? '')) i++;
  return i;
}
