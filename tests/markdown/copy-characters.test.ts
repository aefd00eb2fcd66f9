import { describe, expect, it } from 'vitest';
import { applyCopyRule, findCopyCharacters } from '../../src/markdown/copy-characters.js';

// Built at run time: the `v` flag is newer than the TypeScript target.
const RGI_EMOJI = new RegExp(String.raw`^\p{RGI_Emoji}$`, 'v');

describe('copy characters', () => {
  it('finds every single-code-point RGI emoji, in running text too', () => {
    let checked = 0;
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const emoji = String.fromCodePoint(cp);
      if (!RGI_EMOJI.test(emoji)) continue;
      checked++;
      expect(findCopyCharacters(`报道${emoji}记者`), `U+${cp.toString(16).toUpperCase()}`).toEqual([{ index: 2, text: emoji, kind: 'emoji' }]);
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('finds emoji sequences whole: keycap, flag, skin tone, ZWJ family, tag flag, presentation mark', () => {
    for (const emoji of ['1\uFE0F\u20E3', '🇨🇳', '👍🏽', '👨‍👩‍👧', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '©\uFE0F']) {
      expect(RGI_EMOJI.test(emoji), emoji).toBe(true);
      expect(findCopyCharacters(`村BA${emoji}。`), emoji).toEqual([{ index: 3, text: emoji, kind: 'emoji' }]);
      expect(applyCopyRule(`村BA${emoji}。`, { emoji: 'replace', control: 'remove', bidi: 'remove', replacement: '〓' })).toBe('村BA〓。');
    }
  });

  it('finds controls and bidi marks, and leaves copy without any as it is', () => {
    expect(findCopyCharacters('a\u0007b\u200Bc\u202Ed').map((c) => c.kind)).toEqual(['control', 'control', 'bidi']);
    const copy = '萧山日报：“村BA”篮球联赛落幕，2026年11月26日——记者报道……\t\n';
    expect(findCopyCharacters(copy)).toEqual([]);
    expect(applyCopyRule(copy)).toBe(copy);
  });
});
