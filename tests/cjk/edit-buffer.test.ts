import { describe, expect, it } from 'vitest';
import type { CjkEdit } from '../../src/cjk/cjk-change.js';
import { createEditBuffer } from '../../src/cjk/edit-buffer.js';

const edit = (start: number, end: number, to: string): CjkEdit => ({ start, end, to, ruleId: 'em-dash', reason: 'r' });

describe('edit buffer', () => {
  it('reports later edits in the coordinates of the original text', () => {
    const buffer = createEditBuffer('a--b c...d', []);
    buffer.apply([edit(1, 3, '—')]); // 'a—b c...d'
    buffer.apply([edit(5, 8, '…')]); // 'a—b c…d'
    expect(buffer.text).toBe('a—b c…d');
    expect(buffer.changes()).toMatchObject([
      { offset: 1, length: 2, from: '--', to: '—' },
      { offset: 6, length: 3, from: '...', to: '…' },
    ]);
  });

  it('drops edits that touch locked text or overlap an earlier edit', () => {
    const buffer = createEditBuffer('abcdef', [[0, 2]]);
    buffer.apply([edit(1, 3, 'X'), edit(3, 5, 'Y'), edit(4, 6, 'Z')]);
    expect(buffer.text).toBe('abcYf');
    expect(buffer.changes()).toHaveLength(1);
  });

  it('ignores edits that change nothing', () => {
    const buffer = createEditBuffer('abc', []);
    buffer.apply([edit(0, 1, 'a')]);
    expect(buffer.changes()).toEqual([]);
  });
});
