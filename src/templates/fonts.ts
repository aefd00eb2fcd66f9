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

/** One stylesheet of @font-face rules whose URLs point at our server's `/fonts/` route. */
export async function buildFontsCss(urlPrefix = '/fonts'): Promise<string> {
  const parts: string[] = [];
  for (const face of FONT_FACES) {
    for (const { css, extended } of stylesheetsFor(face)) {
      const text = await readFile(join(fontPackageDir(face.pkg), css), 'utf8');
      const renamed = extended ? text.replace(/font-family: '([^']+)';/g, `font-family: '$1${EXTENDED_SUFFIX}';`) : text;
      parts.push(
        renamed
          // woff2 only: one format keeps the PDF's font list short and identical everywhere.
          .replace(/,\s*url\([^)]*\.woff\) format\('woff'\)/g, '')
          .replaceAll('url(./files/', `url(${urlPrefix}/${face.pkg}/files/`)
          .replace(/font-display: swap;/g, 'font-display: block;'),
      );
    }
  }
  return parts.join('\n');
}
