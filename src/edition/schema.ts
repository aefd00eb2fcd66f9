import { z } from 'zod';
import { headlineStyleSchema, type HeadlineStyle } from './headline-style.js';

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

/** A story's own box: `rows: auto` takes the lines its content needs. */
export const storyBoxSchema = z.strictObject({
  col: positiveInt,
  cols: positiveInt,
  row: positiveInt,
  rows: z.union([positiveInt, z.literal('auto')]),
});

const continueSchema = z.strictObject({ page: z.string(), box: boxSchema });

/** A story in a stack: no box of its own, everything else as for a boxed story. */
const stackMemberSchema = z.strictObject({
  file: z.string().min(1),
  continue: continueSchema.optional(),
  figures: z.array(boxSchema).optional(),
  headline: headlineStyleSchema.optional(),
});

/**
 * One entry of `stories:`, a story or a stack of stories. One object with a check rather
 * than a union, so that a mistake is reported at its own field, not as "matches neither".
 */
const entrySchema = z
  .strictObject({
    file: z.string().min(1).optional(),
    box: storyBoxSchema.optional(),
    slot: z.string().optional(),
    /** Where overset text jumps to (转版). */
    continue: continueSchema.optional(),
    /** Explicit figure placements, in the order the figures appear in the article. */
    figures: z.array(boxSchema).optional(),
    /** The headline's style on this page; its fields win over the article's front matter. */
    headline: headlineStyleSchema.optional(),
    /** A rectangle filled top to bottom by `stories`. */
    stack: boxSchema.optional(),
    stories: z.array(stackMemberSchema).min(1).optional(),
  })
  .superRefine((entry, ctx) => {
    if (entry.stack) {
      if (!entry.stories) ctx.addIssue({ code: 'custom', path: ['stories'], message: 'expected the stack\'s `stories: [{file: a.md}, …]`' });
      for (const key of ['file', 'box', 'slot', 'continue', 'figures', 'headline'] as const) {
        if (entry[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `expected no \`${key}\` beside \`stack\`: it belongs to each story in \`stories\`` });
      }
    } else {
      if (!entry.file) ctx.addIssue({ code: 'custom', path: ['file'], message: 'expected `file: story.md` (or a `stack:` with `stories:`)' });
      if (entry.stories) ctx.addIssue({ code: 'custom', path: ['stories'], message: 'expected `stories` only inside a `stack`' });
    }
  });

/** Where a story sits in a stack: the stack's rectangle, its place in it, the YAML path of the stack. */
export interface StackPlace {
  id: string;
  box: z.infer<typeof boxSchema>;
  index: number;
  count: number;
}

export interface StoryConfig {
  file: string;
  box?: z.infer<typeof storyBoxSchema>;
  slot?: string;
  continue?: z.infer<typeof continueSchema>;
  figures?: z.infer<typeof boxSchema>[];
  headline?: HeadlineStyle;
  stack?: StackPlace;
  /** The entry's path under its page in edition.yaml, for messages: `['stories', 2]` or `['stories', 2, 'stories', 0]`. */
  at: (string | number)[];
}

/** Stacks become their stories, in order, each knowing its stack. */
const storiesSchema = z.array(entrySchema).default([]).transform((entries): StoryConfig[] =>
  entries.flatMap((entry, index) => {
    const { stack, stories, file, ...rest } = entry;
    if (!stack) return [{ ...rest, file: file!, at: ['stories', index] } satisfies StoryConfig];
    return (stories ?? []).map((member, i): StoryConfig => ({
      ...member,
      stack: { id: `stack-${index + 1}`, box: stack, index: i, count: stories!.length },
      at: ['stories', index, 'stories', i],
    }));
  }),
);

/** A supplied advertisement: a finished PDF (X-1a or X-4) or a JPEG/TIFF/PNG, placed unchanged in its box. */
export const adSchema = z.strictObject({
  /** Path inside the edition folder, e.g. `ads/client-2027.pdf`. */
  file: z.string().min(1),
  box: boxSchema,
  /** Who booked it: shown in the report and the preview. */
  client: z.string().min(1).optional(),
  /** `scale`: the ad may be scaled proportionally, by at most 2 %, to fit its box. */
  fit: z.literal('scale').optional(),
});

const pageSchema = z.strictObject({
  id: z.string().regex(/^[A-Z]\d{1,3}$/, 'expected a page id like A1 or B12'),
  template: z.enum(TEMPLATE_NAMES),
  section: z.string().min(1),
  credits: creditsSchema.optional(),
  stories: storiesSchema,
  ads: z.array(adSchema).default([]),
});

const trackingSchema = z
  .strictObject({ min: z.number().min(-0.1).max(0.1), max: z.number().min(-0.1).max(0.1) })
  .superRefine((range, ctx) => {
    if (range.min > range.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], input: range.min, message: `expected \`min\` (${range.min}) not above \`max\` (${range.max}): the limits contradict each other` });
    } else if (range.min > 0 || range.max < 0) {
      // The story as set (no tracking) is where the search starts.
      ctx.addIssue({ code: 'custom', path: [range.min > 0 ? 'min' : 'max'], input: range.min > 0 ? range.min : range.max, message: 'expected a range that includes 0 (`min` ≤ 0 ≤ `max`), the tracking as set' });
    }
  });

export const fitSchema = z.strictObject({
  /** Letter-spacing range in em, e.g. {min: -0.03, max: 0.03}. */
  tracking: trackingSchema.optional(),
  /** Steps of the house headline scale the headline may move. */
  headlineSteps: z.number().int().min(0).max(4).optional(),
  /** Whole lines a photo may grow or shrink. */
  figureLines: z.number().int().min(0).max(20).optional(),
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
  typography: z
    .strictObject({
      autospace: z.boolean().default(true),
      /** What the engine may change to make a story fit (拉排/挤排); nothing when absent. */
      fit: fitSchema.optional(),
    })
    .default({ autospace: true }),
  print: z
    .strictObject({
      // PDF/X-1a:2001 by default; Ghostscript 10.00 writes the X-3 family, not X-4.
      pdfx: z.enum(['x1a', 'x3']).default('x1a'),
      iccProfile: z.string().optional(),
      inkLimit: z.number().min(100).max(400).default(240),
      // auto: pages with nothing left to convert are written as PDF/X-1a directly, the rest
      // by Ghostscript; ghostscript: every plate by Ghostscript.
      converter: z.enum(['auto', 'ghostscript']).default('auto'),
    })
    .default({ pdfx: 'x1a', inkLimit: 240, converter: 'auto' }),
  credits: creditsSchema.default({}),
  /** The paper's house style (fonts, copy rules), shared by its editions; else house.yaml here or beside the editions. */
  house: z.string().min(1).optional(),
  pages: z.array(pageSchema).min(1),
});

export type EditionConfig = z.infer<typeof editionSchema>;
export type PageConfig = EditionConfig['pages'][number];
export type BoxConfig = z.infer<typeof boxSchema>;
export type StoryBoxConfig = z.infer<typeof storyBoxSchema>;
export type AdConfig = z.infer<typeof adSchema>;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export const frontMatterSchema = z.strictObject({
  title: z.string().min(1),
  kicker: z.string().optional(),
  subtitle: z.string().optional(),
  byline: z.string().optional(),
  slug: z.string().optional(),
  tags: z.array(z.string()).optional(),
  /** `house-ad`: the paper's own notice (启事, 征订), set as a framed ad block. */
  kind: z.enum(['story', 'house-ad']).optional(),
  /** The headline's style: `{size: 一号, font: heading, color: red, lines: 2, direction: vertical}`. */
  headline: headlineStyleSchema.optional(),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;
