import { open } from 'node:fs/promises';
import { PDFArray, PDFDocument, PDFName, PDFNumber } from 'pdf-lib';
import sharp, { type Metadata } from 'sharp';
import { PT_PER_MM } from './grid.js';

/** Supplied ad files are untrusted: anything larger is refused before it is parsed. */
export const MAX_AD_BYTES = 100 * 1024 * 1024;

export type AdKind = 'pdf' | 'jpeg' | 'png' | 'tiff';

/** What an ad file is and how large it prints, read without trusting its name. */
export interface AdFileInfo {
  kind: AdKind;
  bytes: Uint8Array;
  /** The size the ad prints at: the PDF's TrimBox (else MediaBox), or an image's pixels at its resolution. */
  widthMm: number;
  heightMm: number;
  /** Which box or resolution gave the size, for messages: `TrimBox`, `MediaBox`, `1200 × 600 px at 300 ppi`. */
  sizeFrom: string;
  /** PDF: the box that is placed, in the ad page's own points. */
  pdfBox?: { x: number; y: number; width: number; height: number };
  /** Image: pixel size, resolution (ppi; 72 when the file gives none) and colour space as sharp names it. */
  image?: { width: number; height: number; ppi: number; space: string; channels: number; hasAlpha: boolean };
}

export class AdFileError extends Error {}

/** Tell the format from the first bytes: a file named `.pdf` may be anything. */
function sniff(head: Uint8Array): AdKind | undefined {
  const text = Buffer.from(head.subarray(0, 1024)).toString('latin1');
  if (text.includes('%PDF-')) return 'pdf';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (Buffer.from(head.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (text.startsWith('II*\0') || text.startsWith('MM\0*')) return 'tiff';
  return undefined;
}

async function readLimited(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_AD_BYTES) throw new AdFileError(`is ${(size / 1048576).toFixed(0)} MB, over the limit of ${MAX_AD_BYTES / 1048576} MB`);
    if (size === 0) throw new AdFileError('is empty');
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

const mm = (pt: number) => pt / PT_PER_MM;

async function readPdf(bytes: Uint8Array): Promise<AdFileInfo> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (error) {
    throw new AdFileError(`is not a PDF that can be read (${(error as Error).message.split('\n')[0]})`);
  }
  const count = doc.getPageCount();
  if (count !== 1) throw new AdFileError(`has ${count} pages, expected a one-page PDF`);
  const page = doc.getPage(0);
  const trim = page.node.lookup(PDFName.of('TrimBox'));
  const numbers = trim instanceof PDFArray ? trim.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : NaN)) : [];
  const fromTrim = numbers.length === 4 && numbers.every(Number.isFinite);
  const media = page.getMediaBox();
  const box = fromTrim
    ? { x: Math.min(numbers[0]!, numbers[2]!), y: Math.min(numbers[1]!, numbers[3]!), width: Math.abs(numbers[2]! - numbers[0]!), height: Math.abs(numbers[3]! - numbers[1]!) }
    : media;
  if (!(box.width > 0 && box.height > 0)) throw new AdFileError(`has an empty ${fromTrim ? 'TrimBox' : 'MediaBox'}`);
  return { kind: 'pdf', bytes, widthMm: mm(box.width), heightMm: mm(box.height), sizeFrom: fromTrim ? 'TrimBox' : 'MediaBox', pdfBox: box };
}

async function readImage(kind: AdKind, bytes: Uint8Array): Promise<AdFileInfo> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: 400_000_000 }).metadata();
  } catch (error) {
    throw new AdFileError(`is not an image that can be read (${(error as Error).message})`);
  }
  const { width, height } = meta;
  if (!width || !height) throw new AdFileError('has no pixel size');
  const ppi = meta.density && meta.density > 0 ? meta.density : 72;
  const image = { width, height, ppi, space: meta.space ?? 'unknown', channels: meta.channels ?? 0, hasAlpha: Boolean(meta.hasAlpha) };
  return { kind, bytes, widthMm: (width / ppi) * 25.4, heightMm: (height / ppi) * 25.4, sizeFrom: `${width} × ${height} px at ${Math.round(ppi)} ppi`, image };
}

/** Read and measure an ad file; every problem is an AdFileError with a reason for the desk. */
export async function readAdFile(path: string): Promise<AdFileInfo> {
  const bytes = await readLimited(path);
  const kind = sniff(bytes);
  if (!kind) throw new AdFileError('is neither a PDF nor a JPEG, PNG or TIFF image');
  return kind === 'pdf' ? readPdf(bytes) : readImage(kind, bytes);
}
