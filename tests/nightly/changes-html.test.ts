import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageChange } from '../../src/pipeline/page-changes.js';
import { escapeHtml, renderChangesHtml, writeChangesHtml } from '../../src/report/changes-html.js';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'pw-changes-html-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

const changes = (): PageChange[] => {
  const dir = join(out, 'changes');
  return [
    { page: 'A1', status: 'changed', changedPercent: 12.5, changedPixels: 100, before: join(dir, 'A1.prev.png'), after: join(dir, 'A1.png'), diff: join(dir, 'A1.diff.png') },
    { page: 'A2', status: 'unchanged', changedPercent: 0, changedPixels: 0, before: join(dir, 'A2.prev.png'), after: join(dir, 'A2.png'), diff: null },
    { page: 'A3', status: 'new', changedPercent: null, changedPixels: null, before: null, after: join(dir, 'A3 #1.png'), diff: null },
  ];
};

describe('renderChangesHtml', () => {
  it('shows each changed and new page with before, after and difference images and the percentage', () => {
    const html = renderChangesHtml(changes(), { title: '萧山日报 2026-11-26', htmlPath: join(out, 'changes.html'), labels: { A1: '要闻' } });
    expect(html).toContain('<h2>A1 要闻 <span class="changed">12.50% changed</span></h2>');
    expect(html).toContain('<img src="changes/A1.prev.png"');
    expect(html).toContain('<img src="changes/A1.png"');
    expect(html).toContain('<img src="changes/A1.diff.png"');
    expect(html).toContain('<section id="page-A3">');
    expect(html).toContain('新版 new page');
    expect(html).toContain('src="changes/A3%20%231.png"'); // relative and URL-encoded
    expect(html).not.toContain('<section id="page-A2">');
    expect(html).toContain('<p>Unchanged: A2</p>');
    expect(html).toContain('2 of 3 pages changed');
    expect(html).not.toMatch(/<script|\/tmp\//);
  });

  it('escapes the title, labels and page names', () => {
    const [first] = changes();
    const html = renderChangesHtml([{ ...first!, page: 'A1"><script>alert(1)</script>' }], {
      title: '<b>日报</b> & "晚报"',
      htmlPath: join(out, 'changes.html'),
      labels: { 'A1"><script>alert(1)</script>': "要闻 <i>'x'</i>" },
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&#60;b&#62;日报&#60;/b&#62; &#38; &#34;晚报&#34;');
    expect(html).toContain('A1&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62; 要闻 &#60;i&#62;&#39;x&#39;&#60;/i&#62;');
    expect(escapeHtml(`<>&"'`)).toBe('&#60;&#62;&#38;&#34;&#39;');
  });

  it('says so when nothing changed', () => {
    const html = renderChangesHtml(changes().filter((c) => c.status === 'unchanged'), { title: 't', htmlPath: join(out, 'changes.html') });
    expect(html).toContain('No page changed since the previous build.');
  });
});

describe('writeChangesHtml', () => {
  it('writes the file whole, and names it when it cannot', async () => {
    const htmlPath = join(out, 'changes.html');
    await writeChangesHtml(changes(), { title: 't', htmlPath, builtAt: '2026-11-26T02:00:00Z' });
    expect(await readFile(htmlPath, 'utf8')).toContain('Built 2026-11-26T02:00:00Z');
    await expect(writeChangesHtml(changes(), { title: 't', htmlPath: join(out, 'missing-dir', 'changes.html') })).rejects.toThrow(
      /Cannot write .*missing-dir\/changes\.html/,
    );
  });
});
