import { INSEPARABLE_PAIRS, isLineEndProhibited, isLineStartProhibited } from '../../cjk/index.js';

/**
 * The clreq line rules as pure checks on the text of two neighbouring lines. The browser
 * finds the lines; these decide what is wrong with them, so they are tested without one.
 */

export type LineRule = 'line-start' | 'line-end' | 'split-pair';

export interface LineBreakProblem {
  rule: LineRule;
  /** The character (or pair) at fault. */
  char: string;
  message: string;
}

const SPACE = /\s/u;

/** A line's first visible character (collapsed spaces are not part of the line). */
export function firstChar(line: string): string | undefined {
  for (const char of line) if (!SPACE.test(char)) return char;
  return undefined;
}

export function lastChar(line: string): string | undefined {
  const chars = [...line];
  for (let i = chars.length - 1; i >= 0; i--) if (!SPACE.test(chars[i]!)) return chars[i];
  return undefined;
}

/**
 * What is wrong with breaking between `before` (the line that ends) and `after` (the line
 * that starts): a prohibited character at the end or the start, or a `——`/`……` cut in two.
 */
export function checkLineBreak(before: string, after: string): LineBreakProblem[] {
  const problems: LineBreakProblem[] = [];
  const end = lastChar(before);
  const start = firstChar(after);
  const pair = INSEPARABLE_PAIRS.find((p) => end === p[0] && start === p[1]);
  if (pair) {
    problems.push({ rule: 'split-pair', char: pair, message: `\`${pair}\` is split across two lines, expected it on one line` });
    return problems;
  }
  if (start !== undefined && isLineStartProhibited(start)) {
    problems.push({ rule: 'line-start', char: start, message: `Unexpected \`${start}\` at the start of a line` });
  }
  if (end !== undefined && isLineEndProhibited(end)) {
    problems.push({ rule: 'line-end', char: end, message: `Unexpected \`${end}\` at the end of a line` });
  }
  return problems;
}

// Punctuation, symbols (`～` is a math symbol) and spaces do not count as characters of a line.
const NOT_CONTENT = /[\p{P}\p{S}\p{Z}\s]/u;

/** The characters of a line that are not punctuation or space: `业。”` has one. */
export function contentChars(line: string): string[] {
  return [...line].filter((char) => !NOT_CONTENT.test(char));
}

/**
 * A last line holding a single character (plus punctuation): `业。`. A Latin word or a
 * number of two digits or more is not one character.
 */
export function isSingleCharLine(line: string): boolean {
  return contentChars(line).length === 1;
}
