import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import {
  PDFArray,
  PDFBool,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFStream,
  PDFString,
  type PDFObject,
} from 'pdf-lib';
import { createPromiseCache } from '../util/promise-cache.js';
import type { OutputIntentInput } from './pdfx.js';

const deflateAsync = promisify(deflate);

export interface DirectPdfxOptions {
  outputIntent: OutputIntentInput;
  /** Info /Title. */
  title: string;
  /** CreationDate and ModDate; also seeds the document ID. */
  buildTime: Date;
}

/** Text as a PDF string: ASCII literal, anything else UTF-16BE with a BOM. */
function pdfText(text: string): PDFString | PDFHexString {
  return /^[\x20-\x7e]*$/.test(text) ? PDFString.of(text.replace(/[\\()]/g, (c) => `\\${c}`)) : PDFHexString.fromText(text);
}

/** `D:YYYYMMDDHHmmSS+00'00'`, the PDF 1.3 date form, in UTC. */
function pdfDate(date: Date): PDFString {
  const d = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return PDFString.of(`D:${d}+00'00'`);
}

// The press profile is read and compressed once per process, not once per plate.
const profiles = createPromiseCache<string, Uint8Array>();
const compressedProfile = (path: string) => profiles.get(path, async () => deflateAsync(await readFile(path)));

function resolve(doc: PDFDocument, obj: PDFObject | undefined): PDFObject | undefined {
  return obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
}

/**
 * PDF 1.4 graphics-state keys Chromium writes with their do-nothing values (`/ca 1`,
 * `/BM /Normal`). Dropped: PDF/X-1a:2001 is PDF 1.3. Pages with real transparency never
 * reach the direct writer.
 */
function isNeutralTransparencyKey(key: string, value: PDFObject | undefined): boolean {
  if (key === 'ca' || key === 'CA') return value instanceof PDFNumber && value.asNumber() >= 1;
  if (key === 'BM') return value instanceof PDFName && ['Normal', 'Compatible'].includes(value.decodeText());
  if (key === 'SMask') return value instanceof PDFName && value.decodeText() === 'None';
  if (key === 'AIS' || key === 'TK') return value instanceof PDFBool;
  return false;
}

/** Drop what PDF 1.3 lacks and the copied page no longer needs; returns the streams to compress. */
function downgradeObjects(doc: PDFDocument): Array<[PDFRef, PDFRawStream]> {
  const uncompressed: Array<[PDFRef, PDFRawStream]> = [];
  for (const [ref, obj] of doc.context.enumerateIndirectObjects()) {
    const dict = obj instanceof PDFStream ? obj.dict : obj instanceof PDFDict ? obj : undefined;
    if (!dict) continue;
    const type = resolve(doc, dict.get(PDFName.of('Type')));
    const subtype = resolve(doc, dict.get(PDFName.of('Subtype')));
    if (type === PDFName.of('ExtGState') || (!type && (dict.has(PDFName.of('ca')) || dict.has(PDFName.of('BM'))))) {
      for (const [key, value] of dict.entries()) if (isNeutralTransparencyKey(key.decodeText(), resolve(doc, value))) dict.delete(key);
    }
    if (obj instanceof PDFStream && (subtype === PDFName.of('Form') || subtype === PDFName.of('Image'))) {
      // A group around opaque content composites exactly as its content alone; the
      // structure tree these point into is not copied; Interpolate is not allowed in PDF/X.
      for (const key of ['Group', 'StructParent', 'StructParents', 'Metadata', 'Interpolate']) dict.delete(PDFName.of(key));
    }
    if (obj instanceof PDFRawStream && !dict.has(PDFName.of('Filter'))) uncompressed.push([ref, obj]);
  }
  return uncompressed;
}

/**
 * Write a composed one-page plate as PDF/X-1a:2001 without a second distillation. The page
 * (its content, form XObjects, fonts and images, all already DeviceCMYK/DeviceGray with no
 * transparency) is copied object by object into a fresh document, so nothing unreachable
 * from the page survives; streams the colour pass left uncompressed are deflated (native
 * zlib); the document gets PDF 1.3 syntax (classic xref table, no object streams), the
 * OutputIntent with the press profile, the PDF/X Info keys and a document ID.
 */
export async function writeDirectPdfx(source: PDFDocument, options: DirectPdfxOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const [page] = await doc.copyPages(source, [0]);
  doc.addPage(page!);
  const uncompressed = downgradeObjects(doc);
  await Promise.all(
    uncompressed.map(async ([ref, stream]) => {
      const fresh = PDFRawStream.of(stream.dict, await deflateAsync(stream.contents));
      fresh.dict.set(PDFName.of('Filter'), PDFName.of('FlateDecode'));
      doc.context.assign(ref, fresh);
    }),
  );

  const oi = options.outputIntent;
  const context = doc.context;
  const profile = context.register(PDFRawStream.of(context.obj({ N: 4, Filter: 'FlateDecode' }), await compressedProfile(oi.iccProfile)));
  const intent = context.register(
    context.obj({
      Type: 'OutputIntent',
      S: 'GTS_PDFX',
      OutputConditionIdentifier: pdfText(oi.identifier ?? 'Custom'),
      OutputCondition: pdfText(oi.condition ?? 'Custom CMYK'),
      Info: pdfText(oi.condition ?? oi.identifier ?? 'Custom CMYK'),
      RegistryName: pdfText(oi.registryName ?? 'http://www.color.org'),
      DestOutputProfile: profile,
    }),
  );
  doc.catalog.set(PDFName.of('OutputIntents'), context.obj([intent]));

  const info = context.obj({
    Title: pdfText(options.title),
    Creator: pdfText('presswork'),
    Producer: pdfText('presswork direct PDF/X writer (pdf-lib)'),
    CreationDate: pdfDate(options.buildTime),
    ModDate: pdfDate(options.buildTime),
    GTS_PDFXVersion: pdfText('PDF/X-1:2001'),
    GTS_PDFXConformance: pdfText('PDF/X-1a:2001'),
    Trapped: 'False',
  });
  context.trailerInfo.Info = context.register(info);
  // Same plate, same ID: the ID names this title at this build time.
  const id = createHash('md5').update(`${options.title}\n${options.buildTime.toISOString()}`).digest('hex').toUpperCase();
  context.trailerInfo.ID = context.obj([PDFHexString.of(id), PDFHexString.of(id)]) as PDFArray;
  const bytes = await doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
  return asPdf13(bytes);
}

/**
 * pdf-lib's writer always heads the file `%PDF-1.7` (it ignores the context's header). The
 * version is one byte of a header of fixed length, so it is set in place: no offset moves.
 */
function asPdf13(bytes: Uint8Array): Uint8Array {
  const head = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
  if (!/^%PDF-1\.\d$/.test(head)) throw new Error(`pdf-lib wrote an unexpected header ${JSON.stringify(head)}`);
  bytes[7] = 0x33; // '3'
  return bytes;
}
