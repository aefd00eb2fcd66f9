import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { findTransparency } from './find-transparency.js';
import { checkFonts, checkImages, checkInkLimit, resolvePreflightOptions, type Finding } from './preflight.js';
import { checkColourSpaces } from './preflight-structure.js';
import type { PdfxVariant } from './pdfx.js';

/**
 * The plate's preflight rules applied to a supplied ad before it is placed: fonts embedded
 * and not Type 3, no RGB or transparency for PDF/X-1a, images of at least 200 ppi, total ink
 * under the edition's limit. An ad with an error is rejected and its page is not built.
 */

export interface AdPreflightInput {
  /** The ad's path in the edition: every finding names it. */
  label: string;
  kind: 'pdf' | 'jpeg' | 'png' | 'tiff';
  bytes: Uint8Array;
  /** Page the ad is booked on. */
  pageId: string;
  /** The ad's own size in mm (for the ink check's region). */
  sizeMm: { width: number; height: number };
  /** Scale it is placed at (1 unless `fit: scale`): images print at their ppi divided by it. */
  scale: number;
  /** Image ads: pixels, resolution and colour space, as read by sharp. */
  image?: { width: number; height: number; ppi: number; space: string; hasAlpha: boolean };
  variant: PdfxVariant;
  inkLimit: number;
}

function named(input: AdPreflightInput, findings: Finding[]): Finding[] {
  return findings.map((f) => ({ ...f, object: `ad ${input.label}: ${f.object}`, message: `Ad \`${input.label}\`: ${f.message}` }));
}

async function preflightPdfAd(input: AdPreflightInput, path: string): Promise<Finding[]> {
  const o = resolvePreflightOptions({ pageId: input.pageId, trimMm: input.sizeMm, inkLimit: input.inkLimit, variant: input.variant });
  const doc = await PDFDocument.load(input.bytes, { updateMetadata: false });
  const ink = checkInkLimit(path, doc, o); // Ghostscript separates the ad while the objects are read
  const fonts = checkFonts(doc, o);
  const images = checkImages(doc, o);
  const findings = [...fonts, ...(await ink), ...images.filter((f) => f.ruleId !== 'pdf/flattened-page')];
  if (input.variant === 'x1a') {
    findings.push(...checkColourSpaces(doc, o));
    for (const why of findTransparency(doc, 0, input.pageId)) {
      findings.push({ severity: 'error', pageId: input.pageId, object: 'transparency', message: `uses transparency (${why}), not allowed in PDF/X-1a`, ruleId: 'pdf/transparency' });
    }
  }
  return findings;
}

async function preflightImageAd(input: AdPreflightInput): Promise<Finding[]> {
  const image = input.image!;
  const findings: Finding[] = [];
  const object = `image ${image.width}×${image.height} px`;
  const add = (severity: Finding['severity'], message: string, ruleId: string) => findings.push({ severity, pageId: input.pageId, object, message, ruleId });
  const ppi = Math.round(image.ppi / input.scale);
  const o = resolvePreflightOptions({ pageId: input.pageId, trimMm: input.sizeMm });
  if (ppi < o.minPpi) add('error', `Image is ${ppi} ppi at its placed size, expected at least ${o.minPpi} ppi`, 'pdf/image-resolution');
  else if (ppi < o.warnPpi) add('warning', `Image is ${ppi} ppi at its placed size, below the ${o.warnPpi} ppi we recommend`, 'pdf/image-resolution');
  const cmyk = image.space === 'cmyk';
  const gray = image.space === 'b-w' || image.space === 'grey16';
  if (input.variant === 'x1a' && !cmyk && !gray) add('error', `Image is ${image.space === 'srgb' ? 'RGB' : image.space}, expected CMYK or gray for PDF/X-1a`, 'pdf/rgb-colour');
  if (input.variant === 'x1a' && image.hasAlpha) add('error', 'Image has an alpha channel (transparency), not allowed in PDF/X-1a', 'pdf/transparency');
  if (cmyk) {
    const { data } = await sharp(input.bytes).pipelineColourspace('cmyk').toColourspace('cmyk').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    let max = 0;
    for (let i = 0; i + 3 < data.length; i += 4) max = Math.max(max, data[i]! + data[i + 1]! + data[i + 2]! + data[i + 3]!);
    const total = Math.round((max / 255) * 1000) / 10;
    if (total > input.inkLimit + 1) add('error', `Total ink reaches ${total} %, expected at most ${input.inkLimit} %`, 'pdf/ink-limit');
  }
  return findings;
}

/** Preflight one ad; findings name the ad file, errors first. */
export async function preflightAd(input: AdPreflightInput): Promise<Finding[]> {
  let findings: Finding[];
  if (input.kind === 'pdf') {
    // Ghostscript reads a file: give it the very bytes that are placed.
    const dir = await mkdtemp(join(tmpdir(), 'presswork-ad-'));
    try {
      const path = join(dir, 'ad.pdf');
      await writeFile(path, input.bytes);
      findings = await preflightPdfAd(input, path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  } else {
    findings = await preflightImageAd(input);
  }
  return named(input, findings).sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
