import { z } from 'zod';
import { ROLE_NAME } from './house-schema.js';
import { PALETTE_NAMES, type PaletteName } from './palette.js';

/** 字号: the desk's names for type sizes, in pt. */
export const ZIHAO_PT = {
  初号: 42,
  小初: 36,
  一号: 26,
  小一: 24,
  二号: 22,
  小二: 18,
  三号: 16,
  小三: 15,
  四号: 14,
  小四: 12,
  五号: 10.5,
  小五: 9,
} as const satisfies Record<string, number>;

/** Sizes a headline may be given, in pt: 小五 up to twice 初号. */
export const HEADLINE_SIZE_RANGE = { min: 9, max: 84 } as const;

const SIZE_EXPECTED = `expected a 字号 name (${Object.keys(ZIHAO_PT).join(', ')}) or a size in pt like \`26pt\` (${HEADLINE_SIZE_RANGE.min}–${HEADLINE_SIZE_RANGE.max})`;

/** `一号` → 26, `26pt` → 26; undefined for anything else. */
export function headlineSizePt(value: string): number | undefined {
  const named = (ZIHAO_PT as Record<string, number>)[value.trim()];
  if (named !== undefined) return named;
  const match = /^(\d+(?:\.\d+)?)\s*pt$/i.exec(value.trim());
  const pt = match ? Number(match[1]) : NaN;
  return pt >= HEADLINE_SIZE_RANGE.min && pt <= HEADLINE_SIZE_RANGE.max ? pt : undefined;
}

/** CSS font-weight of each weight name; numbers 100–900 are taken as they are. */
export const WEIGHTS = { normal: 400, medium: 500, bold: 700, black: 900 } as const;

/**
 * `headline:` in front matter or on a story in edition.yaml. Every field is optional: what is
 * not given is the house default for the template and box width (the styles' size classes).
 */
export const headlineStyleSchema = z.strictObject({
  size: z.union([z.string(), z.number()]).transform((value, ctx) => {
    const pt = typeof value === 'string' ? headlineSizePt(value) : undefined;
    if (pt === undefined) {
      ctx.addIssue({ code: 'custom', input: value, message: SIZE_EXPECTED });
      return z.NEVER;
    }
    return pt;
  }).optional(),
  /** A font role; checked against the roles the styles define once the house style is loaded (checkHeadlineFonts). */
  font: z.string().regex(ROLE_NAME, 'expected a font role like `heading`, `body` or `kai`').optional(),
  weight: z
    .union([z.enum(Object.keys(WEIGHTS) as [keyof typeof WEIGHTS]), z.number().int().min(100).max(900).multipleOf(100)])
    .transform((w) => (typeof w === 'number' ? w : WEIGHTS[w]))
    .optional(),
  color: z.enum(PALETTE_NAMES as [PaletteName, ...PaletteName[]]).optional(),
  align: z.enum(['left', 'center', 'right']).optional(),
  /** The most lines the title may take. */
  lines: z.number().int().min(1).max(4).optional(),
  direction: z.enum(['horizontal', 'vertical']).optional(),
});

export type HeadlineStyle = z.infer<typeof headlineStyleSchema>;

/** Front matter's style with edition.yaml's on top, field by field: the desk's placement wins. */
export function mergeHeadlineStyles(frontMatter: HeadlineStyle | undefined, edition: HeadlineStyle | undefined): HeadlineStyle {
  const merged: HeadlineStyle = { ...frontMatter };
  for (const [key, value] of Object.entries(edition ?? {})) if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  return merged;
}
