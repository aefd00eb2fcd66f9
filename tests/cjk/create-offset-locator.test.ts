import { describe, expect, it } from 'vitest';
import { createOffsetLocator } from '../../src/cjk/create-offset-locator.js';

describe('offset locator', () => {
  const locate = createOffsetLocator('ab\n中文,\n\nx');

  it('gives 1-based line and column', () => {
    expect(locate(0)).toEqual({ line: 1, column: 1, offset: 0 });
    expect(locate(5)).toEqual({ line: 2, column: 3, offset: 5 });
    expect(locate(8)).toEqual({ line: 4, column: 1, offset: 8 });
  });

  it('counts columns from an anchor on the same line', () => {
    // The parser counts a tab as up to four columns; an anchor carries that over.
    expect(locate(5, { line: 2, column: 6, offset: 3 })).toEqual({ line: 2, column: 8, offset: 5 });
    expect(locate(8, { line: 2, column: 6, offset: 3 })).toEqual({ line: 4, column: 1, offset: 8 });
  });

  it('clamps offsets outside the source', () => {
    expect(locate(99).offset).toBe(9);
    expect(locate(-1).offset).toBe(0);
  });
});
