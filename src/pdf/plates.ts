import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cmyk, PDFArray, PDFDocument, PDFName, type PDFPage } from 'pdf-lib';
import { produceFileAtomic } from '../util/atomic-write.js';
import { createCmykConverter, type FixedColour } from './cmyk-converter.js';
import { convertDocumentColours, type ColourConversionReport } from './convert-colours.js';
import { findDirectObstacles } from './direct-obstacles.js';
import { writeDirectPdfx } from './direct-pdfx.js';
import { expandToUnicodeRanges } from './expand-to-unicode.js';
import { findTransparency } from './find-transparency.js';
import { boxToArray, plateGeometry, ptToMm, type Box, type SizeMm } from './page-geometry.js';
import { drawPlateMarks, slugPosition } from './plate-marks.js';
import { convertToPdfx, DEFAULT_PROFILE_INTENT, resolveCmykProfile, type OutputIntentInput, type PdfxVariant } from './pdfx.js';
import { drawSlugText } from './slug-text.js';

export interface CreatePlatesOptions {
  /** The RGB proof: a path or its bytes. One page per 版, printed at trim size. */
  proof: string | Uint8Array;
  /** Page ids (A1, A2, …) in proof page order. */
  pageIds: string[];
  /** Make only these pages (default: all). */
  only?: string[];
  /** Trim size in mm, e.g. FORMATS.broadsheet (390 × 545). */
  trimMm: SizeMm;
  /** Bleed on each side, mm. Default 3. */
  bleedMm?: number;
  /** Room for marks and slug outside the bleed, mm. Default 12. */
  marksMm?: number;
  /** Paper name for the slug line, e.g. 萧山日报. */
  paper: string;
  /** File-name slug of the paper, e.g. xiaoshan-ribao. */
  paperSlug: string;
  /** Edition date, yyyy-mm-dd. */
  date: string;
  /** Build time shown in the slug line. Default: now. */
  buildTime?: Date;
  /** Per page id, more for the slug line (the clients of the page's ads). */
  slugNotes?: Record<string, string>;
  /** Directory the plates are written to (created if missing), e.g. output/<edition>/plates. */
  platesDir: string;
  /** Default 'x1a' (PDF/X-1a:2001). */
  variant?: PdfxVariant;
  /** Press CMYK profile. Default: PRESSWORK_CMYK_PROFILE, else Ghostscript's default_cmyk.icc. */
  iccProfile?: string;
  /** Output intent identifier and condition; defaults describe the default profile. */
  outputIntent?: Omit<OutputIntentInput, 'iccProfile'>;
  /** Total ink limit in percent. Default 240 (newsprint). */
  inkLimit?: number;
  /** Vector colours with a set ink (the house palette), see CmykConverterOptions. */
  fixedColours?: FixedColour[];
  /**
   * `auto` (default): pages with nothing left for Ghostscript to convert are written as
   * PDF/X-1a directly, the rest by Ghostscript. `ghostscript`: every page by Ghostscript.
   */
  converter?: PlateConverterChoice;
  /** Ghostscript timeout per page, ms. Default 120 000. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type PlateConverterChoice = 'auto' | 'ghostscript';

export interface PlateResult {
  pageId: string;
  /** Path of the written plate. */
  path: string;
  /** Time spent on this plate (colours, compose, PDF/X), ms. */
  ms: number;
  /** Who wrote the PDF/X: our direct writer or Ghostscript. */
  converter: 'direct' | 'ghostscript';
  /** Why Ghostscript made this plate (empty for direct plates). */
  ghostscriptBecause: string[];
  colours: ColourConversionReport;
  /**
   * Transparency found on the page (opacity, soft masks, images with alpha). Non-empty
   * means Ghostscript flattened the whole page to one image for PDF/X-1a: report it.
   */
  transparency: string[];
  /** The Ghostscript command, for the report; empty for a direct plate. */
  command: string[];
}

/** Tolerance for the proof page differing from the trim: Chromium rounds to CSS pixels. */
const PROOF_SIZE_TOLERANCE_MM = 1;

/** `plates/<paper-slug>-<yyyymmdd>-<page>.pdf` */
export function plateFileName(paperSlug: string, date: string, pageId: string): string {
  return `${paperSlug}-${date.replaceAll('-', '')}-${pageId}.pdf`;
}

function setBox(page: PDFPage, key: 'TrimBox' | 'BleedBox', box: Box): void {
  page.node.set(PDFName.of(key), page.doc.context.obj(boxToArray(box)));
}

/** Check the proof page is the trim size (up to Chromium's rounding) and return its box. */
function proofBox(page: PDFPage, pageId: string, trimMm: SizeMm): Box {
  const media = page.getMediaBox();
  const [w, h] = [ptToMm(media.width), ptToMm(media.height)];
  if (Math.abs(w - trimMm.width) > PROOF_SIZE_TOLERANCE_MM || Math.abs(h - trimMm.height) > PROOF_SIZE_TOLERANCE_MM) {
    throw new Error(
      `page ${pageId}: proof page is ${w.toFixed(2)} × ${h.toFixed(2)} mm, expected the trim ` +
        `${trimMm.width} × ${trimMm.height} mm`,
    );
  }
  return media;
}

/** Page-dictionary entries a plate keeps; links, structure and the rest stay in the proof. */
const PLATE_PAGE_KEYS = new Set(['Type', 'Parent', 'Resources', 'Contents']);

/**
 * Turn the proof's only page into the plate: page moved onto the trim of a larger MediaBox,
 * boxes, marks and slug. The page is reframed in place, its content wrapped in a move and a
 * clip, so its (large) content stream is never decoded or copied.
 */
async function composePlate(proof: PDFDocument, pageId: string, options: CreatePlatesOptions, buildTime: Date): Promise<void> {
  const geometry = plateGeometry(options.trimMm, options.bleedMm ?? 3, options.marksMm ?? 12);
  const page = proof.getPage(0);
  const media = proofBox(page, pageId, options.trimMm);
  // Chromium anchors content at the top-left and rounds the page size, so cut the trim from
  // the proof's top-left corner: the TrimBox is then exact whatever the rounding was.
  const left = media.x;
  const bottom = media.y + media.height - geometry.trim.height;
  const move = `q 1 0 0 1 ${geometry.trim.x - left} ${geometry.trim.y - bottom} cm ${left} ${bottom} ${geometry.trim.width} ${geometry.trim.height} re W n\n`;
  const contents = page.node.Contents();
  const original = contents instanceof PDFArray ? contents.asArray() : [page.node.get(PDFName.of('Contents'))!];
  const stream = (text: string) => proof.context.register(proof.context.stream(text));
  page.node.set(PDFName.of('Contents'), proof.context.obj([stream(move), ...original, stream('\nQ\n')]));
  for (const key of page.node.keys()) if (!PLATE_PAGE_KEYS.has(key.decodeText())) page.node.delete(key);
  // Set, not inherited: a CropBox on the page tree would otherwise cut the plate to the proof.
  for (const key of ['MediaBox', 'CropBox']) page.node.set(PDFName.of(key), proof.context.obj(boxToArray(geometry.media)));
  setBox(page, 'TrimBox', geometry.trim);
  setBox(page, 'BleedBox', geometry.bleed);
  drawPlateMarks(page, geometry);
  const note = options.slugNotes?.[pageId] ? `  ${options.slugNotes[pageId]}` : '';
  const slug = `${options.paper}  ${options.date}  ${pageId}版${note}  制版 ${buildTime.toISOString().replace(/\.\d+Z$/, 'Z')}  presswork`;
  await drawSlugText(proof, page, slug, { ...slugPosition(geometry), size: 7, color: cmyk(0, 0, 0, 1) });
}

/** Why page 0 of `doc` (colours converted) needs Ghostscript; empty if it can be written directly. */
function ghostscriptReasons(doc: PDFDocument, pageId: string, options: CreatePlatesOptions, colours: ColourConversionReport, transparency: string[]): string[] {
  if (options.converter === 'ghostscript') return ['print.converter is ghostscript'];
  if ((options.variant ?? 'x1a') !== 'x1a') return ['the direct writer makes PDF/X-1a only'];
  return [...new Set([...transparency, ...colours.leftToGhostscript, ...findDirectObstacles(doc, 0, pageId)])];
}

/**
 * A document holding only page `index` of the proof, which the plate may change. A one-page
 * proof (a page PDF, the usual case) is used as it is; a longer one is copied page by page.
 */
async function onePage(proof: PDFDocument, index: number): Promise<PDFDocument> {
  if (proof.getPageCount() === 1) {
    for (const key of ['StructTreeRoot', 'MarkInfo', 'Outlines', 'Names', 'AcroForm', 'Metadata']) proof.catalog.delete(PDFName.of(key));
    return proof;
  }
  const doc = await PDFDocument.create();
  const [page] = await doc.copyPages(proof, [index]);
  doc.addPage(page);
  return doc;
}

/**
 * Make one PDF/X plate per page of the proof: colours converted for the press (K-only
 * greys, CMYK under the ink limit), page placed on an exact TrimBox with bleed, crop and
 * registration marks and a slug line, then written as PDF/X-1a directly when nothing is
 * left to convert, or by Ghostscript when something is (see `converter`).
 */
export async function createPlates(options: CreatePlatesOptions): Promise<PlateResult[]> {
  const bytes = typeof options.proof === 'string' ? await readFile(options.proof) : options.proof;
  const proof = await PDFDocument.load(bytes, { updateMetadata: false });
  if (proof.getPageCount() !== options.pageIds.length) {
    throw new Error(`Proof has ${proof.getPageCount()} pages but ${options.pageIds.length} page ids were given`);
  }
  const iccProfile = resolveCmykProfile(options.iccProfile);
  const outputIntent: OutputIntentInput = {
    iccProfile,
    ...(options.iccProfile || process.env.PRESSWORK_CMYK_PROFILE ? {} : DEFAULT_PROFILE_INTENT),
    ...options.outputIntent,
  };
  const converter = createCmykConverter({ iccProfile, inkLimit: options.inkLimit ?? 240, fixedColours: options.fixedColours });
  await mkdir(options.platesDir, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'presswork-plates-'));
  const buildTime = options.buildTime ?? new Date();
  const results: PlateResult[] = [];
  try {
    for (const [index, pageId] of options.pageIds.entries()) {
      if (options.only && !options.only.includes(pageId)) continue;
      options.signal?.throwIfAborted();
      const t0 = performance.now();
      const doc = await onePage(proof, index);
      const transparency = findTransparency(doc, 0, pageId);
      const [colours] = await convertDocumentColours(doc, converter, [pageId]);
      const because = ghostscriptReasons(doc, pageId, options, colours!, transparency);
      const path = join(options.platesDir, plateFileName(options.paperSlug, options.date, pageId));
      const title = `${options.paper} ${options.date} ${pageId}`;
      let command: string[] = [];
      if (because.length === 0) {
        await composePlate(doc, pageId, options, buildTime);
        const bytes = await writeDirectPdfx(doc, { outputIntent, title, buildTime });
        await produceFileAtomic(path, (temp) => writeFile(temp, bytes));
      } else {
        expandToUnicodeRanges(doc); // keeps the plates' text extractable through Ghostscript
        await composePlate(doc, pageId, options, buildTime);
        const composed = join(work, `${pageId}.pdf`);
        await writeFile(composed, await doc.save({ useObjectStreams: false, updateFieldAppearances: false }));
        ({ args: command } = await produceFileAtomic(path, (temp) =>
          convertToPdfx(composed, temp, { variant: options.variant, outputIntent, title, timeoutMs: options.timeoutMs, signal: options.signal }).catch(
            (error: Error) => {
              error.message = `page ${pageId}: ${error.message}`;
              throw error;
            },
          ),
        ));
      }
      const converterName = because.length === 0 ? 'direct' : 'ghostscript';
      results.push({ pageId, path, ms: Math.round(performance.now() - t0), converter: converterName, ghostscriptBecause: because, colours: colours!, transparency, command });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return results;
}

// Re-exported so callers need only this module for the common case.
export { FORMATS } from './page-geometry.js';
export type { PdfxVariant } from './pdfx.js';
