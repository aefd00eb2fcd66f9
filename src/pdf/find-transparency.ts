import { PDFDict, PDFName, PDFNumber, PDFRef, PDFStream, type PDFDocument, type PDFObject } from 'pdf-lib';

function resolve(doc: PDFDocument, obj: PDFObject | undefined): PDFObject | undefined {
  return obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
}

const OPAQUE_BLEND = new Set(['Normal', 'Compatible']);

/** Why an ExtGState is transparent, or undefined if it is not. */
function transparentState(doc: PDFDocument, gs: PDFDict): string | undefined {
  for (const key of ['ca', 'CA']) {
    const alpha = resolve(doc, gs.get(PDFName.of(key)));
    if (alpha instanceof PDFNumber && alpha.asNumber() < 1) return `opacity ${key} ${alpha.asNumber()}`;
  }
  const smask = resolve(doc, gs.get(PDFName.of('SMask')));
  if (smask instanceof PDFDict) return 'soft mask';
  const bm = resolve(doc, gs.get(PDFName.of('BM')));
  if (bm instanceof PDFName && !OPAQUE_BLEND.has(bm.decodeText())) return `blend mode ${bm.decodeText()}`;
  return undefined;
}

/**
 * List what makes a page use transparency: opacity, soft masks, blend modes, images with
 * alpha (Chromium's output for CSS `opacity`, `box-shadow`, `rgba()` and PNG alpha).
 * PDF/X-1a has no transparency, so Ghostscript flattens such a page into one image,
 * text included. The layout should avoid these on print pages.
 */
export function findTransparency(doc: PDFDocument, pageIndex: number, pageId = String(pageIndex + 1)): string[] {
  const found: string[] = [];
  const seen = new Set<PDFObject>();
  const walk = (resources: PDFObject | undefined, where: string) => {
    const res = resolve(doc, resources);
    if (!(res instanceof PDFDict) || seen.has(res)) return;
    seen.add(res);
    const states = resolve(doc, res.get(PDFName.of('ExtGState')));
    for (const [name, value] of states instanceof PDFDict ? states.entries() : []) {
      const gs = resolve(doc, value);
      const why = gs instanceof PDFDict ? transparentState(doc, gs) : undefined;
      if (why) found.push(`${why} (graphics state /${name.decodeText()} in ${where})`);
    }
    const xobjects = resolve(doc, res.get(PDFName.of('XObject')));
    for (const [name, value] of xobjects instanceof PDFDict ? xobjects.entries() : []) {
      const x = resolve(doc, value);
      if (!(x instanceof PDFStream)) continue;
      const label = `/${name.decodeText()} in ${where}`;
      if (x.dict.get(PDFName.of('Subtype')) === PDFName.of('Image')) {
        if (resolve(doc, x.dict.get(PDFName.of('SMask'))) instanceof PDFStream) found.push(`image with alpha ${label}`);
      } else if (!seen.has(x)) {
        seen.add(x);
        walk(x.dict.get(PDFName.of('Resources')), `form ${label}`);
      }
    }
  };
  walk(doc.getPage(pageIndex).node.Resources(), `page ${pageId}`);
  return found;
}
