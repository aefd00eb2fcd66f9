import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Write a throwaway edition folder: `files` maps relative paths to contents. */
export function writeEdition(files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'pw-fixture-')), 'edition');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export function article(title: string, paragraphs: string[]): string {
  return `---\ntitle: ${title}\n---\n\n${paragraphs.join('\n\n')}\n`;
}

const HAN = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥';

/** A paragraph that sets as exactly one line of a 13-character column: 2 em indent + 11 characters. */
export function oneLineParagraph(n: number): string {
  return `第${String(n).padStart(2, '0')}行${HAN.slice(0, 7)}`;
}

/** Distinct sentences, each tagged with its number so order and duplicates can be checked. */
export function numberedSentences(count: number, from = 1): string[] {
  return Array.from({ length: count }, (_, i) => `第${from + i}句${HAN.slice(i % 10, (i % 10) + 9)}。`);
}

// A small two-page edition, one story per page, so each build takes seconds.
export const TWO_PAGE_EDITION: Record<string, string> = {
  'edition.yaml': `paper: 测试日报
date: 2026-11-26
pages:
  - id: A1
    template: news
    section: 要闻
    stories:
      - file: one.md
        box: {col: 1, cols: 4, row: 1, rows: 30}
  - id: A2
    template: news
    section: 综合
    stories:
      - file: two.md
        box: {col: 1, cols: 4, row: 1, rows: 30}
`,
  'one.md': article('第一篇稿件', [numberedSentences(12).join(''), numberedSentences(12, 13).join('')]),
  'two.md': article('第二篇稿件', [numberedSentences(12, 100).join(''), numberedSentences(12, 200).join('')]),
};
