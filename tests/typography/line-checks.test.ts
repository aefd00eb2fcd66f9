import { describe, expect, it } from 'vitest';
import { LINE_END_PROHIBITED, LINE_START_PROHIBITED } from '../../src/cjk/index.js';
import { checkLineBreak, contentChars, firstChar, isSingleCharLine, lastChar } from '../../src/browser/typography/line-checks.js';

describe('line checks', () => {
  it('find every clreq line-start prohibition', () => {
    for (const char of LINE_START_PROHIBITED) {
      expect(checkLineBreak('中文中文', `${char}中文`)).toEqual([
        { rule: 'line-start', char, message: `Unexpected \`${char}\` at the start of a line` },
      ]);
    }
  });

  it('find every clreq line-end prohibition', () => {
    for (const char of LINE_END_PROHIBITED) {
      expect(checkLineBreak(`中文${char}`, '中文').map((p) => [p.rule, p.char])).toEqual([['line-end', char]]);
    }
  });

  it('find a split dash or ellipsis, once', () => {
    expect(checkLineBreak('中文—', '—中文').map((p) => [p.rule, p.char])).toEqual([['split-pair', '——']]);
    expect(checkLineBreak('中文…', '…中文').map((p) => [p.rule, p.char])).toEqual([['split-pair', '……']]);
  });

  it('accept a break before a dash, an ellipsis or an opening bracket, and after a closing one', () => {
    expect(checkLineBreak('中文', '——中文')).toEqual([]);
    expect(checkLineBreak('中文', '……中文')).toEqual([]);
    expect(checkLineBreak('中文）。', '（中文')).toEqual([]);
  });

  it('report both ends of one bad break', () => {
    expect(checkLineBreak('中文“', '，中文').map((p) => p.rule)).toEqual(['line-start', 'line-end']);
  });

  it('ignore spaces at the edges of a line', () => {
    expect(firstChar('  ，中')).toBe('，');
    expect(lastChar('中（ ')).toBe('（');
    expect(firstChar(' ')).toBeUndefined();
  });

  it('count a last line of one character plus punctuation as a lone character', () => {
    for (const line of ['业。', '业', '新”。', '1。', '“好”', '𠀀。']) expect(isSingleCharLine(line), line).toBe(true);
    for (const line of ['产业。', 'AI。', '12', '。”', '业～好', '']) expect(isSingleCharLine(line), line).toBe(false);
    expect(contentChars('大……多数')).toEqual(['大', '多', '数']);
  });
});
