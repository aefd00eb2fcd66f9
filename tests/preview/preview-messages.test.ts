import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { codeFrame, displayPath, previewMessages } from '../../src/server/preview-messages.js';

describe('codeFrame', () => {
  it('shows the lines around the fault with a caret under the column', () => {
    const text = ['paper: 萧山日报', 'date: 2026-11-26', 'format: newsprint', 'pages:', '  - id: A1'].join('\n');
    expect(codeFrame(text, 3, 9)).toBe(
      ['  1 | paper: 萧山日报', '  2 | date: 2026-11-26', '> 3 | format: newsprint', '    |         ^', '  4 | pages:', '  5 |   - id: A1'].join('\n'),
    );
  });

  it('gives nothing without a line or past the end', () => {
    expect(codeFrame('a\nb', null, null)).toBeUndefined();
    expect(codeFrame('a\nb', 9, 1)).toBeUndefined();
  });
});

describe('displayPath', () => {
  it('is relative inside the working folder and absolute outside it', () => {
    expect(displayPath('/work/main/articles/x/edition.yaml', '/work/main')).toBe('articles/x/edition.yaml');
    expect(displayPath('/tmp/x/edition.yaml', '/work/main')).toBe('/tmp/x/edition.yaml');
  });
});

describe('previewMessages', () => {
  it('keeps file, line, column, severity and rule of every vfile message', () => {
    const file = new VFile({ path: '/work/main/articles/x/a.md', value: '---\ntitle: x\n---\n正文,正文\n' });
    file.message('Unexpected half-width `,`', { place: { line: 4, column: 3 }, ruleId: 'cjk-punctuation' });
    const fatal = file.message('Broken', { ruleId: 'schema' });
    fatal.fatal = true;
    const [warning, error] = previewMessages([file], '/work/main');
    expect(warning).toMatchObject({ severity: 'warning', file: 'articles/x/a.md', line: 4, column: 3, ruleId: 'cjk-punctuation' });
    expect(warning!.frame).toContain('> 4 | 正文,正文');
    expect(error).toMatchObject({ severity: 'error', line: null, frame: undefined });
  });
});
