import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { VFile } from 'vfile';
import { beforeAll, describe, expect, it } from 'vitest';
import { processArticle } from '../../src/markdown/process-article.js';

let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pw-md-'));
  mkdirSync(join(root, 'images'));
  await sharp({ create: { width: 300, height: 200, channels: 3, background: '#888' } }).jpeg().toFile(join(root, 'images', 'a.jpg'));
});

async function run(markdown: string) {
  const path = join(root, 'story.md');
  writeFileSync(path, markdown);
  const file = new VFile({ path, value: markdown });
  const result = await processArticle(file, { root, urlPrefix: '/edition', autospace: true });
  return { ...result, file, messages: file.messages };
}

describe('processArticle', () => {
  it('turns :::note into a boxed aside with its title', async () => {
    const { html } = await run('---\ntitle: t\n---\n:::note{title="编前语"}\n今天起推出系列报道。\n:::\n');
    expect(html).toContain('<aside class="note" data-src="4:1"><h3 class="note-title">编前语</h3><p data-src="5:1">今天起推出系列报道。</p></aside>');
  });

  it('turns :::sidebar into a tinted aside with its title', async () => {
    const { html } = await run(':::sidebar{title="企业：兆丰机电转型"}\n发展先进制造业的主角，始终是企业。\n:::\n');
    expect(html).toContain('<aside class="sidebar" data-src="1:1"><h3 class="sidebar-title">企业：兆丰机电转型</h3>');
  });

  it('makes ::figure a figure with image, caption, credit and column span', async () => {
    const { html, images } = await run('::figure{src="images/a.jpg" caption="生产线" credit="记者 范方斌 摄（占位图）" cols=3}\n');
    expect(html).toContain('<figure class="figure" data-cols="3" data-src="1:1"><img src="/edition/images/a.jpg" alt="生产线" data-width="300" data-height="200">');
    expect(html).toContain('<figcaption><span class="caption">生产线</span><span class="credit">记者 范方斌 摄（占位图）</span></figcaption>');
    expect(images).toEqual([{ path: join(root, 'images', 'a.jpg'), width: 300, height: 200 }]);
  });

  it('reports a ::figure with no src once, at its line, and keeps its caption', async () => {
    const { html, messages } = await run('正文。\n\n::figure{caption="无图"}\n');
    expect(messages.map((m) => [m.ruleId, m.line, m.fatal])).toEqual([['figure-src', 3, true]]);
    expect(html).not.toContain('<img');
    expect(html).toContain('<span class="caption">无图</span>');
  });

  it('makes a lone Markdown image a figure with its alt text as caption', async () => {
    const { html } = await run('![杭州临空经济示范区](images/a.jpg)\n');
    expect(html).toContain('<figure class="figure" data-src="1:1"><img src="/edition/images/a.jpg" alt="杭州临空经济示范区"');
    expect(html).toContain('<span class="caption">杭州临空经济示范区</span>');
  });

  it('keeps ## crossheads as h2 with their source position', async () => {
    const { html } = await run('正文。\n\n## 产业能级持续跃升\n\n正文。\n');
    expect(html).toContain('<h2 data-src="3:1">产业能级持续跃升</h2>');
  });

  it('strips hostile HTML and reports it', async () => {
    const { html, messages } = await run(
      [
        '<script>alert(1)</script>',
        '',
        '<iframe src="https://evil.example"></iframe>',
        '',
        '文字<img src=x onerror="alert(1)">文字 [链接](javascript:alert(1)) [本地](file:///etc/passwd)',
        '',
        '![图](file:///etc/passwd)',
      ].join('\n'),
    );
    expect(html).not.toMatch(/<script|<iframe|onerror|javascript:|file:/i);
    expect(messages.filter((m) => m.ruleId === 'raw-html')).toHaveLength(3);
    const escape = messages.find((m) => m.ruleId === 'path-escape');
    expect(escape?.fatal).toBe(true);
    expect(escape?.line).toBe(7);
  });

  it('reports a missing image as an error at its line, keeping the caption text', async () => {
    const { html, messages } = await run('正文。\n\n::figure{src="images/none.jpg" caption="说明文字"}\n');
    const missing = messages.find((m) => m.ruleId === 'missing-image');
    expect(missing?.fatal).toBe(true);
    expect(missing?.line).toBe(3);
    expect(html).toContain('说明文字');
    expect(html).not.toContain('<img');
  });

  it('keeps unknown text directives as typed, so Chinese colons survive', async () => {
    const { html, messages } = await run('关键变量:人工智能。\n');
    expect(html).toContain('关键变量：人工智能。');
    expect(messages.some((m) => m.ruleId === 'unknown-directive')).toBe(false);
  });

  it('collects the printed text block by block for verification', async () => {
    const { text } = await run('第一段。\n\n## 小标题\n\n第二段。\n');
    expect(text).toBe('第一段。\n小标题\n第二段。');
  });
});
