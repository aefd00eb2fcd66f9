import { describe, expect, it } from 'vitest';
import { findProtectedRanges } from '../../src/cjk/find-protected-ranges.js';

const spans = (text: string) => findProtectedRanges(text).map(([start, end]) => text.slice(start, end));

describe('protected ranges', () => {
  it('finds URLs up to Han, full-width punctuation or whitespace, without trailing stops', () => {
    expect(spans('访问https://example.com/a,b?c=1。')).toEqual(['https://example.com/a,b?c=1']);
    expect(spans('见www.example.com,谢谢')).toEqual(['www.example.com']);
    expect(spans('see (https://a.org/x).')).toEqual(['https://a.org/x']);
  });

  it('takes the spaces around an address with it', () => {
    expect(spans('访问 https://a.org 了解')).toEqual([' https://a.org ']);
  });

  it('finds e-mail addresses', () => {
    expect(spans('来信a.b+c@example.com.cn联系')).toEqual(['a.b+c@example.com.cn']);
  });

  it('finds nothing in plain copy', () => {
    expect(findProtectedRanges('时间:3:00,共1,000人')).toEqual([]);
  });
});
