import type { FontFallback } from './font-chain.js';
import type { HouseStyle } from './load-house-style.js';

/**
 * A house font must cover the edition's text: one message per supplied font on house.yaml,
 * at the font's line, listing the characters of its role it lacks and where they went. The
 * characters themselves are reported where they were typed (remark-font-coverage).
 */
export function reportFontCoverage(house: HouseStyle, fallbacks: FontFallback[]): void {
  if (!house.file) return;
  for (const role of new Set(house.faces.map((f) => f.role))) {
    const faces = house.faces.filter((f) => f.role === role);
    const missing = new Map<number, string>();
    for (const f of fallbacks) if (f.role === role && !faces.some((face) => face.facts.codePoints.has(f.codePoint))) missing.set(f.codePoint, f.font);
    if (missing.size === 0) continue;
    const shown = [...missing].slice(0, 12).map(([cp, font]) => `${String.fromCodePoint(cp)} (${font})`).join(', ');
    const more = missing.size > 12 ? `, and ${missing.size - 12} more` : '';
    house.file.info(`Font \`${faces.map((f) => f.source).join('`, `')}\` (\`fonts.${role}\`) lacks ${missing.size} ${missing.size === 1 ? 'character' : 'characters'} of this edition's ${role} text, set from the fallback chain: ${shown}${more}`, {
      place: faces[0]!.place,
      ruleId: 'house-font-coverage',
      source: 'presswork',
    });
  }
}
