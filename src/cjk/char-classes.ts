/**
 * Character classes from W3C clreq (Requirements for Chinese Text Layout), shared by the
 * remark plugin and the in-browser typography audit. Keep this file free of Node imports:
 * esbuild bundles it for the browser.
 */

/** One Han character (CJK ideographs of every extension, 〇 and 々 included). */
export const HAN_PATTERN = /\p{Script=Han}/u;

/** Closing brackets and quotes: never at the start of a line. */
export const CLOSING_BRACKETS = '）》」』】〕〗〙〛〉］｝”’';

/** Opening brackets and quotes: never at the end of a line. */
export const OPENING_BRACKETS = '（《「『【〔〖〘〚〈［｛“‘';

/** clreq: no line starts with these (stops, pauses, closing brackets, interpuncts, tilde). */
export const LINE_START_PROHIBITED = `、，。；：！？·～${CLOSING_BRACKETS}`;

/** clreq: no line ends with these. */
export const LINE_END_PROHIBITED = OPENING_BRACKETS;

/** Two-character marks that must never be split across lines. */
export const INSEPARABLE_PAIRS = ['——', '……'] as const;

/** Full-width punctuation used in Chinese copy (stops, pauses, brackets, quotes, dash, ellipsis). */
export const CJK_PUNCTUATION = `、，。．；：！？…—～·${OPENING_BRACKETS}${CLOSING_BRACKETS}`;

/** Half-width punctuation and the full-width form Chinese copy expects. */
export const FULLWIDTH_PUNCTUATION: Readonly<Record<string, string>> = {
  ',': '，',
  ':': '：',
  ';': '；',
  '?': '？',
  '!': '！',
  '(': '（',
  ')': '）',
};

const LATIN_OR_DIGIT = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}0-9]/u;
const CJK_BLOCKS = /[\u3000-\u303F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65\p{Script=Hiragana}\p{Script=Katakana}]/u;

export function isHan(char: string | undefined): boolean {
  return char !== undefined && HAN_PATTERN.test(char);
}

/** Letters of alphabetic scripts and ASCII digits: what text-autospace separates from Han. */
export function isLatinOrDigit(char: string | undefined): boolean {
  return char !== undefined && LATIN_OR_DIGIT.test(char);
}

/** Han, kana or full-width punctuation: a neighbour that makes nearby punctuation Chinese. */
export function isCjk(char: string | undefined): boolean {
  return char !== undefined && (HAN_PATTERN.test(char) || CJK_PUNCTUATION.includes(char) || CJK_BLOCKS.test(char));
}

export function isLineStartProhibited(char: string): boolean {
  return char.length === 1 && LINE_START_PROHIBITED.includes(char);
}

export function isLineEndProhibited(char: string): boolean {
  return char.length === 1 && LINE_END_PROHIBITED.includes(char);
}
