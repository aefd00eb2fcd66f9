import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { houseSchema } from './house-schema.js';
import { editionSchema, frontMatterSchema } from './schema.js';

/**
 * JSON Schemas of edition.yaml, of an article's front matter and of house.yaml, made from the zod schemas
 * (zod's own toJSONSchema), for editors: the YAML language server completes and checks a
 * file that names one in a `# yaml-language-server: $schema=…` line. They describe what may be
 * typed (zod's input side); the checks written as code (a stack's fields, a tracking range
 * that includes 0) stay with presswork, which reports them at their line.
 */
export const JSON_SCHEMAS = {
  'edition.schema.json': { schema: editionSchema, title: 'presswork edition.yaml', description: 'An edition of the paper: its settings and its pages with their stories.' },
  'front-matter.schema.json': { schema: frontMatterSchema, title: 'presswork article front matter', description: 'The YAML front matter of an article (.md) of an edition.' },
  'house.schema.json': { schema: houseSchema, title: 'presswork house.yaml', description: "The paper's house style: its fonts by role and what happens to emoji, control and bidi characters." },
} as const;

export type JsonSchemaFile = keyof typeof JSON_SCHEMAS;

export function jsonSchema(file: JsonSchemaFile): Record<string, unknown> {
  const { schema, title, description } = JSON_SCHEMAS[file];
  const generated = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-7',
    unrepresentable: 'any',
    // `date` also takes a YAML timestamp, which presswork reads as a date: in JSON, a date string.
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date') Object.assign(ctx.jsonSchema, { type: 'string', format: 'date' });
    },
  });
  return { ...generated, title, description };
}

/** The file's text as the package ships it. */
export function jsonSchemaText(file: JsonSchemaFile): string {
  return `${JSON.stringify(jsonSchema(file), null, 2)}\n`;
}

/** Write every schema file into `dir` (the package's schema/ folder). */
export async function writeJsonSchemas(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = Object.keys(JSON_SCHEMAS) as JsonSchemaFile[];
  await Promise.all(files.map((file) => writeFile(join(dir, file), jsonSchemaText(file))));
  return files.map((file) => join(dir, file));
}
