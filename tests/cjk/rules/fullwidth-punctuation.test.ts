import { describe, expect, it } from 'vitest';
import { fullwidthPunctuation } from '../../../src/cjk/rules/fullwidth-punctuation.js';

describe('fullwidth punctuation', () => {
  it('proposes the mark and the spaces beside it as separate edits', () => {
    expect(fullwidthPunctuation('中文 , 中文')).toEqual([
      expect.objectContaining({ start: 3, end: 4, to: '，', ruleId: 'fullwidth-punctuation' }),
      expect.objectContaining({ start: 2, end: 3, to: '', ruleId: 'punctuation-space' }),
      expect.objectContaining({ start: 4, end: 5, to: '', ruleId: 'punctuation-space' }),
    ]);
  });

  it('says between or beside', () => {
    expect(fullwidthPunctuation('中文,中文')[0]?.reason).toContain('between Han characters');
    expect(fullwidthPunctuation('AI,中文')[0]?.reason).toBe('Unexpected half-width `,` beside Chinese text, expected `，`');
    expect(fullwidthPunctuation('AI(人工智能)')[0]?.reason).toBe('Unexpected half-width `(` around Chinese text, expected `（`');
  });

  it('looks through a soft line break, not through inline code', () => {
    expect(fullwidthPunctuation('中文\n(AI)').map((edit) => edit.to)).toEqual(['（', '）']);
    expect(fullwidthPunctuation('中文\n,AI').map((edit) => edit.to)).toEqual(['，']);
    expect(fullwidthPunctuation('中文\uFFFC(AI)')).toEqual([]);
  });

  it('leaves unmatched brackets alone', () => {
    expect(fullwidthPunctuation('1)第一')).toEqual([]);
  });
});
