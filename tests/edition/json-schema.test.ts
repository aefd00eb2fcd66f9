import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { jsonSchema, jsonSchemaText, JSON_SCHEMAS, type JsonSchemaFile } from '../../src/edition/json-schema.js';
import { TEMPLATE_NAMES } from '../../src/edition/schema.js';
import { PACKAGE_ROOT } from '../../src/util/package-root.js';

type Schema = { properties: Record<string, Schema>; items: Schema; required?: string[]; additionalProperties?: boolean; enum?: string[]; type?: string };

describe('JSON Schemas of edition.yaml and the front matter', () => {
  it.each(Object.keys(JSON_SCHEMAS) as JsonSchemaFile[])('schema/%s is what zod makes of the current schema', async (file) => {
    const committed = await readFile(join(PACKAGE_ROOT, 'schema', file), 'utf8');
    expect(committed, `schema/${file} is stale: run \`npm run schema\` after changing src/edition/schema.ts`).toBe(jsonSchemaText(file));
  });

  it('names every key the sample edition uses, refuses unknown keys, and lists the templates', async () => {
    const schema = jsonSchema('edition.schema.json') as unknown as Schema;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['paper', 'date', 'pages']));
    const sample = parse(await readFile(join(PACKAGE_ROOT, 'articles/2026-11-26/edition.yaml'), 'utf8')) as Record<string, unknown> & { pages: Record<string, unknown>[] };
    for (const key of Object.keys(sample)) expect(Object.keys(schema.properties), key).toContain(key);
    const page = schema.properties.pages!.items;
    expect(page.additionalProperties).toBe(false);
    expect(page.properties.template!.enum).toEqual([...TEMPLATE_NAMES]);
    for (const entry of sample.pages) for (const key of Object.keys(entry)) expect(Object.keys(page.properties), key).toContain(key);
  });

  it('gives the front matter its required title', () => {
    const schema = jsonSchema('front-matter.schema.json') as unknown as Schema;
    expect(schema.required).toEqual(['title']);
    expect(schema.properties.title!.type).toBe('string');
    expect(schema.additionalProperties).toBe(false);
  });
});
