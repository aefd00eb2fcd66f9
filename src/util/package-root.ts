import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where presswork's own files are: the folder of its package.json, holding templates/,
 * styles/ and either src/ (a clone, run through tsx) or dist/ (the published package).
 * Found by walking up from this module, so it works from both and from any install folder.
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'presswork') return dir;
    if (dirname(dir) === dir) throw new Error(`presswork's package.json not found above ${from}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

export const PACKAGE_VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Running the TypeScript sources (tsx, vitest) rather than the compiled dist/: code can then
 * change without a version change, and browser bundles are made on demand, not read prebuilt.
 */
export const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * Where the files that the code reads beside itself are (the preview's stylesheet, the font
 * converter script), by their path under src/: src/ itself, or dist/, where the package build
 * copies them. Not beside this module: in the package all the code is one file, dist/presswork.cjs.
 */
export const codeFile = (...parts: string[]): string => join(PACKAGE_ROOT, RUNNING_FROM_SOURCE ? 'src' : 'dist', ...parts);

/** presswork's folder in the user's cache (XDG_CACHE_HOME, else ~/.cache): kept across builds and output folders. */
export function userCacheDir(...parts: string[]): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'presswork', ...parts);
}
