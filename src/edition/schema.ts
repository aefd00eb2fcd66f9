import { z } from 'zod';

/** The schemas here are the one source of the edition's types. */

const positiveInt = z.number().int().positive();

export const boxSchema = z.strictObject({
  col: positiveInt,
  cols: positiveInt,
  row: positiveInt,
  rows: positiveInt,
});

const creditsSchema = z.strictObject({
  editor: z.string().optional(),
  designer: z.string().optional(),
  proofreader: z.string().optional(),
});

export const TEMPLATE_NAMES = ['front', 'news', 'feature'] as const;

const storySchema = z.strictObject({
  file: z.string().min(1),
  box: boxSchema.optional(),
  slot: z.string().optional(),
  /** Where overset text jumps to (转版). */
  continue: z.strictObject({ page: z.string(), box: boxSchema }).optional(),
  /** Explicit figure placements, in the order the figures appear in the article. */
  figures: z.array(boxSchema).optional(),
});

const pageSchema = z.strictObject({
  id: z.string().regex(/^[A-Z]\d{1,3}$/, 'expected a page id like A1 or B12'),
  template: z.enum(TEMPLATE_NAMES),
  section: z.string().min(1),
  credits: creditsSchema.optional(),
  stories: z.array(storySchema).default([]),
});

export const editionSchema = z.strictObject({
  paper: z.string().min(1),
  /** Romanised paper name for file names; derived from `paper` when absent. */
  slug: z.string().regex(/^[a-z0-9-]+$/).optional(),
  date: z.union([z.string(), z.date()]).transform((value, ctx) => {
    const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) {
      ctx.addIssue({ code: 'custom', message: 'expected a date like 2026-11-26' });
      return z.NEVER;
    }
    return text;
  }),
  number: positiveInt.optional(),
  sponsor: z.string().optional(),
  format: z
    .union([
      z.enum(['broadsheet', 'tabloid']),
      z.strictObject({ width: z.number().min(100).max(1000), height: z.number().min(100).max(1500) }),
    ])
    .default('broadsheet'),
  bleed: z.number().min(0).max(10).default(3),
  typography: z.strictObject({ autospace: z.boolean().default(true) }).default({ autospace: true }),
  print: z
    .strictObject({
      // PDF/X-1a:2001 by default; Ghostscript 10.00 writes the X-3 family, not X-4.
      pdfx: z.enum(['x1a', 'x3']).default('x1a'),
      iccProfile: z.string().optional(),
      inkLimit: z.number().min(100).max(400).default(240),
    })
    .default({ pdfx: 'x1a', inkLimit: 240 }),
  credits: creditsSchema.default({}),
  pages: z.array(pageSchema).min(1),
});

export type EditionConfig = z.infer<typeof editionSchema>;
export type PageConfig = EditionConfig['pages'][number];
export type StoryConfig = PageConfig['stories'][number];
export type BoxConfig = z.infer<typeof boxSchema>;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export const frontMatterSchema = z.strictObject({
  title: z.string().min(1),
  kicker: z.string().optional(),
  subtitle: z.string().optional(),
  byline: z.string().optional(),
  slug: z.string().optional(),
  tags: z.array(z.string()).optional(),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;
