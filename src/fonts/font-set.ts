import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { EXTENDED_SUFFIX, ROLE_DEFAULTS, type FontFaceSource } from './npm-fonts.js';
import { FALLBACK_FONT, fontChains, type FontChains } from './font-chain.js';
import type { HouseStyle } from './load-house-style.js';

/** The fonts of an edition: the house style's faces, the npm fonts, and the fallback. */
export interface FontSet {
  house: HouseStyle;
  chains: FontChains;
  /** The house fonts as @font-face sources, before the npm faces in every page. */
  houseFaces: FontFaceSource[];
  /** BabelStone Han, after every other face. */
  fallbackFace: FontFaceSource;
  /** PostScript names of the fonts a page may embed besides the npm ones. */
  pdfFontNames: string[];
  /** House style and fallback font, for the page cache key. */
  digest: string;
}

export const FALLBACK_FAMILY = 'Presswork Fallback';
const houseFamily = (role: string) => `Presswork House ${role}`;

export async function createFontSet(house: HouseStyle): Promise<FontSet> {
  const houseFaces = house.faces.map(
    (face): FontFaceSource => ({ family: houseFamily(face.role), weight: face.weight ? String(face.weight) : '100 900', style: 'normal', path: face.path }),
  );
  const fallback = statSync(FALLBACK_FONT, { throwIfNoEntry: false });
  return {
    house,
    chains: await fontChains(house.faces),
    houseFaces,
    fallbackFace: { family: FALLBACK_FAMILY, weight: '100 900', style: 'normal', path: FALLBACK_FONT },
    pdfFontNames: [...new Set([...house.faces.map((f) => f.facts.postscriptName).filter(Boolean), 'BabelStoneHan'])],
    digest: createHash('sha256').update(`${house.digest}\n${FALLBACK_FONT}\0${fallback?.size}\0${fallback?.mtimeMs}`).digest('hex'),
  };
}

/**
 * The font roles the styles define (`--font-<role>`): the built-in ones and those the house
 * style adds. A headline's `font:` must be one of them.
 */
export function definedFontRoles(set: FontSet | undefined): string[] {
  return [...new Set<string>([...Object.keys(ROLE_DEFAULTS), ...(set?.house.faces.map((f) => f.role) ?? [])])];
}

/**
 * `html:root { --font-body: …; }`: each role's families in chain order, ending in the fallback
 * and no generic family, so no character is ever set in a system font. It outranks the
 * defaults in newspaper.css's `:root`. `withHouse: false` leaves the house faces out (a page
 * that does not declare them).
 */
export function roleVariablesCss(set: FontSet | undefined, withHouse = true): string {
  const roles = definedFontRoles(set);
  const lines: string[] = [];
  for (const role of roles) {
    const hasHouse = withHouse && Boolean(set?.house.faces.some((f) => f.role === role));
    const npm = ROLE_DEFAULTS[role as keyof typeof ROLE_DEFAULTS] ?? ROLE_DEFAULTS.heading;
    const families = [
      // LXGW WenKai's narrow quotes are replaced by the Song face's; a house 楷 has its own.
      ...(role === 'kai' && !hasHouse ? ['Presswork CJK Punctuation'] : []),
      ...(hasHouse ? [houseFamily(role)] : []),
      npm.family,
      ...(role === 'kai' ? [] : [`${npm.family}${EXTENDED_SUFFIX}`]),
      FALLBACK_FAMILY,
    ];
    lines.push(`  --font-${role}: ${families.map((f) => `'${f}'`).join(', ')};`);
  }
  return `html:root {\n${lines.join('\n')}\n}`;
}
