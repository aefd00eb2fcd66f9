import { describe, expect, it } from 'vitest';
import { headlineSizePt, headlineStyleSchema, mergeHeadlineStyles, ZIHAO_PT } from '../../src/edition/headline-style.js';
import { join } from 'node:path';
import { loadEdition } from '../../src/edition/load-edition.js';
import { prepareEdition } from '../../src/pipeline/prepare-edition.js';
import { messagesFromFiles } from '../../src/report/messages.js';
import { headlineStyleVars, verticalTitleParts } from '../../src/templates/headline-view.js';
import { writeEdition } from '../helpers/fixture-edition.js';

describe('headline sizes', () => {
  it('maps every 字号 name to its size in pt', () => {
    expect(ZIHAO_PT).toEqual({
      初号: 42,
      小初: 36,
      一号: 26,
      小一: 24,
      二号: 22,
      小二: 18,
      三号: 16,
      小三: 15,
      四号: 14,
      小四: 12,
      五号: 10.5,
      小五: 9,
    });
    for (const [name, pt] of Object.entries(ZIHAO_PT)) expect(headlineSizePt(name), name).toBe(pt);
  });

  it('takes a size in pt, and nothing else', () => {
    expect(headlineSizePt('26pt')).toBe(26);
    expect(headlineSizePt('10.5 pt')).toBe(10.5);
    expect(headlineSizePt('七号')).toBeUndefined();
    expect(headlineSizePt('26')).toBeUndefined();
    expect(headlineSizePt('26px')).toBeUndefined();
    expect(headlineSizePt('200pt')).toBeUndefined();
  });

  it('parses the whole style, with weights as CSS numbers', () => {
    expect(headlineStyleSchema.parse({ size: '一号', font: 'heading', weight: 'bold', color: 'red', align: 'center', lines: 2 })).toEqual({
      size: 26,
      font: 'heading',
      weight: 700,
      color: 'red',
      align: 'center',
      lines: 2,
    });
    expect(headlineStyleSchema.parse({ direction: 'vertical' })).toEqual({ direction: 'vertical' });
  });

  it('takes a font role by name; which roles exist is known once the house style is loaded', () => {
    expect(headlineStyleSchema.safeParse({ font: 'kai' }).success).toBe(true);
    expect(headlineStyleSchema.safeParse({ font: 'xiaobiaosong' }).success).toBe(true);
    expect(headlineStyleSchema.safeParse({ font: 'Comic Sans' }).success).toBe(false);
  });

  it('lets edition.yaml win field by field', () => {
    expect(mergeHeadlineStyles({ size: 26, color: 'red' }, { size: 36, lines: 1 })).toEqual({ size: 36, color: 'red', lines: 1 });
    expect(mergeHeadlineStyles(undefined, undefined)).toEqual({});
  });

  it('sets only the given fields as custom properties, palette colours and font roles by variable', () => {
    expect(headlineStyleVars({ size: 36, font: 'kai', weight: 700, color: 'red', align: 'left' })).toBe(
      '--head-size:36pt;--head-font:var(--font-kai, var(--font-heading));--head-weight:700;--head-color:var(--ink-red);--head-align:left',
    );
    expect(headlineStyleVars({})).toBe('');
  });

  it('splits a vertical title at its spaces and stands Latin and digits of up to 4 characters upright', () => {
    expect(verticalTitleParts('2026年再出发 AI赋能 GDP增长12.5% Huawei')).toEqual([
      [{ text: '2026', upright: true }, { text: '年再出发', upright: false }],
      [{ text: 'AI', upright: true }, { text: '赋能', upright: false }],
      [{ text: 'GDP', upright: true }, { text: '增长', upright: false }, { text: '12', upright: true }, { text: '.', upright: false }, { text: '5', upright: true }, { text: '%', upright: false }],
      [{ text: 'Huawei', upright: false }],
    ]);
  });
});

const PAGE = (stories: string) => `paper: 测试日报
date: 2026-11-26
pages:
  - id: A1
    template: news
    section: 要闻
    stories:
${stories}`;
const ARTICLE = (headline: string) => `---\ntitle: 标题\n${headline}---\n\n正文。\n`;

async function load(files: Record<string, string>) {
  const dir = writeEdition(files);
  const { edition, files: read } = await loadEdition(dir);
  return { edition, messages: messagesFromFiles(read, dir) };
}

describe('headline: in front matter and edition.yaml', () => {
  it('merges the two, edition.yaml winning, per story', async () => {
    const { edition, messages } = await load({
      'edition.yaml': PAGE('      - file: a.md\n        box: {col: 1, cols: 4, row: 1, rows: 20}\n        headline: {size: 小初, lines: 1}\n'),
      'a.md': ARTICLE('headline: {size: 一号, color: red, align: left}\n'),
    });
    expect(messages.filter((m) => m.severity === 'error')).toEqual([]);
    expect(edition!.pages[0]!.stories[0]!.headline).toEqual({ size: 36, color: 'red', align: 'left', lines: 1 });
  });

  it('reports a bad size or font role name in front matter at its field, with what is expected', async () => {
    const { messages } = await load({
      'edition.yaml': PAGE('      - file: a.md\n        box: {col: 1, cols: 4, row: 1, rows: 20}\n'),
      'a.md': ARTICLE('headline:\n  size: 七号\n  font: Comic Sans\n'),
    });
    const errors = messages.filter((m) => m.severity === 'error').map((m) => `${m.file}:${m.line}:${m.column} ${m.message}`);
    expect(errors).toEqual([
      expect.stringMatching(/^a\.md:4:9 Invalid `headline\.size`: found .*`七号`, expected a 字号 name \(初号, 小初, .*\) or a size in pt like `26pt`/),
      expect.stringMatching(/^a\.md:5:9 Invalid `headline\.font`: found .*`Comic Sans`, expected a font role like `heading`, `body` or `kai`/),
    ]);
  });

  it('reports a font role the styles do not define at its field, once the house style is loaded, and skips the page', async () => {
    const dir = writeEdition({
      'edition.yaml': PAGE('      - file: a.md\n        box: {col: 1, cols: 4, row: 1, rows: 20}\n      - file: b.md\n        box: {col: 5, cols: 4, row: 1, rows: 20}\n        headline: {font: xiaobiaosong}\n'),
      'a.md': ARTICLE('headline: {font: comic}\n'),
      'b.md': ARTICLE(''),
    });
    const { prepared, files } = await prepareEdition(dir, undefined, undefined, { fontCacheDir: join(dir, '..', 'fonts') });
    const errors = messagesFromFiles(files, dir).filter((m) => m.ruleId === 'headline-font');
    expect(errors.map((m) => `${m.file}:${m.line}:${m.column}`)).toEqual(['edition.yaml:12:26', 'a.md:3:18']);
    expect(errors[1]!.message).toBe('Unknown font role `comic` in `headline.font` of `a.md`; expected a role the styles or the house style define: `body`, `heading`, `kai`');
    expect(prepared!.brokenFiles.has(join(dir, 'a.md'))).toBe(true);
    expect(prepared!.edition.invalidPages.has('A1')).toBe(true);
  });

  it('reports a colour outside the house palette in edition.yaml at its field', async () => {
    const { messages } = await load({
      'edition.yaml': PAGE('      - file: a.md\n        box: {col: 1, cols: 4, row: 1, rows: 20}\n        headline: {color: blue}\n'),
      'a.md': ARTICLE(''),
    });
    const errors = messages.filter((m) => m.severity === 'error').map((m) => `${m.file}:${m.line}:${m.column} ${m.message}`);
    expect(errors).toEqual(['edition.yaml:10:27 Invalid `pages[0].stories[0].headline.color`: found the text `blue`, expected one of `black`, `red`']);
  });

  it('refuses a vertical headline in a stack, at the front matter field', async () => {
    const { edition, messages } = await load({
      'edition.yaml': PAGE('      - stack: {col: 1, cols: 4, row: 1, rows: 40}\n        stories: [{file: a.md}, {file: b.md}]\n'),
      'a.md': ARTICLE('headline: {direction: vertical}\n'),
      'b.md': ARTICLE(''),
    });
    const error = messages.find((m) => m.ruleId === 'headline-vertical-box');
    expect(error).toMatchObject({ file: 'a.md', line: 3, severity: 'error' });
    expect(error!.message).toContain('is in a stack');
    expect(edition!.pages[0]!.stories[0]!.headline.direction).toBe('horizontal');
  });
});
