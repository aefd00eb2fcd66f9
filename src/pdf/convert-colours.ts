import {
  PDFArray,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFStream,
  decodePDFRawStream,
  type PDFDocument,
  type PDFObject,
} from 'pdf-lib';
import { formatNumber, numericOperands, parseContentStream, writeContentStream, type Operation } from './content-stream.js';
import type { CmykConverter, Cmyk, Rgb } from './cmyk-converter.js';
import { isSuppliedAd } from './place-ads.js';

/** What the conversion did to one page, and what it left for Ghostscript to convert. */
export interface ColourConversionReport {
  /** Colour operators rewritten (neutral → K, colour → CMYK). */
  vectorColours: number;
  /** RGB images converted; `gray` of them were neutral and went to DeviceGray. */
  images: number;
  grayImages: number;
  /** Highest total ink in a converted image, percent. */
  maxImageInk: number;
  /** Objects we did not convert ourselves, by description (Ghostscript converts them). */
  leftToGhostscript: string[];
}

const RGB_SPACES = new Set(['DeviceRGB', 'CalRGB', 'RGB']);

function lookup(doc: PDFDocument, obj: PDFObject | undefined): PDFObject | undefined {
  return obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
}

function nameOf(obj: PDFObject | undefined): string | undefined {
  return obj instanceof PDFName ? obj.decodeText() : undefined;
}

/** True if a colour space object (name or array) has three RGB components. */
function isRgbSpace(doc: PDFDocument, space: PDFObject | undefined, resources: PDFDict | undefined): boolean {
  const resolved = lookup(doc, space);
  const name = nameOf(resolved);
  if (name !== undefined) {
    if (RGB_SPACES.has(name)) return true;
    const named = resources && lookup(doc, resources.get(PDFName.of('ColorSpace')));
    return named instanceof PDFDict ? isRgbSpace(doc, named.get(PDFName.of(name)), undefined) : false;
  }
  if (resolved instanceof PDFArray) {
    const family = nameOf(lookup(doc, resolved.get(0)));
    if (family === 'CalRGB') return true;
    if (family === 'ICCBased') {
      const profile = lookup(doc, resolved.get(1));
      const n = profile instanceof PDFStream ? lookup(doc, profile.dict.get(PDFName.of('N'))) : undefined;
      return n instanceof PDFNumber && n.asNumber() === 3;
    }
  }
  return false;
}

interface Request {
  index: number;
  rgb: Rgb;
  stroke: boolean;
}

const SET_RGB: Record<string, boolean> = { rg: false, RG: true };
const SET_SPACE: Record<string, boolean> = { cs: false, CS: true };
const SET_COLOUR: Record<string, boolean> = { sc: false, scn: false, SC: true, SCN: true };
const OTHER_SPACE: Record<string, boolean> = { g: false, G: true, k: false, K: true };

/**
 * Rewrite one content stream's RGB colour operators as CMYK (`k`/`K`). Tracks the colour
 * space through q/Q so `sc`/`scn` are converted only in RGB spaces.
 */
async function convertContent(
  doc: PDFDocument,
  bytes: Uint8Array,
  resources: PDFDict | undefined,
  converter: CmykConverter,
  report: ColourConversionReport,
  where: string,
): Promise<Uint8Array | undefined> {
  const ops = parseContentStream(bytes);
  const requests: Request[] = [];
  let state = { fill: false, stroke: false };
  const stack: (typeof state)[] = [];
  ops.forEach((op: Operation, index) => {
    const { operator } = op;
    if (operator === 'q') stack.push({ ...state });
    else if (operator === 'Q') state = stack.pop() ?? state;
    else if (operator in SET_RGB || operator in SET_COLOUR) {
      const stroke = SET_RGB[operator] ?? SET_COLOUR[operator]!;
      const inRgb = operator in SET_RGB || (stroke ? state.stroke : state.fill);
      const values = numericOperands(op);
      if (inRgb && values?.length === 3) requests.push({ index, rgb: values as Rgb, stroke });
      const pattern = op.operands.at(-1);
      if (pattern?.startsWith('/')) report.leftToGhostscript.push(`pattern ${pattern} in ${where}`);
      if (operator in SET_RGB) state = { ...state, [stroke ? 'stroke' : 'fill']: false };
    } else if (operator in SET_SPACE) {
      const stroke = SET_SPACE[operator]!;
      const rgb = isRgbSpace(doc, PDFName.of(op.operands[0]?.slice(1) ?? ''), resources);
      // An RGB `cs` also sets the colour to black; replace it by K-only black so that
      // the following `sc` (rewritten to `k`) and plain fills stay consistent.
      if (rgb) requests.push({ index, rgb: [0, 0, 0], stroke });
      state = { ...state, [stroke ? 'stroke' : 'fill']: rgb };
    } else if (operator in OTHER_SPACE) {
      state = { ...state, [OTHER_SPACE[operator] ? 'stroke' : 'fill']: false };
    } else if (operator === 'sh') {
      report.leftToGhostscript.push(`shading ${op.operands[0]} in ${where}`);
    } else if (operator === 'ID' && /\/(CS|ColorSpace)\s*\/(RGB|DeviceRGB)/.test(op.operands.join(' '))) {
      report.leftToGhostscript.push(`inline RGB image in ${where}`);
    }
  });
  if (requests.length === 0) return undefined;
  const cmyk: Cmyk[] = await converter.convertColours(requests.map((r) => r.rgb));
  requests.forEach((request, i) => {
    ops[request.index] = { operands: cmyk[i]!.map(formatNumber), operator: request.stroke ? 'K' : 'k' };
  });
  // Every `sc` in an RGB space was rewritten to `k`, so the space is now DeviceCMYK.
  report.vectorColours += requests.length;
  return writeContentStream(ops);
}

function streamBytes(stream: PDFStream): Uint8Array {
  return stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents();
}

/**
 * Converted streams are stored uncompressed: only Ghostscript reads them, and it compresses
 * what it writes (compressing here in JavaScript cost ~0.5 s a page).
 */
function replaceStream(doc: PDFDocument, old: PDFStream, bytes: Uint8Array): PDFRawStream {
  const fresh = doc.context.stream(bytes);
  for (const [key, value] of old.dict.entries()) {
    const k = key.decodeText();
    if (k !== 'Filter' && k !== 'DecodeParms' && k !== 'Length') fresh.dict.set(key, value);
  }
  return fresh;
}

async function convertImage(
  doc: PDFDocument,
  ref: PDFRef,
  image: PDFStream,
  converter: CmykConverter,
  report: ColourConversionReport,
  label: string,
): Promise<void> {
  const dict = image.dict;
  if (!isRgbSpace(doc, dict.get(PDFName.of('ColorSpace')), undefined)) return;
  const filter = lookup(doc, dict.get(PDFName.of('Filter')));
  const filters = filter instanceof PDFArray ? filter.asArray().map((f) => nameOf(lookup(doc, f))) : [nameOf(filter)];
  const bpc = (lookup(doc, dict.get(PDFName.of('BitsPerComponent'))) as PDFNumber | undefined)?.asNumber();
  const width = (lookup(doc, dict.get(PDFName.of('Width'))) as PDFNumber).asNumber();
  const height = (lookup(doc, dict.get(PDFName.of('Height'))) as PDFNumber).asNumber();
  let converted;
  if (filters.length === 1 && filters[0] === 'DCTDecode' && image instanceof PDFRawStream) {
    converted = await converter.convertImage(Buffer.from(image.contents));
  } else if (bpc === 8 && !dict.has(PDFName.of('Decode')) && filters.every((f) => f === undefined || f === 'FlateDecode') && !dict.has(PDFName.of('DecodeParms'))) {
    converted = await converter.convertImage(Buffer.from(streamBytes(image)), { width, height });
  } else {
    report.leftToGhostscript.push(`image ${label} (${filters.join('+') || 'raw'}, ${bpc} bpc)`);
    return;
  }
  const fresh = doc.context.stream(converted.data, {
    Type: 'XObject',
    Subtype: 'Image',
    Width: converted.width,
    Height: converted.height,
    ColorSpace: converted.colorSpace,
    BitsPerComponent: 8,
  });
  for (const key of ['SMask', 'Mask', 'Interpolate', 'Intent']) {
    const value = dict.get(PDFName.of(key));
    if (value) fresh.dict.set(PDFName.of(key), value);
  }
  doc.context.assign(ref, fresh);
  report.images++;
  if (converted.colorSpace === 'DeviceGray') report.grayImages++;
  report.maxImageInk = Math.max(report.maxImageInk, converted.maxInk);
}

/**
 * Convert the colours of every page of `doc` in place: content streams, form XObjects and
 * images, each shared object once. Returns a report per page index.
 */
export async function convertDocumentColours(
  doc: PDFDocument,
  converter: CmykConverter,
  pageIds: string[] = [],
): Promise<ColourConversionReport[]> {
  const done = new Set<PDFRef | PDFObject>();
  const reports: ColourConversionReport[] = [];

  async function convertResources(resources: PDFDict | undefined, report: ColourConversionReport, where: string) {
    const xobjects = resources && lookup(doc, resources.get(PDFName.of('XObject')));
    if (!(xobjects instanceof PDFDict)) return;
    for (const [name, value] of xobjects.entries()) {
      if (!(value instanceof PDFRef) || done.has(value)) continue;
      done.add(value);
      const stream = doc.context.lookup(value);
      if (!(stream instanceof PDFStream)) continue;
      // A supplied ad keeps the client's own colours: never converted again.
      if (isSuppliedAd(stream.dict)) continue;
      const subtype = nameOf(stream.dict.get(PDFName.of('Subtype')));
      const label = `${name.decodeText()} on ${where}`;
      if (subtype === 'Image') {
        await convertImage(doc, value, stream, converter, report, label).catch((error: Error) => {
          throw new Error(`Converting image ${label} (object ${value.objectNumber} ${value.generationNumber} R) to CMYK failed: ${error.message}`);
        });
      } else if (subtype === 'Form') {
        const formResources = lookup(doc, stream.dict.get(PDFName.of('Resources')));
        const res = formResources instanceof PDFDict ? formResources : resources;
        const rewritten = await convertContent(doc, streamBytes(stream), res, converter, report, `form ${label}`);
        if (rewritten) doc.context.assign(value, replaceStream(doc, stream, rewritten));
        await convertResources(res, report, `form ${label}`);
      }
    }
  }

  for (const [index, page] of doc.getPages().entries()) {
    const where = `page ${pageIds[index] ?? index + 1}`;
    const report: ColourConversionReport = { vectorColours: 0, images: 0, grayImages: 0, maxImageInk: 0, leftToGhostscript: [] };
    reports.push(report);
    const resources = page.node.Resources();
    const contents = page.node.Contents();
    const refs = contents instanceof PDFArray ? contents.asArray() : [page.node.get(PDFName.of('Contents'))];
    // Concatenate the page's content streams: an operator's operands may not span streams,
    // but q/Q state does, so they are read as one.
    const parts = refs.map((r) => lookup(doc, r)).filter((s): s is PDFStream => s instanceof PDFStream);
    const joined = Buffer.concat(parts.map((s) => Buffer.concat([Buffer.from(streamBytes(s)), Buffer.from('\n')])));
    const rewritten = await convertContent(doc, joined, resources, converter, report, where);
    if (rewritten) page.node.set(PDFName.of('Contents'), doc.context.register(doc.context.stream(rewritten)));
    await convertResources(resources, report, where);
    report.leftToGhostscript = [...new Set(report.leftToGhostscript)];
  }
  return reports;
}
