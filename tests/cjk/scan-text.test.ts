import { describe, expect, it } from 'vitest';
import { charAfter, charBefore, skipSpacesBack, skipSpacesForward } from '../../src/cjk/scan-text.js';

describe('scan text', () => {
  it('reads whole code points on either side of an index', () => {
    const text = 'a𠀀b';
    expect(charBefore(text, 3)).toBe('𠀀');
    expect(charAfter(text, 1)).toBe('𠀀');
    expect(charBefore(text, 0)).toBeUndefined();
    expect(charAfter(text, text.length)).toBeUndefined();
  });

  it('skips spaces and tabs but not newlines', () => {
    expect(skipSpacesBack('中 \t,', 3)).toBe(1);
    expect(skipSpacesForward(', \t中', 1)).toBe(3);
    expect(skipSpacesForward(',\n中', 1)).toBe(1);
  });
});
