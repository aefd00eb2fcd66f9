import { readFile } from 'node:fs/promises';
import { PDFDocument, PDFName, PDFArray, PDFNumber } from 'pdf-lib';
import { inkStats, renderCmyk } from './ink-raster.js';
import { arrayToBox, ptToMm, type SizeMm } from './page-geometry.js';
import type { PdfxVariant } from './pdfx.js';
import { checkBoxes, checkColourSpaces, checkOutputIntent, checkTextInk } from './preflight-structure.js';
import { runTool } from './run-tool.js';

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
}

export type ResolvedPreflightOptions = Required<Omit<PreflightOptions, 'signal'>> & { signal?: AbortSignal };

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

/** Split `pdffonts` output into rows of cells, using its dashes line for column widths. */
export function parseFontList(output: string): Array<Record<string, string>> {
  const lines = output.split('\n');
  const dashIndex = lines.findIndex((l) => /^-+( -+)+\s*$/.test(l));
  if (dashIndex < 1) return [];
  const spans: Array<[number, number]> = [];
  for (const m of lines[dashIndex]!.matchAll(/-+/g)) spans.push([m.index!, m.index! + m[0].length]);
  const header = lines[dashIndex - 1]!;
  // Headers are left-aligned except numeric ones; take each span's header text, widened to the next span.
  const names = spans.map(([s], i) => header.slice(s, spans[i + 1]?.[0] ?? header.length).trim());
  return lines.slice(dashIndex + 1).filter((l) => l.trim()).map((line) => {
    const row: Record<string, string> = {};
    spans.forEach(([s], i) => (row[names[i]!] = line.slice(s, spans[i + 1]?.[0] ?? line.length).trim()));
    return row;
  });
}

/** Every font embedded, none Type 3 (`pdffonts`). */
export async function checkFonts(path: string, o: ResolvedPreflightOptions): Promise<Finding[]> {
  const { stdout } = await runTool('pdffonts', [path], { timeoutMs: o.timeoutMs, signal: o.signal });
  return parseFontList(stdout.toString('utf8')).flatMap((row): Finding[] => {
    const object = `font ${row.name || '(unnamed)'} (object ${(row['object ID'] ?? '?').split(/\s+/).join(' ')} R)`;
    const found: Finding[] = [];
    if (row.emb !== 'yes') found.push({ severity: 'error', pageId: o.pageId, object, message: `Font ${row.name} is not embedded`, ruleId: 'pdf/font-embedded' });
    if (/Type 3/.test(row.type ?? '')) found.push({ severity: 'error', pageId: o.pageId, object, message: `Font ${row.name} is Type 3, which print plants reject; expected TrueType or CFF outlines`, ruleId: 'pdf/font-type3' });
    return found;
  });
}

/** Rows of `pdfimages -list`: whitespace-separated, with "object ID" as two cells. */
function parseImageList(output: string) {
  return output.split('\n').slice(2).map((l) => l.trim().split(/\s+/)).filter((c) => c.length >= 14).map((c) => ({
    type: c[2]!, width: c[3]!, height: c[4]!, color: c[5]!, object: `${c[10]} ${c[11]} R`, xPpi: Number(c[12]), yPpi: Number(c[13]),
  }));
}

/**
 * Effective resolution of every image at its placed size (`pdfimages -list` applies the
 * CTM), and whether one image covers the whole trim: what Ghostscript leaves when it
 * flattens a page with transparency, text and all.
 */
export async function checkImages(path: string, o: ResolvedPreflightOptions): Promise<Finding[]> {
  const { stdout } = await runTool('pdfimages', ['-list', path], { timeoutMs: o.timeoutMs, signal: o.signal });
  return parseImageList(stdout.toString('utf8')).flatMap((row): Finding[] => {
    if (row.type !== 'image') return []; // smasks and stencils carry no picture of their own
    const ppi = Math.min(row.xPpi, row.yPpi);
    const object = `image ${row.width}×${row.height} px (object ${row.object})`;
    const widthMm = (Number(row.width) / row.xPpi) * 25.4;
    const heightMm = (Number(row.height) / row.yPpi) * 25.4;
    if (widthMm >= o.trimMm.width * 0.98 && heightMm >= o.trimMm.height * 0.98) {
      return [{ severity: 'warning', pageId: o.pageId, object, message: `One image covers the whole page (${ppi} ppi): the page was probably flattened because of transparency, and its text is no longer vector`, ruleId: 'pdf/flattened-page' }];
    }
    const placed = `${ppi} ppi at its placed size`;
    if (ppi < o.minPpi) return [{ severity: 'error', pageId: o.pageId, object, message: `Image is ${placed}, expected at least ${o.minPpi} ppi`, ruleId: 'pdf/image-resolution' }];
    if (ppi < o.warnPpi) return [{ severity: 'warning', pageId: o.pageId, object, message: `Image is ${placed}, below the ${o.warnPpi} ppi we recommend`, ruleId: 'pdf/image-resolution' }];
    return [];
  });
}

/** Total ink inside the BleedBox under the limit, measured on Ghostscript's separation. */
export async function checkInkLimit(path: string, doc: PDFDocument, o: ResolvedPreflightOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [index, page] of doc.getPages().entries()) {
    const media = page.getMediaBox();
    const box = (key: string) => {
      const value = page.node.lookup(PDFName.of(key));
      return value instanceof PDFArray ? arrayToBox(value.asArray().map((n) => (n as PDFNumber).asNumber())) : media;
    };
    const bleed = box('BleedBox');
    const trim = box('TrimBox');
    const raster = await renderCmyk(path, media.height, { page: index + 1, dpi: o.inkDpi, timeoutMs: o.timeoutMs, signal: o.signal });
    // Marks in registration colour (400 %) lie outside the bleed and are left out on purpose.
    const stats = inkStats(raster, { ...bleed, x: bleed.x - media.x, y: bleed.y - media.y });
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
 */
export async function preflightPlate(path: string, options: PreflightOptions): Promise<Finding[]> {
  const o = resolvePreflightOptions(options);
  const doc = await PDFDocument.load(await readFile(path), { updateMetadata: false });
  // The three tools read the file independently: run them side by side.
  const [fonts, ink, images] = await Promise.all([checkFonts(path, o), checkInkLimit(path, doc, o), checkImages(path, o)]);
  const findings = [
    ...fonts,
    ...checkBoxes(doc, o),
    ...checkColourSpaces(doc, o),
    ...checkOutputIntent(doc, o),
    ...checkTextInk(doc, o),
    ...ink,
    ...images,
  ];
  return findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
