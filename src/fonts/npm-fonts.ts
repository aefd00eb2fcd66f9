import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Fonts come from npm (TrueType outlines, which Chromium embeds as CID TrueType), never from
 * the system, whose Noto CJK files are CFF and print as Type 3.
 */
export const FONT_FACES = [
  { pkg: 'noto-serif-sc', weights: [400, 700], whole: true },
  { pkg: 'noto-sans-sc', weights: [400, 700, 900], whole: true },
  { pkg: 'lxgw-wenkai', weights: [500, 700], whole: false },
] as const;

/**
 * Each built-in role's npm font, the default a house style replaces: its family, package and
 * the weight whose files stand for its coverage.
 */
export const ROLE_DEFAULTS = {
  body: { family: 'Noto Serif SC', pkg: 'noto-serif-sc', weight: 400 },
  heading: { family: 'Noto Sans SC', pkg: 'noto-sans-sc', weight: 400 },
  kai: { family: 'LXGW WenKai', pkg: 'lxgw-wenkai', weight: 500 },
} as const;

/** The woff2 files of a package's weight: its main face, or its ` Extended` slices. */
export async function packageFontFiles(pkg: string, weight: number, extended: boolean): Promise<string[]> {
  const face = FONT_FACES.find((f) => f.pkg === pkg);
  if (!face) return [];
  const dir = fontPackageDir(pkg);
  const sheets = stylesheetsFor(face).filter((s) => s.extended === extended && s.css.includes(String(weight)));
  const files: string[] = [];
  for (const { css } of sheets) {
    for (const [, file] of (await readFile(join(dir, css), 'utf8')).matchAll(/url\(\.\/files\/([^)]+\.woff2)\)/g)) files.push(join(dir, 'files', file!));
  }
  return files;
}

/** Family name of a package's unicode-range slices when a single whole file is the main face. */
export const EXTENDED_SUFFIX = ' Extended';

/**
 * Stylesheets per face. The Noto packages ship one file for all of simplified Chinese;
 * loading it instead of ~100 unicode-range slices makes layout and printing several times
 * faster and the PDF's font list short. Chromium fetches every slice whose range matches,
 * even when an earlier face has the glyph, so the slices go under a separate family
 * (`Noto Serif SC Extended`) that the CSS lists next, for rare characters only.
 */
function stylesheetsFor(face: (typeof FONT_FACES)[number]): { css: string; extended: boolean }[] {
  return face.weights.flatMap((w) =>
    face.whole
      ? [
          { css: `${w}.css`, extended: true },
          { css: `latin-${w}.css`, extended: false },
          { css: `chinese-simplified-${w}.css`, extended: false },
        ]
      : [{ css: `${w}.css`, extended: false }],
  );
}

const require = createRequire(import.meta.url);

/** Folder holding a font package's files (what `/fonts/<pkg>/` serves). */
export function fontPackageDir(pkg: string): string {
  return dirname(require.resolve(`@fontsource/${pkg}/package.json`));
}

/**
 * LXGW WenKai (楷体: notes, captions, bylines) draws “ ” ‘ ’ as narrow Western quotes
 * (0.35 em), and has no `halt` or `chws` feature, so text-spacing-trim cannot set its
 * adjacent punctuation in 1.5 em or trim a comma at a line end: its justified lines open
 * up wherever a pair like `干”，` is pushed to the next line. Text set in 楷体 takes its
 * quotes and full-width punctuation from the Song face instead, through this family. It
 * points at the very file of the Song face (whole, or the page's subset), so the page loads
 * nothing more for it and has it ready whenever the Song face is.
 */
const PUNCTUATION_FAMILY = 'Presswork CJK Punctuation';
const PUNCTUATION_RANGE =
  'U+2018-2019, U+201C-201D, U+3001-3002, U+3008-3011, U+3014-301B, U+FF01, U+FF08-FF09, U+FF0C, U+FF1A-FF1B, U+FF1F, U+FF3B, U+FF3D, U+FF5B, U+FF5D';
/** Song weights that serve the punctuation family's light and bold ranges. */
const PUNCTUATION_WEIGHTS = [
  { song: '400', range: '100 600' },
  { song: '700', range: '601 900' },
];

/** File name of the whole Song face of a weight, in @fontsource/noto-serif-sc. */
export const songFile = (weight: string) => `noto-serif-sc-chinese-simplified-${weight}-normal.woff2`;

/** The punctuation family's faces, given where the Song face of each weight is served. */
export function punctuationFaces(songSrc: (weight: string) => string | undefined): string {
  return PUNCTUATION_WEIGHTS.flatMap(({ song, range }) => {
    const src = songSrc(song);
    if (!src) return [];
    return [fontFaceRule({ family: PUNCTUATION_FAMILY, style: 'normal', weight: range }, src, PUNCTUATION_RANGE)];
  }).join('\n');
}

/** An `@font-face` rule of ours (font-display: block, like the fontsource faces we serve). */
export function fontFaceRule(face: Pick<FontFaceSource, 'family' | 'style' | 'weight'>, src: string, unicodeRange: string): string {
  return [
    '@font-face {',
    `  font-family: '${face.family}';`,
    `  font-style: ${face.style};`,
    `  font-weight: ${face.weight};`,
    '  font-display: block;',
    `  src: ${src};`,
    `  unicode-range: ${unicodeRange};`,
    '}',
  ].join('\n');
}

/** One `@font-face` of the stylesheet, with the file behind it. */
export interface FontFaceSource {
  family: string;
  weight: string;
  style: string;
  /** The woff2 file on disk. */
  path: string;
}

/**
 * One stylesheet of @font-face rules whose URLs point at our server's `/fonts/` route: every
 * face, or only the ` Extended` slices (the print build declares the main faces per page).
 */
export async function buildFontsCss(urlPrefix = '/fonts', faces: 'all' | 'extended' = 'all'): Promise<string> {
  const parts: string[] = [];
  for (const face of FONT_FACES) {
    for (const { css, extended } of stylesheetsFor(face).filter((s) => faces === 'all' || s.extended)) {
      parts.push(fontsourceCss(await readFile(join(fontPackageDir(face.pkg), css), 'utf8'), face.pkg, extended, urlPrefix));
    }
  }
  if (faces === 'all') {
    parts.push(punctuationFaces((w) => `url(${urlPrefix}/noto-serif-sc/files/${songFile(w)}) format('woff2')`));
  }
  return parts.join('\n');
}

/** The whole faces (not the ` Extended` slices) the stylesheet defines, in its order. */
export async function mainFontFaces(): Promise<FontFaceSource[]> {
  const faces: FontFaceSource[] = [];
  for (const face of FONT_FACES) {
    const dir = fontPackageDir(face.pkg);
    for (const { css } of stylesheetsFor(face).filter((s) => !s.extended)) {
      const text = await readFile(join(dir, css), 'utf8');
      for (const block of text.match(/@font-face\s*{[^}]*}/g) ?? []) {
        const field = (name: string) => new RegExp(`${name}:\\s*([^;]+);`).exec(block)?.[1]?.trim() ?? '';
        const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
        if (!file) continue;
        faces.push({ family: field('font-family').replace(/^'|'$/g, ''), weight: field('font-weight'), style: field('font-style'), path: join(dir, 'files', file) });
      }
    }
  }
  return faces;
}

function fontsourceCss(text: string, pkg: string, extended: boolean, urlPrefix: string): string {
  const renamed = extended ? text.replace(/font-family: '([^']+)';/g, `font-family: '$1${EXTENDED_SUFFIX}';`) : text;
  return (
    renamed
      // woff2 only: one format keeps the PDF's font list short and identical everywhere.
      .replace(/,\s*url\([^)]*\.woff\) format\('woff'\)/g, '')
      .replaceAll('url(./files/', `url(${urlPrefix}/${pkg}/files/`)
      .replace(/font-display: swap;/g, 'font-display: block;')
  );
}
