import {
  PDFArray,
  PDFBool,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFStream,
  decodePDFRawStream,
  type PDFDocument,
  type PDFObject,
  type PDFPage,
} from 'pdf-lib';
import { numericOperands, parseContentStream, type Operation } from './content-stream.js';

// A plate page's content streams, decoded and parsed once and shared by every preflight check
// that reads operators (colours, text ink, image placement).

/** One content stream: the page's (its parts joined) or a form XObject's. */
export interface ContentStream {
  ops: Operation[];
  resources?: PDFDict;
  /** `page A1` or `form /X0 (object 12 0 R) on page A1`. */
  where: string;
  /** The form XObject, for form streams. */
  form?: PDFStream;
}

function resolve(doc: PDFDocument, obj: PDFObject | undefined): PDFObject | undefined {
  return obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
}

export const refLabel = (obj: PDFObject | undefined): string =>
  obj instanceof PDFRef ? ` (object ${obj.objectNumber} ${obj.generationNumber} R)` : '';

export function streamBytes(stream: PDFStream): Uint8Array {
  return stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents();
}

/** A font's descriptor (for a Type0 font, its descendant's); undefined for the standard 14 unembedded. */
export function fontDescriptor(doc: PDFDocument, font: PDFDict): PDFDict | undefined {
  let described: PDFObject | undefined = font;
  if (font.get(PDFName.of('Subtype')) === PDFName.of('Type0')) {
    const descendants = resolve(doc, font.get(PDFName.of('DescendantFonts')));
    described = descendants instanceof PDFArray ? resolve(doc, descendants.get(0)) : undefined;
  }
  const descriptor = described instanceof PDFDict ? resolve(doc, described.get(PDFName.of('FontDescriptor'))) : undefined;
  return descriptor instanceof PDFDict ? descriptor : undefined;
}

const parsed = new WeakMap<PDFDict, ContentStream[]>();

/** Every content stream of a page with its resources and a label: page contents, then forms, recursively. */
export function contentStreams(doc: PDFDocument, page: PDFPage, pageId: string): ContentStream[] {
  const cached = parsed.get(page.node);
  if (cached) return cached;
  const contents = resolve(doc, page.node.get(PDFName.of('Contents')));
  const parts = contents instanceof PDFArray ? contents.asArray().map((r) => resolve(doc, r)) : [contents];
  // Joined: an operator's operands never span streams, but q/Q state does.
  const bytes = Buffer.concat(parts.filter((p): p is PDFStream => p instanceof PDFStream).map((p) => Buffer.concat([Buffer.from(streamBytes(p)), Buffer.from('\n')])));
  const pageResources = page.node.Resources();
  const streams: ContentStream[] = [{ ops: parseContentStream(bytes), resources: pageResources, where: `page ${pageId}` }];
  const seen = new Set<PDFObject>();
  const forms = (resources: PDFDict | undefined, where: string) => {
    const xobjects = resources && resolve(doc, resources.get(PDFName.of('XObject')));
    if (!(xobjects instanceof PDFDict)) return;
    for (const [key, ref] of xobjects.entries()) {
      const x = resolve(doc, ref);
      if (!(x instanceof PDFStream) || seen.has(x) || x.dict.get(PDFName.of('Subtype')) !== PDFName.of('Form')) continue;
      seen.add(x);
      const res = resolve(doc, x.dict.get(PDFName.of('Resources')));
      const label = `form ${key.decodeText()}${refLabel(ref)} on ${where}`;
      const formResources = res instanceof PDFDict ? res : resources;
      streams.push({ ops: parseContentStream(streamBytes(x)), resources: formResources, where: label, form: x });
      forms(formResources, label);
    }
  };
  forms(pageResources, `page ${pageId}`);
  parsed.set(page.node, streams);
  return streams;
}

type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** `m` then `n`: the matrix that applies m first (PDF's row-vector convention, `cm` is m × CTM). */
function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

/** An image as placed on the page: its pixels and the size of its unit square in points. */
export interface ImagePlacement {
  /** `image 315×236 px (object 12 0 R)` or `inline image 8×8 px in page A1`. */
  object: string;
  widthPx: number;
  heightPx: number;
  widthPt: number;
  heightPt: number;
}

const num = (obj: PDFObject | undefined) => (obj instanceof PDFNumber ? obj.asNumber() : 0);

/**
 * Every image painted on the page (not stencil masks), with the size it is painted at: the
 * content streams are walked with the CTM through q/Q, cm and form XObjects (their /Matrix).
 */
export function imagePlacements(doc: PDFDocument, page: PDFPage, pageId: string): ImagePlacement[] {
  const streams = contentStreams(doc, page, pageId);
  const formOps = new Map(streams.filter((s) => s.form).map((s) => [s.form!, s]));
  const found: ImagePlacement[] = [];
  const place = (ctm: Matrix, widthPx: number, heightPx: number, object: string) =>
    found.push({ object, widthPx, heightPx, widthPt: Math.hypot(ctm[0], ctm[1]), heightPt: Math.hypot(ctm[2], ctm[3]) });

  const walk = (stream: ContentStream, start: Matrix, depth: number) => {
    let ctm = start;
    const stack: Matrix[] = [];
    const xobjects = stream.resources && resolve(doc, stream.resources.get(PDFName.of('XObject')));
    for (const op of stream.ops) {
      if (op.operator === 'q') stack.push(ctm);
      else if (op.operator === 'Q') ctm = stack.pop() ?? ctm;
      else if (op.operator === 'cm') {
        const m = numericOperands(op);
        if (m?.length === 6) ctm = multiply(m as Matrix, ctm);
      } else if (op.operator === 'ID') {
        const dict = op.operands.join(' ');
        const w = Number(/\/(?:W|Width)\s+(\d+)/.exec(dict)?.[1] ?? 0);
        const h = Number(/\/(?:H|Height)\s+(\d+)/.exec(dict)?.[1] ?? 0);
        if (!/\/(?:IM|ImageMask)\s+true/.test(dict)) place(ctm, w, h, `inline image ${w}×${h} px in ${stream.where}`);
      } else if (op.operator === 'Do' && xobjects instanceof PDFDict) {
        const ref = xobjects.get(PDFName.of(op.operands[0]?.slice(1) ?? ''));
        const x = resolve(doc, ref);
        if (!(x instanceof PDFStream)) continue;
        const subtype = x.dict.get(PDFName.of('Subtype'));
        if (subtype === PDFName.of('Image')) {
          const mask = resolve(doc, x.dict.get(PDFName.of('ImageMask')));
          if (mask instanceof PDFBool && mask.asBoolean()) continue;
          const [w, h] = ['Width', 'Height'].map((k) => num(resolve(doc, x.dict.get(PDFName.of(k)))));
          place(ctm, w!, h!, `image ${w}×${h} px${refLabel(ref)}`);
        } else if (subtype === PDFName.of('Form') && depth < 16) {
          const form = formOps.get(x);
          const matrix = resolve(doc, x.dict.get(PDFName.of('Matrix')));
          const m = matrix instanceof PDFArray && matrix.size() === 6 ? (matrix.asArray().map((v) => num(resolve(doc, v))) as Matrix) : IDENTITY;
          if (form) walk(form, multiply(m, ctm), depth + 1);
        }
      }
    }
  };
  walk(streams[0]!, IDENTITY, 0);
  return found;
}
