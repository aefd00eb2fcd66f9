import { describe, expect, it } from 'vitest';
import { curlyQuotes } from '../../../src/cjk/rules/curly-quotes.js';

const convert = (text: string) => {
  let out = text;
  for (const edit of curlyQuotes(text)) out = out.slice(0, edit.start) + edit.to + out.slice(edit.end);
  return out;
};

describe('curly quotes', () => {
  it('nests by depth: outer double, inner single', () => {
    expect(convert('"一\'二“三”二\'一"')).toBe('“一‘二“三”二’一”');
    expect(convert('"一\'二\'一"')).toBe('“一‘二’一”');
  });

  it('keeps apostrophes inside and after words', () => {
    expect(curlyQuotes("他说it's the students' turn")).toEqual([]);
  });

  it('opens a quote that is never closed', () => {
    expect(convert('他说"你好')).toBe('他说“你好');
  });

  it('pairs with curly quotes already typed', () => {
    expect(convert('“甲”"乙"')).toBe('“甲”“乙”');
    expect(convert('‘甲\'')).toBe('‘甲’');
  });

  it('explains itself', () => {
    expect(curlyQuotes('说"好"')[0]?.reason).toBe('Unexpected straight quote `"` in Chinese text, expected `“`');
  });
});
