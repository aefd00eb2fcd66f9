import { describe, expect, it } from 'vitest';
import {
  CLOSING_BRACKETS,
  INSEPARABLE_PAIRS,
  LINE_END_PROHIBITED,
  LINE_START_PROHIBITED,
  OPENING_BRACKETS,
  isCjk,
  isHan,
  isLatinOrDigit,
  isLineEndProhibited,
  isLineStartProhibited,
} from '../../src/cjk/char-classes.js';

describe('char classes', () => {
  it('knows Han, including extension B and 〇', () => {
    expect(['中', '〇', '𠀀', '々'].every(isHan)).toBe(true);
    expect(['a', '1', '，', 'あ', undefined].some(isHan)).toBe(false);
  });

  it('counts kana and full-width punctuation as Chinese context, not Latin', () => {
    expect(['中', '，', '“', '）', '—', '…', 'あ', 'ア'].every(isCjk)).toBe(true);
    expect(['a', '1', ',', ' ', '\n', undefined].some(isCjk)).toBe(false);
    expect(['a', 'Z', '7', 'é', 'β', 'Ж'].every(isLatinOrDigit)).toBe(true);
    expect(['中', '，', '%', ' '].some(isLatinOrDigit)).toBe(false);
  });

  it('holds the clreq line-start and line-end sets', () => {
    for (const char of '、，。；：！？）》」』】〕”’·～') expect(isLineStartProhibited(char), char).toBe(true);
    for (const char of '（《「『【〔“‘') expect(isLineEndProhibited(char), char).toBe(true);
    for (const char of CLOSING_BRACKETS) expect(LINE_START_PROHIBITED).toContain(char);
    expect(LINE_END_PROHIBITED).toBe(OPENING_BRACKETS);
    expect(isLineStartProhibited('中')).toBe(false);
    expect(isLineStartProhibited('，。')).toBe(false);
    expect(INSEPARABLE_PAIRS).toEqual(['——', '……']);
  });
});
