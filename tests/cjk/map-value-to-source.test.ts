import { describe, expect, it } from 'vitest';
import { mapValueToSource } from '../../src/cjk/map-value-to-source.js';

describe('map value to source', () => {
  it('is the identity when value and source agree', () => {
    expect(mapValueToSource('中,文', '中,文')).toEqual([0, 1, 2, 3]);
  });

  it('steps over escapes and entities', () => {
    // value `a,&b` from source `a\,&amp;b`
    expect(mapValueToSource('a,&b', 'a\\,&amp;b')).toEqual([0, 1, 3, 8, 9]);
    expect(mapValueToSource('—,', '&mdash;,')).toEqual([0, 7, 8]);
  });

  it('skips container prefixes on continuation lines', () => {
    const map = mapValueToSource('甲\n乙,', '甲\n> 乙,');
    expect(map[3]).toBe(5);
  });

  it('never throws or leaves the source when it cannot align', () => {
    const map = mapValueToSource('abc', 'x');
    expect(map).toHaveLength(4);
    expect(map.every((offset) => offset >= 0 && offset <= 1)).toBe(true);
  });
});
