/**
 * Characters that must not be printed as they were typed: emoji (no newspaper font has
 * them, so they would print as tofu or in a system font), invisible control and format
 * characters, and bidi controls (which can reorder what the reader sees).
 */
export type CopyKind = 'emoji' | 'control' | 'bidi';

/** The house rule (house.yaml `copy:`): each kind removed or replaced. */
export interface CopyRule {
  emoji: 'remove' | 'replace';
  control: 'remove' | 'replace';
  bidi: 'remove' | 'replace';
  /** What `replace` puts in their place. */
  replacement: string;
}

export const DEFAULT_COPY_RULE: CopyRule = { emoji: 'remove', control: 'remove', bidi: 'remove', replacement: '〓' };

export interface CopyCharacter {
  /** UTF-16 index in the text. */
  index: number;
  /** The character, or the whole emoji sequence (👨‍👩‍👧, 🇨🇳, 1️⃣). */
  text: string;
  kind: CopyKind;
}

// RGI emoji sequences first, so a ZWJ or a variation selector inside one stays part of it.
// Controls: C0 and C1 but tab and line ends, and invisible format characters.
// The `v` flag (RGI_Emoji) is newer than the TypeScript target, so the pattern is built at run time.
const COPY_CHARACTERS = new RegExp(
  String.raw`(\p{RGI_Emoji})|([\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200D\u2060\uFEFF\uFFF9-\uFFFB])|([\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C])`,
  'gv',
);

/**
 * A character that every match of COPY_CHARACTERS holds: a pictograph, a regional indicator, a skin tone,
 * a keycap or emoji presentation mark, a control or a bidi mark. Copy almost never has one,
 * and this class scans text many times faster than the RGI_Emoji alternation, which is only
 * run when it finds one.
 */
const MAY_MATCH = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u{1F3FB}-\u{1F3FF}\u20E3\uFE0F\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200D\u2060\uFEFF\uFFF9-\uFFFB\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;

export function findCopyCharacters(text: string): CopyCharacter[] {
  const found: CopyCharacter[] = [];
  if (!MAY_MATCH.test(text)) return found;
  for (const match of text.matchAll(COPY_CHARACTERS)) {
    found.push({ index: match.index, text: match[0], kind: match[1] ? 'emoji' : match[2] ? 'control' : 'bidi' });
  }
  return found;
}

export function applyCopyRule(text: string, rule: CopyRule = DEFAULT_COPY_RULE): string {
  if (!MAY_MATCH.test(text)) return text;
  return text.replace(COPY_CHARACTERS, (all, emoji: string | undefined, control: string | undefined) => {
    const kind: CopyKind = emoji ? 'emoji' : control ? 'control' : 'bidi';
    return rule[kind] === 'replace' ? rule.replacement : '';
  });
}

/** `U+1F600` (each code point of a sequence: `U+1F1E8 U+1F1F3`). */
export function codePoints(text: string): string {
  return [...text].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}

/** Private use (U+E000–F8FF, planes 15–16): no agreed meaning, so no font may be trusted with it. */
export function isPrivateUse(codePoint: number): boolean {
  return (codePoint >= 0xe000 && codePoint <= 0xf8ff) || codePoint >= 0xf0000;
}
