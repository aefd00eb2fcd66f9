import { readFile } from 'node:fs/promises';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRef, type PDFObject, type PDFPage } from 'pdf-lib';
import { inkStats, renderCmyk, type CmykRaster } from './ink-raster.js';
import { arrayToBox, ptToMm, type Box, type SizeMm } from './page-geometry.js';
import type { PdfxVariant } from './pdfx.js';
import { checkBoxes, checkColourSpaces, checkOutputIntent, checkTextInk } from './preflight-structure.js';
import { contentStreams, fontDescriptor, imagePlacements, refLabel } from './plate-content.js';

function resolve(doc: PDFDocument, obj: PDFObject | undefined): PDFObject | undefined {
  return obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
}

/** One preflight problem, shaped to go into report.json's messages. */
export interface Finding {
  severity: 'error' | 'warning';
  /** The 版 the plate is for, e.g. A1. */
  pageId: string;
  /** The object at fault: a font, an image, a box, a region. */
  object: string;
  message: string;
  ruleId: string;
}

export interface PreflightOptions {
  /** Page id used in every finding. */
  pageId: string;
  /** Expected trim in mm. */
  trimMm: SizeMm;
  /** Expected bleed, mm. Default 3. */
  bleedMm?: number;
  /** Total ink limit in percent. Default 240. */
  inkLimit?: number;
  /** Default 'x1a'. */
  variant?: PdfxVariant;
  /** Effective resolution below which an image is an error. Default 200 ppi. */
  minPpi?: number;
  /** Effective resolution below which an image is a warning. Default 250 ppi. */
  warnPpi?: number;
  /** Resolution of the ink raster. Default 50 dpi. */
  inkDpi?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Hears each page's ink raster with its TrimBox (points from the raster's bottom-left):
   * the one render of the plate, for whoever wants its pixels too (the change image).
   */
  onInkRaster?: (raster: CmykRaster, trim: Box) => Promise<void>;
}

export type ResolvedPreflightOptions = Required<Omit<PreflightOptions, 'signal' | 'onInkRaster'>> & Pick<PreflightOptions, 'signal' | 'onInkRaster'>;

export function resolvePreflightOptions(options: PreflightOptions): ResolvedPreflightOptions {
  return {
    bleedMm: 3,
    inkLimit: 240,
    variant: 'x1a',
    minPpi: 200,
    warnPpi: 250,
    inkDpi: 50,
    timeoutMs: 60_000,
    ...options,
  };
}

function fontName(doc: PDFDocument, font: PDFDict): string {
  const base = resolve(doc, font.get(PDFName.of('BaseFont')));
  return base instanceof PDFName ? base.decodeText() : '(unnamed)';
}

/** True if the font's program is in the file (for Type0 fonts: the descendant's). */
function isEmbedded(doc: PDFDocument, font: PDFDict): boolean {
  const descriptor = fontDescriptor(doc, font);
  return descriptor !== undefined && ['FontFile', 'FontFile2', 'FontFile3'].some((k) => descriptor.has(PDFName.of(k)));
}

/** Every font the page's content streams (page, forms, Type 3 glyphs) can use, once each. */
function pageFonts(doc: PDFDocument, page: PDFPage, pageId: string): Array<{ font: PDFDict; ref: PDFObject | undefined }> {
  const fonts = new Map<PDFDict, PDFObject | undefined>();
  const visit = (resources: PDFDict | undefined) => {
    const dict = resources && resolve(doc, resources.get(PDFName.of('Font')));
    for (const [, ref] of dict instanceof PDFDict ? dict.entries() : []) {
      const font = resolve(doc, ref);
      if (!(font instanceof PDFDict) || fonts.has(font)) continue;
      fonts.set(font, ref);
      const glyphResources = resolve(doc, font.get(PDFName.of('Resources'))); // Type 3 glyphs may use fonts
      if (glyphResources instanceof PDFDict) visit(glyphResources);
    }
  };
  for (const { resources } of contentStreams(doc, page, pageId)) visit(resources);
  return [...fonts].map(([font, ref]) => ({ font, ref }));
}

/** Every font embedded, none Type 3. */
export function checkFonts(doc: PDFDocument, o: ResolvedPreflightOptions): Finding[] {
  return doc.getPages().flatMap((page) =>
    pageFonts(doc, page, o.pageId).flatMap(({ font, ref }): Finding[] => {
      const name = fontName(doc, font);
      const object = `font ${name}${refLabel(ref)}`;
      if (font.get(PDFName.of('Subtype')) === PDFName.of('Type3')) {
        return [{ severity: 'error', pageId: o.pageId, object, message: `Font ${name} is Type 3, which print plants reject; expected TrueType or CFF outlines`, ruleId: 'pdf/font-type3' }];
      }
      return isEmbedded(doc, font) ? [] : [{ severity: 'error', pageId: o.pageId, object, message: `Font ${name} is not embedded`, ruleId: 'pdf/font-embedded' }];
    }),
  );
}

/**
 * Effective resolution of every image at its placed size (walking the CTM, as `pdfimages
 * -list` does), and whether one image covers the whole trim: what Ghostscript leaves when it
 * flattens a page with transparency, text and all.
 */
export function checkImages(doc: PDFDocument, o: ResolvedPreflightOptions): Finding[] {
  return doc.getPages().flatMap((page) =>
    imagePlacements(doc, page, o.pageId).flatMap((image): Finding[] => {
      if (image.widthPt <= 0 || image.heightPt <= 0) return [];
      const xPpi = Math.round(image.widthPx / (image.widthPt / 72));
      const yPpi = Math.round(image.heightPx / (image.heightPt / 72));
      const ppi = Math.min(xPpi, yPpi);
      const { object } = image;
      if (ptToMm(image.widthPt) >= o.trimMm.width * 0.98 && ptToMm(image.heightPt) >= o.trimMm.height * 0.98) {
        return [{ severity: 'warning', pageId: o.pageId, object, message: `One image covers the whole page (${ppi} ppi): the page was probably flattened because of transparency, and its text is no longer vector`, ruleId: 'pdf/flattened-page' }];
      }
      const placed = `${ppi} ppi at its placed size`;
      if (ppi < o.minPpi) return [{ severity: 'error', pageId: o.pageId, object, message: `Image is ${placed}, expected at least ${o.minPpi} ppi`, ruleId: 'pdf/image-resolution' }];
      if (ppi < o.warnPpi) return [{ severity: 'warning', pageId: o.pageId, object, message: `Image is ${placed}, below the ${o.warnPpi} ppi we recommend`, ruleId: 'pdf/image-resolution' }];
      return [];
    }),
  );
}

/** Total ink inside the BleedBox under the limit, measured on Ghostscript's separation. */
export async function checkInkLimit(path: string, doc: PDFDocument, o: ResolvedPreflightOptions, raster: { deviceColourOnly?: boolean } = {}): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [index, page] of doc.getPages().entries()) {
    const media = page.getMediaBox();
    const box = (key: string) => {
      const value = page.node.lookup(PDFName.of(key));
      return value instanceof PDFArray ? arrayToBox(value.asArray().map((n) => (n as PDFNumber).asNumber())) : media;
    };
    const bleed = box('BleedBox');
    const trim = box('TrimBox');
    const separated = await renderCmyk(path, media.height, { page: index + 1, dpi: o.inkDpi, timeoutMs: o.timeoutMs, signal: o.signal, ...raster });
    // Marks in registration colour (400 %) lie outside the bleed and are left out on purpose.
    const stats = inkStats(separated, { ...bleed, x: bleed.x - media.x, y: bleed.y - media.y });
    await o.onInkRaster?.(separated, { ...trim, x: trim.x - media.x, y: trim.y - media.y });
    if (stats.maxTotal > o.inkLimit + 1) {
      // Say where, as a layout editor measures: from the trim's top-left corner.
      const x = ptToMm(stats.maxTotalAt.x + media.x - trim.x).toFixed(0);
      const y = ptToMm(trim.y + trim.height - (stats.maxTotalAt.y + media.y)).toFixed(0);
      findings.push({
        severity: 'error',
        pageId: o.pageId,
        object: `region at x ${x} mm, y ${y} mm from the trim's top-left`,
        message: `Total ink reaches ${stats.maxTotal} %, expected at most ${o.inkLimit} %`,
        ruleId: 'pdf/ink-limit',
      });
    }
  }
  return findings;
}

/**
 * Preflight one plate against the print-ready rules: fonts, boxes, colour spaces, output
 * intent, K-only text, total ink and image resolution. Returns findings, worst first.
 * One Ghostscript raster per plate (for the ink); every other check reads the objects and
 * content streams, each stream parsed once and shared (`plate-content.ts`).
 */
export async function preflightPlate(path: string, options: PreflightOptions): Promise<Finding[]> {
  const o = resolvePreflightOptions(options);
  const doc = await PDFDocument.load(await readFile(path), { updateMetadata: false });
  const colours = checkColourSpaces(doc, o);
  // Only device CMYK and gray found: Ghostscript may skip its colour management.
  const ink = checkInkLimit(path, doc, o, { deviceColourOnly: o.variant === 'x1a' && colours.length === 0 });
  const findings = [
    ...checkFonts(doc, o),
    ...checkBoxes(doc, o),
    ...colours,
    ...checkOutputIntent(doc, o),
    ...checkTextInk(doc, o),
    ...(await ink),
    ...checkImages(doc, o),
  ];
  return findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
