import { describe, expect, it } from 'vitest';
import { halfwidthAlphanumeric } from '../../../src/cjk/rules/halfwidth-alphanumeric.js';

describe('halfwidth alphanumeric', () => {
  it('makes one edit per run', () => {
    expect(halfwidthAlphanumeric('第２０２５期ＡＩ')).toEqual([
      { start: 1, end: 5, to: '2025', ruleId: 'halfwidth-alphanumeric', reason: 'Unexpected full-width `２０２５`, expected `2025`' },
      { start: 6, end: 8, to: 'AI', ruleId: 'halfwidth-alphanumeric', reason: 'Unexpected full-width `ＡＩ`, expected `AI`' },
    ]);
  });

  it('leaves full-width punctuation', () => {
    expect(halfwidthAlphanumeric('，。％＋（）！')).toEqual([]);
  });
});
