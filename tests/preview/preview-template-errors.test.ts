import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findTemplateErrors } from '../../src/server/preview-template-errors.js';

let dir: string | undefined;

async function templates(files: Record<string, string>): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'presswork-templates-'));
  await mkdir(join(dir, 'partials'));
  await mkdir(join(dir, 'pages'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('findTemplateErrors', () => {
  it('names the template file and line that does not parse', async () => {
    const root = await templates({
      'edition.hbs': '<body>{{#each pages}}{{> (lookup . "partial")}}{{/each}}</body>',
      'partials/folio.hbs': '<header>\n  <span>{{id}}</span>\n  <span>{{section}</span>\n</header>',
      'pages/news.hbs': '<section>{{> folio}}</section>',
    });
    const [error, ...rest] = await findTemplateErrors(root, root);
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ severity: 'error', file: join('partials', 'folio.hbs'), line: 3, ruleId: 'template-syntax' });
    expect(error!.frame).toContain('> 3 |');
  });

  it('finds nothing in good templates', async () => {
    const root = await templates({ 'edition.hbs': '{{#if a}}x{{/if}}', 'partials/a.hbs': '{{b}}' });
    expect(await findTemplateErrors(root, root)).toEqual([]);
  });
});
