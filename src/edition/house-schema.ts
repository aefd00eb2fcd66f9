import { z } from 'zod';

/** A role is what a style names a font by: `var(--font-body)`, `headline: {font: heading}`. */
export const ROLE_NAME = /^[a-z][a-z0-9-]{0,30}$/;

/** The roles the styles use; a house style may add its own (a 小标宋 for heads, say). */
export const BUILT_IN_ROLES = ['body', 'heading', 'kai'] as const;

const fontFileSchema = z.strictObject({
  /** TTF, OTF, TTC or WOFF2, relative to house.yaml's folder. */
  file: z.string().min(1),
  /** The weight this file is (400 regular, 700 bold, …); every weight when absent. */
  weight: z.number().int().min(100).max(900).multipleOf(100).optional(),
  /** A collection's (TTC) face: its PostScript name or its index from 0. */
  face: z.union([z.string().min(1), z.number().int().min(0)]).optional(),
});

const roleFontsSchema = z.union([z.string().min(1), fontFileSchema, z.array(z.union([z.string().min(1), fontFileSchema])).min(1)]);

const copyAction = z.enum(['remove', 'replace']);

export const houseSchema = z.strictObject({
  /** Role → the paper's font files; a role not named keeps its npm font. */
  fonts: z.record(z.string().regex(ROLE_NAME, 'expected a role name like body, heading or kai'), roleFontsSchema).default({}),
  /** What happens to characters that must not be printed as they were typed. */
  copy: z
    .strictObject({
      emoji: copyAction.default('remove'),
      control: copyAction.default('remove'),
      bidi: copyAction.default('remove'),
      /** What `replace` puts in their place: 〓 (geta mark), the typesetter's sign for a missing sort. */
      replacement: z.string().min(1).max(4).default('〓'),
    })
    .default({ emoji: 'remove', control: 'remove', bidi: 'remove', replacement: '〓' }),
});

export type HouseConfig = z.infer<typeof houseSchema>;
export type FontFileConfig = z.infer<typeof fontFileSchema>;
