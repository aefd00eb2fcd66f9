import { readFile } from 'node:fs/promises';
import fontkit from '@pdf-lib/fontkit';
import type { Color, PDFDocument, PDFFont, PDFPage } from 'pdf-lib';
import { createPromiseCache } from '../util/promise-cache.js';
import { DECODED_FONTS_DIR, decodedFace } from '../fonts/decoded-faces.js';
import { findFontSubsets } from './font-subsets.js';

/** The slug font: Noto Sans SC from npm, a TrueType font pdf-lib embeds as a subset. */
const SLUG_FONT_PACKAGE = '@fontsource/noto-sans-sc';
/**
 * WOFF, not WOFF2: fontkit's subsetter copies raw `glyf` bytes, which WOFF2 stores
 * transformed, so WOFF2 subsets come out with empty glyphs.
 */
const FORMAT = { format: 'woff' } as const;

// Each slice decoded to TrueType once per machine (kept in the decoded-fonts cache) and read once per process.
const trueTypeSlices = createPromiseCache<string, Uint8Array>();
const trueTypeSlice = (file: string) =>
  trueTypeSlices.get(file, async () => {
    const decoded = await decodedFace(file, DECODED_FONTS_DIR);
    return typeof decoded === 'string' ? readFile(decoded) : decoded;
  });

const embeddedFonts = new WeakMap<PDFDocument, Map<string, Promise<PDFFont>>>();

/**
 * fontkit with one parsed font per slice's bytes, shared by every plate's document: fontkit
 * decodes a font's layout tables on its first line of text, which took ~25 ms a plate. Each
 * embedding still makes its own subset; the parsed font only answers questions.
 */
type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
const parsedFonts = new WeakMap<Uint8Array, ReturnType<Fontkit['create']>>();
const sharedFontkit: Fontkit = {
  create(bytes, postscriptName) {
    if (postscriptName !== undefined) return fontkit.create(bytes, postscriptName);
    let font = parsedFonts.get(bytes);
    if (!font) parsedFonts.set(bytes, (font = fontkit.create(bytes)));
    return font;
  },
};

export interface SlugTextOptions {
  x: number;
  y: number;
  size: number;
  color: Color;
  /** Noto Sans SC weight (400 by default; the sample ads set heads at 700 and 900). */
  weight?: number;
}

/**
 * Draw `text` (Chinese and Latin) with embedded subsets of Noto Sans SC. Fontsource ships
 * the font in unicode-range slices, so each run of text is set in the slice that has it.
 * Returns the width drawn, in points.
 */
export async function drawSlugText(doc: PDFDocument, page: PDFPage, text: string, options: SlugTextOptions): Promise<number> {
  doc.registerFontkit(sharedFontkit);
  const format = { ...FORMAT, weight: options.weight ?? 400 };
  const { subsets, missing } = findFontSubsets(SLUG_FONT_PACKAGE, text, format);
  if (missing.length) throw new Error(`Slug line: no font has ${missing.map((c) => `"${c}"`).join(', ')}`);
  // One embedded font per slice file and document, however many runs of text use it.
  const embedded = embeddedFonts.get(doc) ?? new Map<string, Promise<PDFFont>>();
  embeddedFonts.set(doc, embedded);
  const fonts = new Map<string, PDFFont>();
  for (const subset of subsets) {
    if (!embedded.has(subset.file)) embedded.set(subset.file, trueTypeSlice(subset.file).then((bytes) => doc.embedFont(bytes, { subset: true })));
    fonts.set(subset.key, await embedded.get(subset.file)!);
  }
  // Map every character to the subset that covers it, then draw runs of the same subset.
  const keyOf = new Map<string, string>();
  for (const char of new Set(text)) {
    const { subsets: one } = findFontSubsets(SLUG_FONT_PACKAGE, char, format);
    if (one[0]) keyOf.set(char, one[0].key);
  }
  let x = options.x;
  let run = '';
  let runKey: string | undefined;
  const flush = () => {
    if (!run || !runKey) return;
    const font = fonts.get(runKey)!;
    page.drawText(run, { x, y: options.y, size: options.size, font, color: options.color });
    x += font.widthOfTextAtSize(run, options.size);
    run = '';
  };
  for (const char of text) {
    const key = keyOf.get(char) ?? runKey;
    if (key !== runKey) flush();
    runKey = key;
    run += char;
  }
  flush();
  return x - options.x;
}
