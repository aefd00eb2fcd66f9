import type { CjkEdit } from '../cjk-change.js';

const FULLWIDTH_ALPHANUMERIC = /[Ａ-Ｚａ-ｚ０-９]+/g;

/** Full-width Latin letters and digits (Ａ, ９) become ASCII; full-width punctuation stays. */
export function halfwidthAlphanumeric(text: string): CjkEdit[] {
  return [...text.matchAll(FULLWIDTH_ALPHANUMERIC)].map((match) => {
    const to = match[0].replace(/./g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0));
    return {
      start: match.index,
      end: match.index + match[0].length,
      to,
      ruleId: 'halfwidth-alphanumeric',
      reason: `Unexpected full-width \`${match[0]}\`, expected \`${to}\``,
    };
  });
}
