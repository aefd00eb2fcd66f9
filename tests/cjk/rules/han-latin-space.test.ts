import { describe, expect, it } from 'vitest';
import { hanLatinSpace } from '../../../src/cjk/rules/han-latin-space.js';

describe('han latin space', () => {
  it('removes spaces and tabs between Han and Latin letters or digits', () => {
    expect(hanLatinSpace('使用 AI\t技术').map(({ start, end }) => [start, end])).toEqual([
      [2, 3],
      [5, 6],
    ]);
  });

  it('keeps other spaces: Han–Han, Latin–Latin, punctuation, line breaks', () => {
    expect(hanLatinSpace('周珂 摄 Neura Robotics 60% 的 中\nA')).toEqual([
      expect.objectContaining({ start: 4, end: 5 }),
    ]);
  });
});
