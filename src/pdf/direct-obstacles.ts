import {
  PDFArray,
  PDFBool,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFRef,
  PDFStream,
  type PDFDocument,
  type PDFObject,
} from 'pdf-lib';
import { parseContentStream } from './content-stream.js';
import { fontDescriptor, streamBytes } from './plate-content.js';

// What stops a page from being written as PDF/X-1a as it is, without Ghostscript. The direct
// writer copies objects unchanged, so anything PDF/X-1a (PDF 1.3, CMYK/Gray, no transparency)
// does not allow, and that only Ghostscript can convert, sends the page to Ghostscript.
// Walked independently of the colour pass, so content the pass leaves alone (supplied ads)
// is judged by what it really contains.

function resolve(doc: PDFDocument, obj: PDFObject | undefined): PDFObject | undefined {
  return obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
}

function nameOf(obj: PDFObject | undefined): string | undefined {
  return obj instanceof PDFName ? obj.decodeText() : undefined;
}

const DEVICE_SPACES = new Set(['DeviceCMYK', 'DeviceGray', 'CMYK', 'G']);
/**
 * Filters the direct writer copies: PDF 1.3's, less LZW (Ghostscript re-encodes it; print
 * plants' preflights reject it). JBIG2Decode (1.4) and JPXDecode (1.5) are newer.
 */
const PDF13_FILTERS = new Set(['FlateDecode', 'Fl', 'DCTDecode', 'DCT', 'RunLengthDecode', 'RL', 'CCITTFaxDecode', 'CCF', 'ASCIIHexDecode', 'AHx', 'ASCII85Decode', 'A85']);
/** ExtGState keys that change what is printed in ways PDF/X forbids or only Ghostscript resolves. */
const FORBIDDEN_STATE_KEYS = ['TR', 'TR2', 'HT', 'BG2', 'UCR2'];

/** Undefined if `space` is DeviceCMYK, DeviceGray or indexed over them; otherwise its family. */
function foreignSpace(doc: PDFDocument, space: PDFObject | undefined): string | undefined {
  const s = resolve(doc, space);
  const name = nameOf(s);
  if (name !== undefined) return DEVICE_SPACES.has(name) ? undefined : name;
  if (s instanceof PDFArray) {
    const family = nameOf(resolve(doc, s.get(0)));
    if ((family === 'Indexed' || family === 'I') && s.size() > 1) return foreignSpace(doc, s.get(1));
    return family ?? 'unknown';
  }
  return 'unknown';
}

function filtersOf(doc: PDFDocument, dict: PDFDict): string[] {
  const filter = resolve(doc, dict.get(PDFName.of('Filter')));
  const list = filter instanceof PDFArray ? filter.asArray() : filter ? [filter] : [];
  return list.map((f) => nameOf(resolve(doc, f)) ?? '?');
}

/** Operators that may paint in a colour space we have not seen in the resources. */
const SUSPECT = /\b(?:rg|RG|sh|BI)\b|\/(?:DeviceRGB|RGB|CalRGB|CalGray|Lab|ICCBased|DeviceN|Separation)\b/;
const INLINE_SPACE = /\/(?:CS|ColorSpace)\s*\/(\w+)/;

/** Colour that only Ghostscript converts, painted directly by a content stream's operators. */
function contentObstacles(bytes: Uint8Array, where: string): string[] {
  const text = Buffer.from(bytes).toString('latin1');
  if (!SUSPECT.test(text)) return []; // the usual case: CMYK and gray operators only
  const found: string[] = [];
  for (const op of parseContentStream(bytes)) {
    if (op.operator === 'rg' || op.operator === 'RG') found.push(`RGB colour operator ${op.operator} in ${where}`);
    else if (op.operator === 'sh') found.push(`shading ${op.operands[0]} in ${where}`);
    else if ((op.operator === 'cs' || op.operator === 'CS') && op.operands[0] && !DEVICE_SPACES.has(op.operands[0].slice(1))) {
      // Named spaces are judged with the resources; these are the families written inline.
      const family = op.operands[0].slice(1);
      if (['DeviceRGB', 'RGB', 'Pattern'].includes(family)) found.push(`colour space /${family} in ${where}`);
    } else if (op.operator === 'ID') {
      const space = INLINE_SPACE.exec(op.operands.join(' '))?.[1];
      if (space && ['RGB', 'DeviceRGB'].includes(space)) found.push(`inline RGB image in ${where}`);
    }
  }
  return found;
}

function fontObstacles(doc: PDFDocument, font: PDFDict, label: string): string[] {
  if (font.get(PDFName.of('Subtype')) === PDFName.of('Type3')) return [`Type 3 font ${label}`];
  const descriptor = fontDescriptor(doc, font);
  if (descriptor?.get(PDFName.of('FontFile')) || descriptor?.get(PDFName.of('FontFile2'))) return [];
  const file3 = descriptor && resolve(doc, descriptor.get(PDFName.of('FontFile3')));
  if (!(file3 instanceof PDFStream)) return [`font ${label} not embedded`];
  const kind = nameOf(resolve(doc, file3.dict.get(PDFName.of('Subtype'))));
  return kind === 'Type1C' || kind === 'CIDFontType0C' ? [] : [`font ${label} embedded as ${kind ?? 'FontFile3'} (not PDF 1.3)`];
}

function imageObstacles(doc: PDFDocument, image: PDFStream, label: string): string[] {
  const dict = image.dict;
  const found: string[] = [];
  const mask = resolve(doc, dict.get(PDFName.of('ImageMask')));
  if (!(mask instanceof PDFBool && mask.asBoolean())) {
    const family = foreignSpace(doc, dict.get(PDFName.of('ColorSpace')));
    if (family) found.push(`image ${label} in ${family}`);
  }
  const odd = filtersOf(doc, dict).filter((f) => !PDF13_FILTERS.has(f));
  if (odd.length) found.push(`image ${label} encoded ${odd.join('+')}`);
  const bpc = resolve(doc, dict.get(PDFName.of('BitsPerComponent')));
  if (bpc instanceof PDFNumber && bpc.asNumber() > 8) found.push(`image ${label} at ${bpc.asNumber()} bits`);
  for (const key of ['OC', 'Alternates', 'OPI']) if (dict.has(PDFName.of(key))) found.push(`image ${label} with /${key}`);
  return found;
}

/**
 * Everything on page `pageIndex` that keeps it from being written as PDF/X-1a directly:
 * colour other than DeviceCMYK/DeviceGray, shadings and patterns, fonts not embedded or
 * embedded in a later format, filters and image depths newer than PDF 1.3, transfer
 * functions and halftones, optional content, PostScript XObjects. Transparency is found
 * by `findTransparency`. Empty means the direct writer may take the page.
 */
export function findDirectObstacles(doc: PDFDocument, pageIndex: number, pageId = String(pageIndex + 1)): string[] {
  const found: string[] = [];
  const seen = new Set<PDFObject>();
  const page = doc.getPage(pageIndex);

  const walkResources = (resources: PDFDict | undefined, where: string) => {
    if (!resources || seen.has(resources)) return;
    seen.add(resources);
    const entries = (key: string) => {
      const dict = resolve(doc, resources.get(PDFName.of(key)));
      return dict instanceof PDFDict ? dict.entries() : [];
    };
    for (const [name, space] of entries('ColorSpace')) {
      const family = foreignSpace(doc, space);
      if (family) found.push(`colour space /${name.decodeText()} (${family}) in ${where}`);
    }
    for (const [name] of entries('Pattern')) found.push(`pattern /${name.decodeText()} in ${where}`);
    for (const [name] of entries('Shading')) found.push(`shading /${name.decodeText()} in ${where}`);
    for (const [name, value] of entries('ExtGState')) {
      const state = resolve(doc, value);
      if (!(state instanceof PDFDict)) continue;
      for (const key of FORBIDDEN_STATE_KEYS) {
        const v = resolve(doc, state.get(PDFName.of(key)));
        if (v && !(key.startsWith('TR') && nameOf(v) === 'Identity') && nameOf(v) !== 'Default') {
          found.push(`/${key} in graphics state /${name.decodeText()} in ${where}`);
        }
      }
    }
    for (const [name, value] of entries('Font')) {
      const font = resolve(doc, value);
      if (font instanceof PDFDict && !seen.has(font)) {
        seen.add(font);
        found.push(...fontObstacles(doc, font, `/${name.decodeText()} in ${where}`));
      }
    }
    for (const [name, value] of entries('XObject')) {
      const x = resolve(doc, value);
      if (!(x instanceof PDFStream) || seen.has(x)) continue;
      seen.add(x);
      const label = `/${name.decodeText()} in ${where}`;
      const subtype = nameOf(resolve(doc, x.dict.get(PDFName.of('Subtype'))));
      if (subtype === 'Image') found.push(...imageObstacles(doc, x, label));
      else if (subtype === 'Form') {
        if (x.dict.has(PDFName.of('OC'))) found.push(`optional content on form ${label}`);
        const own = resolve(doc, x.dict.get(PDFName.of('Resources')));
        const formWhere = `form ${label}`;
        const odd = filtersOf(doc, x.dict).filter((f) => !PDF13_FILTERS.has(f));
        if (odd.length) found.push(`${formWhere} encoded ${odd.join('+')}`);
        else found.push(...contentObstacles(streamBytes(x), formWhere));
        walkResources(own instanceof PDFDict ? own : resources, formWhere);
      } else found.push(`${subtype ?? 'unknown'} XObject ${label}`);
    }
  };

  const where = `page ${pageId}`;
  const contents = resolve(doc, page.node.get(PDFName.of('Contents')));
  const parts = contents instanceof PDFArray ? contents.asArray().map((c) => resolve(doc, c)) : [contents];
  for (const part of parts) if (part instanceof PDFStream) found.push(...contentObstacles(streamBytes(part), where));
  walkResources(page.node.Resources(), where);
  return [...new Set(found)];
}
