import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEdition, type Edition, type LoadedStory } from '../../src/edition/load-edition.js';
import {
  canonicalJson,
  collectHashInputs,
  describePage,
  pageHash,
  treeDigest,
  type HashInputs,
} from '../../src/pipeline/page-hash.js';

let root: string;
let repo: string;
let editionDir: string;

const EDITION_YAML = `paper: 测试日报
date: 2026-11-26
format: broadsheet
pages:
  - id: A1
    template: news
    section: 要闻
    stories:
      - file: lead.md
        box: {col: 1, cols: 5, row: 1, rows: 30}
        continue: {page: A3, box: {col: 1, cols: 5, row: 1, rows: 10}}
  - id: A2
    template: news
    section: 综合
    stories:
      - file: photo.md
        box: {col: 1, cols: 5, row: 1, rows: 30}
  - id: A3
    template: news
    section: 综合
    stories:
      - file: brief.md
        box: {col: 6, cols: 3, row: 1, rows: 30}
`;

const article = (title: string, body: string) => `---\ntitle: ${title}\n---\n\n${body}\n`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pw-hash-'));
  // A small stand-in for the presswork checkout: templates, styles and code.
  repo = join(root, 'repo');
  for (const dir of ['templates/pages', 'styles', 'src/browser', 'src/markdown']) await mkdir(join(repo, dir), { recursive: true });
  await writeFile(join(repo, 'templates/edition.hbs'), '<html>{{paper}}</html>');
  await writeFile(join(repo, 'templates/pages/news.hbs'), '<section>{{id}}</section>');
  await writeFile(join(repo, 'styles/newspaper.css'), 'body { margin: 0 }');
  await writeFile(join(repo, 'src/browser/entry.ts'), 'export {};');
  await writeFile(join(repo, 'src/markdown/process.ts'), 'export {};');
  await writeFile(join(repo, 'package.json'), '{"version": "9.9.9"}');
  editionDir = join(root, 'edition');
  await mkdir(join(editionDir, 'images'), { recursive: true });
  await writeFile(join(editionDir, 'edition.yaml'), EDITION_YAML);
  await writeFile(join(editionDir, 'lead.md'), article('头条', '正文第一段。'));
  await writeFile(join(editionDir, 'photo.md'), article('图片新闻', '![说明](images/a.jpg)'));
  await writeFile(join(editionDir, 'brief.md'), article('简讯', '简讯正文。'));
  await writeFile(join(editionDir, 'images/a.jpg'), 'jpeg bytes');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function load(): Promise<Edition> {
  const { edition, files } = await loadEdition(editionDir);
  if (!edition) throw new Error(files.flatMap((f) => f.messages.map(String)).join('\n'));
  return edition;
}

/** Images by story, as the Markdown stage would report them. */
const images = (story: LoadedStory) => (story.id === 'photo' ? [join(editionDir, 'images/a.jpg')] : []);

async function hashes(inputs?: HashInputs, handover: Record<string, string> = { lead: '<p>续文</p>' }): Promise<Record<string, string>> {
  const edition = await load();
  const ctx = inputs ?? (await collectHashInputs({ repoRoot: repo, chromiumVersion: 'Chromium 140' }));
  const out: Record<string, string> = {};
  for (const page of edition.pages) {
    out[page.config.id] = pageHash(await describePage(ctx, edition, page.config.id, { images, handover }));
  }
  return out;
}

function changed(a: Record<string, string>, b: Record<string, string>): string[] {
  return Object.keys(a).filter((id) => a[id] !== b[id]);
}

describe('pageHash', () => {
  it('is a sha256 hex digest independent of key order', async () => {
    const ctx = await collectHashInputs({ repoRoot: repo });
    const input = await describePage(ctx, await load(), 'A1', { images });
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(input).reverse())));
    expect(pageHash(input)).toMatch(/^[0-9a-f]{64}$/);
    expect(pageHash(reordered)).toBe(pageHash(input));
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"z":1}]},"b":1}');
  });

  it('is stable across builds with the same inputs, and differs between pages', async () => {
    const first = await hashes();
    expect(await hashes()).toEqual(first);
    expect(new Set(Object.values(first)).size).toBe(3);
  });

  it('changes only the page whose article changed by one byte', async () => {
    const before = await hashes();
    await writeFile(join(editionDir, 'brief.md'), article('简讯', '简讯正文！'));
    expect(changed(before, await hashes())).toEqual(['A3']);
  });

  it('changes the jump target too when a jumping story changes, and the target alone when its handover does', async () => {
    const before = await hashes();
    await writeFile(join(editionDir, 'lead.md'), article('头条新闻', '正文第一段。'));
    const after = await hashes();
    expect(changed(before, after)).toEqual(['A1', 'A3']);
    expect(changed(after, await hashes(undefined, { lead: '<p>续文变了</p>' }))).toEqual(['A3']);
  });

  it('changes only the page that shows a changed image', async () => {
    const before = await hashes();
    await writeFile(join(editionDir, 'images/a.jpg'), 'jpeg bytes, retouched');
    expect(changed(before, await hashes())).toEqual(['A2']);
  });

  it('changes every page when a page config, edition setting, template, style, source code (in a checkout) or version changes', async () => {
    const before = await hashes();
    await writeFile(join(editionDir, 'edition.yaml'), EDITION_YAML.replace('section: 要闻', 'section: 要闻 ·'));
    expect(changed(before, await hashes())).toEqual(['A1']);
    await writeFile(join(editionDir, 'edition.yaml'), EDITION_YAML);
    expect(await hashes()).toEqual(before);

    await writeFile(join(editionDir, 'edition.yaml'), EDITION_YAML.replace('date: 2026-11-26', 'date: 2026-11-27'));
    expect(changed(before, await hashes())).toEqual(['A1', 'A2', 'A3']);
    await writeFile(join(editionDir, 'edition.yaml'), EDITION_YAML);

    for (const [file, text] of [
      ['templates/pages/news.hbs', '<section class="x">{{id}}</section>'],
      ['styles/newspaper.css', 'body { margin: 1px }'],
      ['src/browser/entry.ts', 'export const x = 1;'],
      ['src/markdown/process.ts', 'export const y = 1;'],
    ] as const) {
      const path = join(repo, file);
      const saved = join(root, 'saved');
      await cp(path, saved);
      await writeFile(path, text);
      expect(changed(before, await hashes()), file).toEqual(['A1', 'A2', 'A3']);
      await cp(saved, path);
    }
    expect(await hashes()).toEqual(before);
    const other = await collectHashInputs({ repoRoot: repo, chromiumVersion: 'Chromium 141' });
    expect(changed(before, await hashes(other))).toEqual(['A1', 'A2', 'A3']);
  });

  it('keys the published package on its version, templates, styles and dependencies, not on src/', async () => {
    const packaged = () => collectHashInputs({ repoRoot: repo, chromiumVersion: 'Chromium 140', fromSource: false });
    const before = await hashes(await packaged());
    const source = join(repo, 'src/markdown/process.ts');
    await writeFile(source, 'export const y = 2;');
    expect(await hashes(await packaged())).toEqual(before);
    await writeFile(source, 'export {};');
    const manifest = join(repo, 'package.json');
    await writeFile(manifest, '{"version": "9.9.10"}');
    expect(changed(before, await hashes(await packaged()))).toEqual(['A1', 'A2', 'A3']);
    // A dependency that resolves to another version (here: one that is missing) re-renders too.
    await writeFile(manifest, '{"version": "9.9.9", "dependencies": {"no-such-package-here": "^1.0.0"}}');
    const inputs = await packaged();
    expect(inputs.build.dependencies).toEqual({ 'no-such-package-here': 'missing' });
    expect(changed(before, await hashes(inputs))).toEqual(['A1', 'A2', 'A3']);
    await writeFile(manifest, '{"version": "9.9.9"}');
    const style = join(repo, 'styles/newspaper.css');
    await writeFile(style, 'body { margin: 2px }');
    expect(changed(before, await hashes(await packaged()))).toEqual(['A1', 'A2', 'A3']);
    await writeFile(style, 'body { margin: 0 }');
    expect(await hashes(await packaged())).toEqual(before);
  });

  it('ignores editor scratch files in the trees it digests', async () => {
    const before = await treeDigest(join(repo, 'templates'));
    await writeFile(join(repo, 'templates/edition.hbs~'), 'backup');
    await writeFile(join(repo, 'templates/.edition.hbs.swp'), 'swap');
    expect(await treeDigest(join(repo, 'templates'))).toBe(before);
  });

  it('reads each image once per build and hashes a missing file as missing', async () => {
    const ctx = await collectHashInputs({ repoRoot: repo });
    const path = join(editionDir, 'images/a.jpg');
    expect(ctx.fileDigest(path)).toBe(ctx.fileDigest(path));
    expect(await ctx.fileDigest(join(editionDir, 'images/none.jpg'))).toBe('unreadable:ENOENT');
  });

  it('names the edition file when the page is unknown', async () => {
    const ctx = await collectHashInputs({ repoRoot: repo });
    await expect(describePage(ctx, await load(), 'Z9', { images })).rejects.toThrow(/No page Z9 in .*edition\.yaml/);
  });
});
