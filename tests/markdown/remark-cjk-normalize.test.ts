import { readFileSync } from 'node:fs';
import type { Root } from 'mdast';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { remarkCjkNormalize, type RemarkCjkNormalizeOptions } from '../../src/markdown/remark-cjk-normalize.js';

async function normalize(markdown: string, options?: RemarkCjkNormalizeOptions) {
  const file = new VFile({ path: 'article.md', value: markdown });
  const processor = unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkFrontmatter, ['yaml'])
    .use(remarkDirective)
    .use(remarkCjkNormalize, options);
  const tree = (await processor.run(processor.parse(file), file)) as Root;
  return { file, tree, text: texts(tree).join('|') };
}

function texts(node: unknown): string[] {
  const value = node as { type: string; value?: string; children?: unknown[] };
  if (value.type === 'text') return [value.value ?? ''];
  return (value.children ?? []).flatMap(texts);
}

const article = `---
title: 标题,不动
---

:::note{title="编前语,说明"}
本报推出系列报道"突破进阶--我们这么干",敬请关注。
:::

## 产业能级 持续跃升

使用 **AI** 技术,效率提升５倍...代码 \`a,b\` 不动。

::figure{src="images/a.jpg" caption="杭州博睿电子,生产线"}
`;

describe('remarkCjkNormalize', () => {
  it('reports each change as an info message at its line and column', async () => {
    const { file } = await normalize(article);
    expect(file.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual([
      '5:19 fullwidth-punctuation',
      '6:9 curly-quotes',
      '6:14 em-dash',
      '6:21 curly-quotes',
      '6:22 fullwidth-punctuation',
      '11:3 han-latin-space',
      '11:10 han-latin-space',
      '11:13 fullwidth-punctuation',
      '11:18 halfwidth-alphanumeric',
      '11:20 ellipsis',
      '13:44 fullwidth-punctuation',
    ]);
    expect(file.messages.every((m) => m.fatal === undefined && m.source === 'presswork-cjk')).toBe(true);
    expect(file.messages[0]?.reason).toBe('Unexpected half-width `,` between Han characters, expected `，`');
  });

  it('changes the tree but not code, the spaces beside it, front matter or a Han–Han space', async () => {
    const { tree, text } = await normalize(article);
    expect(text).toBe(
      '本报推出系列报道“突破进阶——我们这么干”，敬请关注。|产业能级 持续跃升|使用|AI|技术，效率提升5倍……代码 | 不动。',
    );
    expect(tree.children[0]).toMatchObject({ type: 'yaml', value: 'title: 标题,不动' });
    expect(tree.children[1]).toMatchObject({ attributes: { title: '编前语，说明' } });
    expect(tree.children[4]).toMatchObject({ attributes: { src: 'images/a.jpg', caption: '杭州博睿电子，生产线' } });
  });

  it('keeps typed Han–Latin spaces when autospace is off', async () => {
    const { text, file } = await normalize('使用 AI 技术\n', { autospace: false });
    expect(text).toBe('使用 AI 技术');
    expect(file.messages).toEqual([]);
  });

  it('does not crash on Markdown whose text differs from its source', async () => {
    const { file, text } = await normalize('- 甲\\,乙&#44;丙&amp;丁\n  续行,尾\n\n> 引&quot;文,"\n');
    expect(text).toBe('甲，乙，丙&丁\n续行，尾|引“文，”');
    expect(file.messages.map((m) => `${m.line}:${m.column}`)).toEqual(['1:4', '1:7', '2:5', '4:4', '4:11', '4:12']);
  });

  describe('on the seed article (萧山日报, 突破进阶)', () => {
    const seed = readFileSync(new URL('../fixtures/seed/000_5f3c0b02aba32c48.txt', import.meta.url), 'utf8');
    const lines = seed.split('\n');

    it('leaves no half-width comma between Han characters', async () => {
      const { text } = await normalize(seed);
      expect(seed).toMatch(/\p{Script=Han},\p{Script=Han}/u);
      expect(text).not.toMatch(/\p{Script=Han},\p{Script=Han}/u);
    });

    it('reports every change at the character that was typed', async () => {
      const { file } = await normalize(seed);
      // 134 `,` and one `?`. The three `:` before Han (变量:人工智能) are parsed by
      // remark-directive as text directives, so they never reach a text node.
      expect(file.messages).toHaveLength(135);
      for (const message of file.messages) {
        expect(lines[(message.line ?? 0) - 1]?.[(message.column ?? 0) - 1]).toMatch(/[,?]/);
        expect(message.ruleId).toBe('fullwidth-punctuation');
      }
    });
  });
});
