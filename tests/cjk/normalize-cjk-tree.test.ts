import type { Paragraph, Root, Text } from 'mdast';
import type { ContainerDirective, LeafDirective } from 'mdast-util-directive';
import remarkDirective from 'remark-directive';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { normalizeCjkTree, type CjkTreeChange } from '../../src/cjk/normalize-cjk-tree.js';

const parse = (markdown: string): Root => unified().use(remarkParse).use(remarkGfm).use(remarkDirective).parse(markdown);

/** Normalise and return the changes as `line:column-line:column ruleId` plus the tree's text. */
function run(markdown: string, options: { source?: boolean; autospace?: boolean } = {}) {
  const tree = parse(markdown);
  const changes = normalizeCjkTree(tree, { source: options.source === false ? undefined : markdown, autospace: options.autospace });
  return { tree, changes, at: changes.map(where), text: texts(tree) };
}

function where(change: CjkTreeChange): string {
  const { start, end } = change.place ?? {};
  return start && end ? `${start.line}:${start.column}-${end.line}:${end.column} ${change.ruleId}` : `? ${change.ruleId}`;
}

function texts(node: unknown): string[] {
  const value = node as { type: string; value?: string; children?: unknown[] };
  if (value.type === 'text') return [value.value ?? ''];
  return (value.children ?? []).flatMap(texts);
}

describe('normalizeCjkTree', () => {
  it('normalises paragraphs, headings and table cells, with exact places', () => {
    const { at, text } = run('# 标题,一\n\n正文,二\n\n| 甲,乙 |\n| --- |\n| 丙,丁 |\n');
    expect(at).toEqual([
      '1:5-1:6 fullwidth-punctuation',
      '3:3-3:4 fullwidth-punctuation',
      '5:4-5:5 fullwidth-punctuation',
      '7:4-7:5 fullwidth-punctuation',
    ]);
    expect(text).toEqual(['标题，一', '正文，二', '甲，乙', '丙，丁']);
  });

  it('uses the neighbouring text nodes as context across inline markup', () => {
    const { at, text } = run('他说"**你好**",**使用 AI** 技术');
    expect(text).toEqual(['他说“', '你好', '”，', '使用AI', '技术']);
    expect(at).toEqual([
      '1:3-1:4 curly-quotes',
      '1:10-1:11 curly-quotes',
      '1:11-1:12 fullwidth-punctuation',
      '1:16-1:17 han-latin-space',
      '1:21-1:22 han-latin-space',
    ]);
  });

  it('drops a change that would straddle two text nodes', () => {
    const { changes, text } = run('甲-[-](u)乙,丙');
    expect(text).toEqual(['甲-', '-', '乙，丙']);
    expect(changes.map((change) => change.ruleId)).toEqual(['fullwidth-punctuation']);
  });

  it('leaves code, HTML, URLs and autolinks alone but normalises link text', () => {
    const markdown = [
      '`a,b` 中文,中文 <span>x,y</span>',
      '',
      '```',
      '代码,不动',
      '```',
      '',
      '见 https://example.com/a,b 和 <https://a.org/x,y>,[链接,文字](https://b.org/p,q)',
    ].join('\n');
    const { tree, text } = run(markdown);
    expect(text).toEqual([
      ' 中文，中文 ',
      'x,y', // between the HTML tags
      '见 ',
      'https://example.com/a,b',
      ' 和 ',
      'https://a.org/x,y',
      '，',
      '链接，文字',
    ]);
    const code = tree.children[1] as { value: string };
    expect(code.value).toBe('代码,不动');
  });

  it('keeps Latin-only paragraphs as typed', () => {
    expect(run('Hello, world (AI) "quoted" -- it\'s 3:00...').changes).toEqual([]);
  });

  it('points at the typed source through escapes, entities and quote prefixes', () => {
    const { at } = run('甲\\,乙&amp;,丙\n\n> 引用,一\n> 二,三\n');
    expect(at).toEqual([
      '1:2-1:4 fullwidth-punctuation',
      '1:10-1:11 fullwidth-punctuation',
      '3:5-3:6 fullwidth-punctuation',
      '4:4-4:5 fullwidth-punctuation',
    ]);
  });

  it('normalises directive titles, captions and credits, reported inside the attribute', () => {
    const markdown = ':::note{title="编前语,说明"}\n正文\n:::\n\n::figure{src="a,b.jpg" caption=杭州,生产线 credit="记者,摄"}\n';
    const { tree, at } = run(markdown);
    const note = tree.children[0] as ContainerDirective;
    const figure = tree.children[1] as LeafDirective;
    expect(note.attributes).toMatchObject({ title: '编前语，说明' });
    expect(figure.attributes).toEqual({ src: 'a,b.jpg', caption: '杭州，生产线', credit: '记者，摄' });
    expect(at).toEqual(['1:19-1:20 fullwidth-punctuation', '5:34-5:35 fullwidth-punctuation', '5:49-5:50 fullwidth-punctuation']);
  });

  it('falls back to the directive position when the attribute cannot be found', () => {
    const tree = parse(':::note{title="编前语"}\n正文\n:::\n');
    const note = tree.children[0] as ContainerDirective;
    note.attributes = { title: '加的,标题' };
    const [change] = normalizeCjkTree(tree, { source: '' });
    expect(change?.place?.start).toMatchObject({ line: 1, column: 1 });
  });

  it('normalises image alt text at its place', () => {
    const { at, tree } = run('![图片,说明](a.jpg)\n');
    const image = (tree.children[0] as Paragraph).children[0] as { alt: string };
    expect(image.alt).toBe('图片，说明');
    expect(at).toEqual(['1:5-1:6 fullwidth-punctuation']);
  });

  it('normalises text another plugin made, with no place', () => {
    const tree = parse('正文\n');
    tree.children.push({ type: 'paragraph', children: [{ type: 'text', value: '生成,的' }] });
    const changes = normalizeCjkTree(tree, { source: '正文\n' });
    expect(changes).toMatchObject([{ ruleId: 'fullwidth-punctuation', place: undefined }]);
    expect(((tree.children[1] as Paragraph).children[0] as Text).value).toBe('生成，的');
  });

  it('without the source, places changes at their node', () => {
    const { at } = run('正文\n\n第二段,好\n', { source: false });
    expect(at).toEqual(['3:1-3:6 fullwidth-punctuation']);
  });

  it('passes options through', () => {
    expect(run('使用 AI 技术', { autospace: false }).changes).toEqual([]);
  });
});
