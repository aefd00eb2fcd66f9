import { describe, expect, it } from 'vitest';
import { dashEllipsis } from '../../../src/cjk/rules/dash-ellipsis.js';

const found = (text: string) => dashEllipsis(text).map((edit) => [text.slice(edit.start, edit.end), edit.to, edit.ruleId]);

describe('dash and ellipsis', () => {
  it('converts typed variants next to Chinese', () => {
    expect(found('甲--乙')).toEqual([['--', '——', 'em-dash']]);
    expect(found('甲―乙')).toEqual([['―', '——', 'em-dash']]);
    expect(found('甲。。。。。。')).toEqual([['。。。。。。', '……', 'ellipsis']]);
    expect(found('(...)中')).toEqual([]);
    expect(found('...中')).toEqual([['...', '……', 'ellipsis']]);
  });

  it('leaves Latin uses and correct marks', () => {
    expect(found('a--b a—b wait... 1…2 ——……')).toEqual([]);
    expect(found('使用--help')).toEqual([]);
  });

  it('explains itself', () => {
    expect(dashEllipsis('甲--乙')[0]?.reason).toBe('Unexpected `--` as a dash in Chinese text, expected `——`');
  });
});
