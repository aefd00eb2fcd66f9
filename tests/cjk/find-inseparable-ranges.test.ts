import { describe, expect, it } from 'vitest';
import { findInseparableRanges } from '../../src/cjk/find-inseparable-ranges.js';

describe('inseparable ranges', () => {
  it('finds each —— and …… run', () => {
    const text = '突破进阶——我们这么干……好————长';
    const ranges = findInseparableRanges(text);
    expect(ranges.map(({ start, end }) => text.slice(start, end))).toEqual(['——', '……', '————']);
    expect(ranges[0]).toEqual({ start: 4, end: 6 });
  });

  it('ignores single marks', () => {
    expect(findInseparableRanges('a—b…c')).toEqual([]);
  });
});
