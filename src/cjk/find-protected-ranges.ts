import { skipSpacesBack, skipSpacesForward } from './scan-text.js';

/**
 * Spans of copy that no rule may change: URLs and e-mail addresses typed as plain text,
 * with the spaces around them (they mark where the address ends).
 */

// A URL runs until whitespace, Han or full-width punctuation; trailing ASCII punctuation is
// the sentence's, not the URL's (as in GFM's autolink literals). No word boundary before
// the scheme: `２http://` becomes `2http://` on the way, and must stay protected.
const URL = /(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF\uFFFC“”‘’<>]*/giu;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const TRAILING = /[.,:;!?'")\]]+$/;

export function findProtectedRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const pattern of [URL, EMAIL]) {
    for (const match of text.matchAll(pattern)) {
      const end = match.index + match[0].replace(TRAILING, '').length;
      if (end > match.index) ranges.push([skipSpacesBack(text, match.index), skipSpacesForward(text, end)]);
    }
  }
  return ranges;
}
