import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Fonts come from npm (TrueType outlines, which Chromium embeds as CID TrueType), never from
 * the system, whose Noto CJK files are CFF and print as Type 3.
 */
export const FONT_FACES = [
  { pkg: 'noto-serif-sc', css: ['400.css', '700.css'] },
  { pkg: 'noto-sans-sc', css: ['400.css', '700.css', '900.css'] },
  { pkg: 'lxgw-wenkai', css: ['500.css', '700.css'] },
] as const;

const require = createRequire(import.meta.url);

/** Folder holding a font package's files (what `/fonts/<pkg>/` serves). */
export function fontPackageDir(pkg: string): string {
  return dirname(require.resolve(`@fontsource/${pkg}/package.json`));
}

/** One stylesheet of @font-face rules whose URLs point at our server's `/fonts/` route. */
export async function buildFontsCss(urlPrefix = '/fonts'): Promise<string> {
  const parts: string[] = [];
  for (const face of FONT_FACES) {
    for (const css of face.css) {
      const text = await readFile(join(fontPackageDir(face.pkg), css), 'utf8');
      parts.push(
        text
          // woff2 only: one format keeps the PDF's font list short and identical everywhere.
          .replace(/,\s*url\([^)]*\.woff\) format\('woff'\)/g, '')
          .replaceAll('url(./files/', `url(${urlPrefix}/${face.pkg}/files/`)
          .replace(/font-display: swap;/g, 'font-display: block;'),
      );
    }
  }
  return parts.join('\n');
}
