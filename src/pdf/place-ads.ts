import { concatTransformationMatrix, drawObject, PDFDict, PDFDocument, PDFName, PDFStream, PDFString, popGraphicsState, pushGraphicsState, type PDFPage, type PDFRef } from 'pdf-lib';
import sharp from 'sharp';

/**
 * Supplied ads go into the printed page PDF unchanged: a PDF ad as a form XObject of its own
 * page (vectors, fonts and CMYK values kept), an image ad as an image XObject at its own
 * pixels. Each is marked, so the plate's colour pass leaves it alone (see isSuppliedAd).
 */

/** Key set on every ad XObject; its value names the ad file. */
export const AD_MARK = 'PressworkAd';

export interface AdPlacement {
  /** The ad's path in the edition, for messages and the mark. */
  label: string;
  kind: 'pdf' | 'jpeg' | 'png' | 'tiff';
  bytes: Uint8Array;
  /** PDF ads: the box placed (TrimBox, else MediaBox), in the ad page's points. */
  pdfBox?: { x: number; y: number; width: number; height: number };
  /** Where the ad goes, in pt from the trim's top-left corner. */
  rect: { left: number; top: number; width: number; height: number };
}

/** True for an XObject placed by placeAds: its content is the client's and must not be converted. */
export function isSuppliedAd(dict: PDFDict): boolean {
  return dict.has(PDFName.of(AD_MARK));
}

function mark(doc: PDFDocument, ref: PDFRef, label: string): void {
  const object = doc.context.lookup(ref);
  const dict = object instanceof PDFDict ? object : (object as { dict?: PDFDict } | undefined)?.dict;
  if (!dict) throw new Error(`ad ${label}: the embedded object is not a dictionary or stream`);
  dict.set(PDFName.of(AD_MARK), PDFString.of(label));
}

/** A JPEG with Adobe's APP14 marker stores CMYK inverted; without it, plainly. */
function hasAdobeMarker(jpeg: Uint8Array): boolean {
  let pos = 2;
  while (pos + 4 <= jpeg.length && jpeg[pos] === 0xff) {
    const marker = jpeg[pos + 1]!;
    if (marker === 0xda) return false; // start of scan: no more markers
    const length = (jpeg[pos + 2]! << 8) | jpeg[pos + 3]!;
    if (marker === 0xee && Buffer.from(jpeg.subarray(pos + 4, pos + 9)).toString('latin1') === 'Adobe') return true;
    pos += 2 + length;
  }
  return false;
}

async function embedJpeg(doc: PDFDocument, ad: AdPlacement) {
  const image = await doc.embedJpg(ad.bytes);
  await image.embed();
  const dict = doc.context.lookup(image.ref, PDFStream).dict;
  // pdf-lib always writes Decode [1 0 …] for CMYK (the Adobe convention); a plain CMYK
  // JPEG would then print as its negative.
  if (dict.get(PDFName.of('ColorSpace')) === PDFName.of('DeviceCMYK') && !hasAdobeMarker(ad.bytes)) dict.delete(PDFName.of('Decode'));
  return image;
}

/** PNG and TIFF: their own pixels, uncompressed by sharp and stored losslessly, in their own colour space. */
async function embedRaster(doc: PDFDocument, ad: AdPlacement) {
  const meta = await sharp(ad.bytes).metadata();
  const cmyk = meta.space === 'cmyk';
  const gray = meta.space === 'b-w' || meta.space === 'grey16';
  let pipeline = sharp(ad.bytes);
  // Kept in CMYK through the whole pipeline: no profile round trip changes a value.
  if (cmyk) pipeline = pipeline.pipelineColourspace('cmyk').toColourspace('cmyk');
  else pipeline = pipeline.flatten({ background: '#ffffff' }).toColourspace(gray ? 'b-w' : 'srgb');
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const space = info.channels === 4 ? 'DeviceCMYK' : info.channels === 1 ? 'DeviceGray' : 'DeviceRGB';
  const stream = doc.context.flateStream(data, { Type: 'XObject', Subtype: 'Image', Width: info.width, Height: info.height, ColorSpace: space, BitsPerComponent: 8 });
  return doc.context.register(stream);
}

function drawImage(page: PDFPage, name: string, at: { x: number; y: number; width: number; height: number }): void {
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(at.width, 0, 0, at.height, at.x, at.y), drawObject(name), popGraphicsState());
}

/** Chromium's content may leave its graphics state changed: wrap it, so the ads draw in the page's own space. */
function isolatePageContent(doc: PDFDocument, page: PDFPage): void {
  const stream = (text: string) => doc.context.register(doc.context.stream(text));
  page.node.wrapContentStreams(stream('q\n'), stream('\nQ\n'));
}

/** Place every ad into the page PDF (one page, as Chromium printed it) and return the new bytes. */
export async function placeAds(pagePdf: Uint8Array, ads: AdPlacement[]): Promise<Uint8Array> {
  if (ads.length === 0) return pagePdf;
  const doc = await PDFDocument.load(pagePdf, { updateMetadata: false });
  const page = doc.getPage(0);
  const media = page.getMediaBox();
  // Chromium anchors the page at its top-left corner: measure from there.
  const top = media.y + media.height;
  isolatePageContent(doc, page);
  for (const ad of ads) {
    const at = { x: media.x + ad.rect.left, y: top - ad.rect.top - ad.rect.height, width: ad.rect.width, height: ad.rect.height };
    if (ad.kind === 'pdf') {
      const source = await PDFDocument.load(ad.bytes, { updateMetadata: false });
      const box = ad.pdfBox ?? source.getPage(0).getMediaBox();
      const embedded = await doc.embedPage(source.getPage(0), { left: box.x, bottom: box.y, right: box.x + box.width, top: box.y + box.height });
      await embedded.embed();
      mark(doc, embedded.ref, ad.label);
      page.drawPage(embedded, at);
    } else {
      const ref = ad.kind === 'jpeg' ? (await embedJpeg(doc, ad)).ref : await embedRaster(doc, ad);
      mark(doc, ref, ad.label);
      const name = page.node.newXObject('PressworkAd', ref).decodeText();
      drawImage(page, name, at);
    }
  }
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}
