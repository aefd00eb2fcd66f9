import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { packageFontFiles, ROLE_DEFAULTS } from './npm-fonts.js';
import { openFont } from './open-font.js';
import type { HouseFace } from './load-house-style.js';
import { userCacheDir } from '../util/package-root.js';

/** One font of a role's fallback chain. */
export interface ChainLink {
  /** The font's name as people know it: `BabelStone Han`, `Noto Serif SC`, `FZShuSong (fonts/song.ttf)`. */
  name: string;
  has(codePoint: number): boolean;
}

/** A character set from a later font of its role's chain than the first. */
export interface FontFallback {
  codePoint: number;
  role: string;
  /** The chain font that sets it. */
  font: string;
}

/** Role → its fonts in the order the page tries them: the house font, the npm font (with its ` Extended` slices), the fallback. */
export type FontChains = Map<string, ChainLink[]>;

/**
 * The last font of every chain: Debian's fonts-babelstone-han, TrueType outlines for all of
 * Unicode 15's Han, Extensions A–G included. PRESSWORK_FALLBACK_FONT points elsewhere.
 */
export const FALLBACK_FONT = process.env.PRESSWORK_FALLBACK_FONT || '/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf';
export const FALLBACK_NAME = 'BabelStone Han';

/** Characters of the npm and fallback fonts, computed once per machine (reading 100 woff2 slices, or 51 MB, takes a second), in the user's cache folder. */
const COVERAGE_DIR = userCacheDir('coverage');

async function coverageOf(files: string[]): Promise<Set<number>> {
  const key = createHash('sha256');
  for (const file of files) key.update(`${file}\0${(await stat(file)).size}\n`);
  const cached = join(COVERAGE_DIR, `${key.digest('hex').slice(0, 24)}.json`);
  const earlier = await readFile(cached, 'utf8').then((text) => JSON.parse(text) as number[], () => undefined);
  if (earlier) return new Set(earlier);
  const codePoints = new Set<number>();
  for (const file of files) for (const cp of (await openFont(await readFile(file))).characterSet) codePoints.add(cp);
  // A read-only install only loses the shortcut.
  await mkdir(COVERAGE_DIR, { recursive: true })
    .then(() => writeFileAtomic(cached, JSON.stringify([...codePoints])))
    .catch(() => undefined);
  return codePoints;
}

const link = (name: string, codePoints: Set<number>): ChainLink => ({ name, has: (cp) => codePoints.has(cp) });

const faces = new Map<string, Promise<Set<number>>>();

/** The characters of one font file (kept per machine like every coverage here, and per process). */
export function faceCoverage(path: string): Promise<Set<number>> {
  let coverage = faces.get(path);
  if (!coverage) {
    coverage = coverageOf([path]);
    faces.set(path, coverage);
    coverage.catch(() => faces.delete(path));
  }
  return coverage;
}

let fallback: Promise<ChainLink> | undefined;

/** The fallback font's link; an error naming the Debian package when it is not installed. */
export function fallbackLink(): Promise<ChainLink> {
  fallback ??= (async () => {
    if (!existsSync(FALLBACK_FONT)) throw new Error(`The fallback font ${FALLBACK_FONT} is missing: install the Debian package fonts-babelstone-han (npm run setup does)`);
    return link(FALLBACK_NAME, await coverageOf([FALLBACK_FONT]));
  })();
  return fallback;
}

const npmChains = new Map<string, Promise<ChainLink[]>>();

/**
 * A built-in role's npm font: its main face and its ` Extended` slices, one typeface (the
 * slices are the rest of the same font), so a character from the slices is no fallback.
 */
function npmChain(role: keyof typeof ROLE_DEFAULTS): Promise<ChainLink[]> {
  let chain = npmChains.get(role);
  if (!chain) {
    const { family, pkg, weight } = ROLE_DEFAULTS[role];
    chain = (async () => {
      const main = await coverageOf(await packageFontFiles(pkg, weight, false));
      const extendedFiles = await packageFontFiles(pkg, weight, true);
      const extended = extendedFiles.length > 0 ? await coverageOf(extendedFiles) : new Set<number>();
      return [{ name: family, has: (cp: number) => main.has(cp) || extended.has(cp) }];
    })();
    npmChains.set(role, chain);
  }
  return chain;
}

const isBuiltIn = (role: string): role is keyof typeof ROLE_DEFAULTS => role in ROLE_DEFAULTS;

/**
 * Every role's chain: its house fonts (any weight's file counts: a weight's file missing a
 * character falls to the next face of the same family, which the coverage cannot tell apart),
 * the npm font of the role (a role of the house's own falls back like `heading`), BabelStone Han.
 */
export async function fontChains(faces: HouseFace[]): Promise<FontChains> {
  const roles = new Set<string>([...Object.keys(ROLE_DEFAULTS), ...faces.map((f) => f.role)]);
  const chains: FontChains = new Map();
  for (const role of roles) {
    const house = faces.filter((f) => f.role === role).map((f) => link(`${f.facts.familyName || f.facts.postscriptName} (${f.source})`, f.facts.codePoints));
    chains.set(role, [...house, ...(await npmChain(isBuiltIn(role) ? role : 'heading')), await fallbackLink()]);
  }
  return chains;
}
