import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { createArticleCache } from '../../src/server/preview-article-cache.js';

const options = { root: '/tmp/edition', urlPrefix: '/edition', autospace: true };
const article = (text: string) => new VFile({ path: '/tmp/edition/a.md', value: text });

describe('createArticleCache', () => {
  it('answers an unchanged article from memory, messages included', async () => {
    const cache = createArticleCache();
    const text = '---\ntitle: 标题\n---\n\n正文,正文。\n';
    const first = article(text);
    const result = await cache.process(first, options);
    const second = article(text);
    expect(await cache.process(second, options)).toBe(result);
    expect(first.messages.length).toBeGreaterThan(0);
    expect(second.messages.map((m) => m.reason)).toEqual(first.messages.map((m) => m.reason));
  });

  it('processes again when the text or the options change, or after clear', async () => {
    const cache = createArticleCache();
    const a = await cache.process(article('---\ntitle: 甲\n---\n\n第一稿。\n'), options);
    const b = await cache.process(article('---\ntitle: 甲\n---\n\n第二稿。\n'), options);
    expect(b).not.toBe(a);
    expect(b.html).toContain('第二稿');
    const c = await cache.process(article('---\ntitle: 甲\n---\n\n第二稿。\n'), { ...options, autospace: false });
    expect(c).not.toBe(b);
    cache.clear();
    expect(await cache.process(article('---\ntitle: 甲\n---\n\n第二稿。\n'), { ...options, autospace: false })).not.toBe(c);
  });
});
