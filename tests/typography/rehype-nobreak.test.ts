import type { Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { processArticle } from '../../src/markdown/process-article.js';
import { rehypeNobreak, wrapInseparable } from '../../src/markdown/rehype-nobreak.js';

const article = (body: string) => new VFile({ path: 'a.md', value: `---\ntitle: 标题\n---\n\n${body}\n` });
const html = async (body: string) => (await processArticle(article(body), { root: '/tmp', urlPrefix: '/edition', autospace: true })).html;

describe('rehypeNobreak', () => {
  it('wraps each —— and …… run in span.nobreak and keeps the text as typed', () => {
    const parts = wrapInseparable({ type: 'text', value: '突破进阶——我们这么干……好————长' });
    const show = (p: (typeof parts)[number]) => (p.type === 'text' ? p.value : p.type === 'element' ? `[${toString(p)}]` : '?');
    expect(parts.map(show).join('')).toBe(
      '突破进阶[——]我们这么干[……]好[————]长',
    );
  });

  it('returns a text node without dashes or ellipses unchanged', () => {
    const node = { type: 'text' as const, value: '中文，没有破折号。' };
    expect(wrapInseparable(node)).toEqual([node]);
  });

  it('leaves code and existing nobreak spans alone', () => {
    const tree: Root = {
      type: 'root',
      children: [
        { type: 'element', tagName: 'code', properties: {}, children: [{ type: 'text', value: 'a——b' }] },
        { type: 'element', tagName: 'span', properties: { className: ['nobreak'] }, children: [{ type: 'text', value: '——' }] },
      ],
    };
    const before = structuredClone(tree);
    (rehypeNobreak as () => (tree: Root) => void)()(tree);
    expect(tree).toEqual(before);
  });

  it('survives sanitising in the article processor, outside code only', async () => {
    const out = await html('他说——真好……\n\n`a——b` 和 **强调——之后**');
    expect(out).toContain('他说<span class="nobreak">——</span>真好<span class="nobreak">……</span>');
    expect(out).toContain('<code>a——b</code>');
    expect(out).toContain('<strong>强调<span class="nobreak">——</span>之后</strong>');
  });

  it('wraps dashes the normalisation made from typed `--` and `...`', async () => {
    expect(await html('他说--真好...')).toContain('他说<span class="nobreak">——</span>真好<span class="nobreak">……</span>');
  });
});
