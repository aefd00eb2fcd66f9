import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildFontsCss, fontFaceRule } from '../fonts/npm-fonts.js';
import { FALLBACK_FAMILY, roleVariablesCss, type FontSet } from '../fonts/font-set.js';
import { FALLBACK_FONT } from '../fonts/font-chain.js';
import { basename } from 'node:path';
import { loadBundle, type BundleSpec } from '../util/browser-bundle.js';
import { PACKAGE_ROOT } from '../util/package-root.js';

const require = createRequire(import.meta.url);

/** Exact Paged.js version in use, for reports and cache keys. */
// pagedjs's exports map hides its files; find the package folder from its main entry.
const PAGEDJS_DIR = join(dirname(require.resolve('pagedjs')), '..');

export function pagedjsVersion(): string {
  return (JSON.parse(readFileSync(join(PAGEDJS_DIR, 'package.json'), 'utf8')) as { version: string }).version;
}

let bundled: Promise<string> | undefined;

/** The browser-side layout code. Kept as UTF-8, not \u escapes: page-fonts.ts reads the characters the script can add. */
export const LAYOUT_BUNDLE: BundleSpec = { name: 'layout', entries: ['src/browser/entry.ts'], utf8: true };

/** The browser-side layout code, prebuilt in the package or bundled once per process from source. */
export function bundleLayoutScript(): Promise<string> {
  bundled ??= loadBundle(LAYOUT_BUNDLE).then((files) => files.get('entry.js')!);
  return bundled;
}

/**
 * Write what the page loads from `/assets/`: fonts.css, newspaper.css, paged.js, layout.js.
 * fonts.css (whole fonts, the preview's) declares the house fonts too when `fontSet` has
 * them, copied beside it; the print build declares subsets per page.
 */
export async function writeBrowserAssets(assetsDir: string, fontSet?: FontSet): Promise<void> {
  await mkdir(assetsDir, { recursive: true });
  const fallback = fontFaceRule({ family: FALLBACK_FAMILY, style: 'normal', weight: '100 900' }, `url(/fonts/fallback/${basename(FALLBACK_FONT)}) format('truetype')`, 'U+0-10FFFF');
  const house = await Promise.all(
    (fontSet?.houseFaces ?? []).map(async (face) => {
      // Flat and relative: the preview versions the assets folder's URL and hashes its files.
      // Named by the file's identity, so a build that finds it already there copies nothing.
      const { size, mtimeMs } = await stat(face.path);
      const name = `house-${createHash('sha256').update(`${face.path}\0${size}\0${mtimeMs}`).digest('hex').slice(0, 16)}.ttf`;
      const target = join(assetsDir, name);
      if (!(await stat(target).catch(() => undefined))) {
        const temp = `${target}.tmp-${process.pid}`;
        await copyFile(face.path, temp);
        await rename(temp, target);
      }
      return fontFaceRule(face, `url(${name}) format('truetype')`, 'U+0-10FFFF');
    }),
  );
  await Promise.all([
    writeFile(join(assetsDir, 'fonts.css'), [...house, await buildFontsCss('/fonts'), fallback, roleVariablesCss(fontSet), ''].join('\n')),
    writeFile(join(assetsDir, 'fonts-extended.css'), await buildFontsCss('/fonts', 'extended')),
    writeFile(join(assetsDir, 'layout.js'), await bundleLayoutScript()),
    copyFile(join(PACKAGE_ROOT, 'styles', 'newspaper.css'), join(assetsDir, 'newspaper.css')),
    copyFile(join(PAGEDJS_DIR, 'dist', 'paged.js'), join(assetsDir, 'paged.js')),
  ]);
}
