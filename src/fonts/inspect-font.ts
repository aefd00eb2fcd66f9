import { openFont } from './open-font.js';

/** What presswork needs to know about a supplied font before it may reach a plate. */
export interface FontFacts {
  postscriptName: string;
  familyName: string;
  /** `truetype`: glyf outlines; `cff`: CFF outlines (Chromium prints these as Type 3); `cff2`: variable CFF. */
  outlines: 'truetype' | 'cff' | 'cff2' | 'none';
  /** OS/2 fsType as the 16-bit number the font carries (0 when it has no OS/2 table). */
  fsType: number;
  /** The face's index in a collection (0 for a single font). */
  faceIndex: number;
  codePoints: Set<number>;
}

export class FontRefusal extends Error {}

// fontkit decodes fsType into named flags; these are their bits in the OS/2 table.
const FS_TYPE_BITS = { noEmbedding: 0x0002, viewOnly: 0x0004, editable: 0x0008, noSubsetting: 0x0100, bitmapOnly: 0x0200 } as const;

interface FontkitFace {
  postscriptName: string;
  familyName: string;
  characterSet: number[];
  directory: { tables: Record<string, unknown> };
  'OS/2'?: { fsType?: Partial<Record<keyof typeof FS_TYPE_BITS, boolean>> };
}

/** The file kinds a paper may supply, by their first bytes. */
function sfntKind(bytes: Uint8Array): 'ttf' | 'otf' | 'ttc' | 'woff2' | undefined {
  const tag = String.fromCharCode(...bytes.subarray(0, 4));
  if (tag === '\0\u0001\0\0' || tag === 'true') return 'ttf';
  if (tag === 'OTTO') return 'otf';
  if (tag === 'ttcf') return 'ttc';
  if (tag === 'wOF2') return 'woff2';
  return undefined;
}

/**
 * Read a supplied font (TTF, OTF, TTC or WOFF2) and the face to use from it: a collection's
 * face by PostScript name or index. Throws FontRefusal, with the reason, for anything else.
 */
export async function inspectFont(bytes: Uint8Array, face?: string | number): Promise<FontFacts> {
  const kind = sfntKind(bytes);
  if (!kind) throw new FontRefusal('is refused: it is not a TrueType, OpenType, TrueType collection or WOFF2 font (WOFF 1 and Type 1 are not accepted)');
  let opened: unknown;
  try {
    opened = await openFont(bytes);
  } catch (error) {
    throw new FontRefusal(`is refused: it cannot be read as a font: ${(error as Error).message}`);
  }
  const { font, index } = pickFace(opened, kind, face);
  const tables = font.directory.tables;
  const outlines = 'glyf' in tables && 'loca' in tables ? 'truetype' : 'CFF ' in tables ? 'cff' : 'CFF2' in tables ? 'cff2' : 'none';
  const flags = font['OS/2']?.fsType ?? {};
  let fsType = 0;
  for (const [name, bit] of Object.entries(FS_TYPE_BITS)) if (flags[name as keyof typeof FS_TYPE_BITS]) fsType |= bit;
  return {
    postscriptName: font.postscriptName ?? '',
    familyName: font.familyName ?? '',
    outlines,
    fsType,
    faceIndex: index,
    codePoints: new Set(font.characterSet),
  };
}

function pickFace(opened: unknown, kind: string, face: string | number | undefined): { font: FontkitFace; index: number } {
  const fonts = (opened as { fonts?: FontkitFace[] }).fonts;
  if (kind !== 'ttc' || !fonts) {
    if (face !== undefined && face !== 0) throw new FontRefusal(`is refused: it is a single font, not a collection: remove \`face: ${face}\``);
    return { font: opened as FontkitFace, index: 0 };
  }
  const names = fonts.map((f) => f.postscriptName);
  if (face === undefined) {
    if (fonts.length === 1) return { font: fonts[0]!, index: 0 };
    throw new FontRefusal(`is refused: it is a collection of ${fonts.length} faces; name one with \`face:\` (${names.join(', ')}) or its index`);
  }
  const index = typeof face === 'number' ? face : names.indexOf(face);
  if (index < 0 || index >= fonts.length) {
    throw new FontRefusal(`is refused: it has no face ${typeof face === 'number' ? `number ${face}` : `\`${face}\``}; its faces are ${names.map((n, i) => `${i}: ${n}`).join(', ')}`);
  }
  return { font: fonts[index]!, index };
}

/**
 * Why a font may not be printed, or undefined when it may. The licence bits follow the
 * OpenType OS/2 spec: of the usage bits 1–3 the least restrictive set applies, so only
 * "restricted licence" alone forbids embedding; a print build also subsets every font and
 * embeds outlines, which bits 8 and 9 forbid.
 */
export function embeddingProblem(facts: FontFacts): string | undefined {
  const hex = `0x${facts.fsType.toString(16).toUpperCase().padStart(4, '0')}`;
  if ((facts.fsType & 0x000e) === 0x0002) {
    return `its OS/2 fsType is ${hex}: bit 0x0002, "restricted licence embedding", forbids embedding it in a PDF; ask the foundry for a print (embeddable) licence and a font with fsType 0, 4 or 8`;
  }
  if (facts.fsType & 0x0200) return `its OS/2 fsType is ${hex}: bit 0x0200, "bitmap embedding only", forbids embedding its outlines`;
  if (facts.fsType & 0x0100) return `its OS/2 fsType is ${hex}: bit 0x0100, "no subsetting", forbids the per-page subsets every print build embeds`;
  if (facts.outlines === 'none') return 'it has no outlines (no glyf or CFF table): a bitmap-only font cannot be printed';
  if (facts.outlines === 'cff2') return 'it has CFF2 (variable) outlines, which presswork cannot convert to TrueType; supply a static TTF or OTF instance';
  if (facts.codePoints.size === 0) return 'it maps no characters (empty cmap)';
  return undefined;
}
