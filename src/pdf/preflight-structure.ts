import {
  PDFArray,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRef,
  PDFStream,
  PDFString,
  type PDFDocument,
  type PDFObject,
  type PDFPage,
} from 'pdf-lib';
import { numericOperands } from './content-stream.js';
import { contentStreams, refLabel } from './plate-content.js';
import { arrayToBox, ptToMm, type Box } from './page-geometry.js';
import type { Finding, ResolvedPreflightOptions } from './preflight.js';

// Checks that read the PDF's objects with pdf-lib. Each returns findings for one rule family.

const BOX_TOLERANCE_MM = 0.01;

function resolve(doc: PDFDocument, obj: PDFObject | undefined): PDFObject | undefined {
  return obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
}

function name(obj: PDFObject | undefined): string | undefined {
  return obj instanceof PDFName ? obj.decodeText() : undefined;
}

function text(obj: PDFObject | undefined): string | undefined {
  return obj instanceof PDFString || obj instanceof PDFHexString ? obj.decodeText() : undefined;
}

function pageBox(page: PDFPage, key: string): Box | undefined {
  const value = resolve(page.doc, page.node.get(PDFName.of(key)));
  if (!(value instanceof PDFArray)) return undefined;
  return arrayToBox(value.asArray().map((n) => (resolve(page.doc, n) as PDFNumber).asNumber()));
}

const fmt = (box: Box) => `${ptToMm(box.width).toFixed(3)} × ${ptToMm(box.height).toFixed(3)} mm`;

/** TrimBox is exactly the trim; BleedBox is the trim plus the bleed on every side; both inside the MediaBox. */
export function checkBoxes(doc: PDFDocument, o: ResolvedPreflightOptions): Finding[] {
  const findings: Finding[] = [];
  const near = (a: number, b: number) => Math.abs(ptToMm(a) - b) <= BOX_TOLERANCE_MM;
  const nearPt = (a: number, b: number) => Math.abs(ptToMm(a - b)) <= BOX_TOLERANCE_MM;
  doc.getPages().forEach((page) => {
    const err = (object: string, message: string) => findings.push({ severity: 'error', pageId: o.pageId, object, message, ruleId: 'pdf/page-boxes' });
    const trim = pageBox(page, 'TrimBox');
    const bleed = pageBox(page, 'BleedBox');
    const media = pageBox(page, 'MediaBox') ?? page.getMediaBox();
    if (!trim) return err('TrimBox', `Page ${o.pageId} has no TrimBox, expected ${o.trimMm.width} × ${o.trimMm.height} mm`);
    if (!near(trim.width, o.trimMm.width) || !near(trim.height, o.trimMm.height)) {
      err('TrimBox', `TrimBox is ${fmt(trim)}, expected ${o.trimMm.width} × ${o.trimMm.height} mm (±${BOX_TOLERANCE_MM} mm)`);
    }
    if (!bleed) return err('BleedBox', `Page ${o.pageId} has no BleedBox, expected the trim plus ${o.bleedMm} mm`);
    const sides = [trim.x - bleed.x, trim.y - bleed.y, bleed.x + bleed.width - trim.x - trim.width, bleed.y + bleed.height - trim.y - trim.height];
    if (!sides.every((s) => near(s, o.bleedMm))) {
      err('BleedBox', `BleedBox extends ${sides.map((s) => ptToMm(s).toFixed(3)).join('/')} mm beyond the TrimBox, expected ${o.bleedMm} mm on every side`);
    }
    const inside = bleed.x >= media.x - 1e-3 && bleed.y >= media.y - 1e-3 &&
      bleed.x + bleed.width <= media.x + media.width + 1e-3 && bleed.y + bleed.height <= media.y + media.height + 1e-3;
    if (!inside || nearPt(media.width, bleed.width)) {
      err('MediaBox', `MediaBox ${fmt(media)} must contain the BleedBox ${fmt(bleed)} with room for marks`);
    }
  });
  return findings;
}

/** PDF/X: an OutputIntent with /S /GTS_PDFX and a CMYK profile, and GTS_PDFXVersion in Info. */
export function checkOutputIntent(doc: PDFDocument, o: ResolvedPreflightOptions): Finding[] {
  const findings: Finding[] = [];
  const err = (object: string, message: string) => findings.push({ severity: 'error', pageId: o.pageId, object, message, ruleId: 'pdf/pdfx' });
  const intents = resolve(doc, doc.catalog.get(PDFName.of('OutputIntents')));
  const pdfx = intents instanceof PDFArray
    ? intents.asArray().map((i) => resolve(doc, i)).find((i): i is PDFDict => i instanceof PDFDict && name(i.get(PDFName.of('S'))) === 'GTS_PDFX')
    : undefined;
  if (!pdfx) err('Catalog /OutputIntents', 'No OutputIntent with /S /GTS_PDFX, expected one naming the press profile');
  else {
    const profile = resolve(doc, pdfx.get(PDFName.of('DestOutputProfile')));
    const n = profile instanceof PDFStream ? resolve(doc, profile.dict.get(PDFName.of('N'))) : undefined;
    if (!(n instanceof PDFNumber) || n.asNumber() !== 4) err('OutputIntent /DestOutputProfile', 'OutputIntent has no CMYK (N 4) DestOutputProfile');
  }
  const info = resolve(doc, doc.context.trailerInfo.Info);
  const version = info instanceof PDFDict ? text(resolve(doc, info.get(PDFName.of('GTS_PDFXVersion')))) : undefined;
  const wanted = o.variant === 'x1a' ? 'PDF/X-1' : 'PDF/X-3';
  if (!version?.startsWith(wanted)) err('Info /GTS_PDFXVersion', `GTS_PDFXVersion is ${version ?? 'missing'}, expected ${wanted}…`);
  return findings;
}

type SpaceKind = 'ok' | 'rgb' | 'independent';

/** Classify a colour space: RGB of any kind is an error; Lab/Cal/ICC are not allowed in X-1a. */
function classifySpace(doc: PDFDocument, space: PDFObject | undefined, named?: PDFDict): SpaceKind {
  const s = resolve(doc, space);
  const n = name(s);
  if (n) {
    if (n === 'DeviceRGB' || n === 'RGB') return 'rgb';
    if (['DeviceGray', 'G', 'DeviceCMYK', 'CMYK', 'Pattern', 'I', 'Indexed'].includes(n)) return 'ok';
    const entry = named && resolve(doc, named.get(PDFName.of(n)));
    return entry ? classifySpace(doc, entry) : 'ok';
  }
  if (!(s instanceof PDFArray)) return 'ok';
  const family = name(resolve(doc, s.get(0)));
  switch (family) {
    case 'CalRGB':
      return 'rgb';
    case 'ICCBased': {
      const profile = resolve(doc, s.get(1));
      const comps = profile instanceof PDFStream ? resolve(doc, profile.dict.get(PDFName.of('N'))) : undefined;
      return comps instanceof PDFNumber && comps.asNumber() === 3 ? 'rgb' : 'independent';
    }
    case 'Lab':
    case 'CalGray':
      return 'independent';
    case 'Indexed':
    case 'Pattern':
      return s.size() > 1 ? classifySpace(doc, s.get(1)) : 'ok';
    case 'Separation':
      return classifySpace(doc, s.get(2));
    case 'DeviceN':
      return classifySpace(doc, s.get(2));
    default:
      return 'ok';
  }
}

/** No RGB colour anywhere (and, for X-1a, no device-independent colour): resources, images, shadings, operators. */
export function checkColourSpaces(doc: PDFDocument, o: ResolvedPreflightOptions): Finding[] {
  const findings: Finding[] = [];
  const report = (kind: SpaceKind, object: string, what: string) => {
    if (kind === 'rgb') findings.push({ severity: 'error', pageId: o.pageId, object, message: `${what} is RGB, expected CMYK or gray`, ruleId: 'pdf/rgb-colour' });
    else if (kind === 'independent' && o.variant === 'x1a') {
      findings.push({ severity: 'error', pageId: o.pageId, object, message: `${what} uses a device-independent colour space, not allowed in PDF/X-1a`, ruleId: 'pdf/device-independent-colour' });
    }
  };
  doc.getPages().forEach((page) => {
    for (const { ops, resources, where } of contentStreams(doc, page, o.pageId)) {
      const named = resources && resolve(doc, resources.get(PDFName.of('ColorSpace')));
      const namedDict = named instanceof PDFDict ? named : undefined;
      for (const [key, value] of namedDict?.entries() ?? []) report(classifySpace(doc, value), `colour space /${key.decodeText()}${refLabel(value)} on ${where}`, 'Colour space');
      const xobjects = resources && resolve(doc, resources.get(PDFName.of('XObject')));
      for (const [key, ref] of xobjects instanceof PDFDict ? xobjects.entries() : []) {
        const x = resolve(doc, ref);
        if (x instanceof PDFStream && name(x.dict.get(PDFName.of('Subtype'))) === 'Image') {
          report(classifySpace(doc, x.dict.get(PDFName.of('ColorSpace'))), `image /${key.decodeText()}${refLabel(ref)} on ${where}`, 'Image');
        }
      }
      const shadings = resources && resolve(doc, resources.get(PDFName.of('Shading')));
      for (const [key, ref] of shadings instanceof PDFDict ? shadings.entries() : []) {
        const sh = resolve(doc, ref);
        const dict = sh instanceof PDFStream ? sh.dict : sh;
        if (dict instanceof PDFDict) report(classifySpace(doc, dict.get(PDFName.of('ColorSpace'))), `shading /${key.decodeText()}${refLabel(ref)} on ${where}`, 'Shading');
      }
      const rgbOps = ops.filter((op) => op.operator === 'rg' || op.operator === 'RG' ||
        ((op.operator === 'cs' || op.operator === 'CS') && classifySpace(doc, PDFName.of(op.operands[0]?.slice(1) ?? ''), namedDict) === 'rgb'));
      if (rgbOps.length) report('rgb', `${rgbOps.length} colour operator(s) (first: ${rgbOps[0]!.operands.join(' ')} ${rgbOps[0]!.operator}) in ${where}`, 'Vector colour');
      if (ops.some((op) => op.operator === 'ID' && /\/(CS|ColorSpace)\s*\/(RGB|DeviceRGB)\b/.test(op.operands.join(' ')))) report('rgb', `inline image in ${where}`, 'Inline image');
    }
  });
  return findings;
}

/** A CMYK colour that is really a grey: C, M and Y all present and about equal. */
function isRichNeutral([c, m, y]: number[]): boolean {
  return Math.min(c!, m!, y!) >= 0.02 && Math.max(c!, m!, y!) - Math.min(c!, m!, y!) <= 0.12;
}

/** Black and grey text must print on K alone: flag text painted in four-colour greys. */
export function checkTextInk(doc: PDFDocument, o: ResolvedPreflightOptions): Finding[] {
  const findings: Finding[] = [];
  doc.getPages().forEach((page) => {
    for (const { ops, where } of contentStreams(doc, page, o.pageId)) {
      let fill: number[] = [];
      let font = '';
      const stack: Array<{ fill: number[]; font: string }> = [];
      const flagged = new Set<string>();
      for (const op of ops) {
        if (op.operator === 'q') stack.push({ fill, font });
        else if (op.operator === 'Q') ({ fill, font } = stack.pop() ?? { fill, font });
        else if (op.operator === 'k' || op.operator === 'sc' || op.operator === 'scn') fill = numericOperands(op) ?? [];
        else if (op.operator === 'g' || op.operator === 'rg' || op.operator === 'cs') fill = [];
        else if (op.operator === 'Tf') font = op.operands[0] ?? '';
        else if (['Tj', 'TJ', "'", '"'].includes(op.operator) && fill.length === 4 && isRichNeutral(fill)) {
          const key = `${font} ${fill.join(' ')}`;
          if (flagged.has(key)) continue;
          flagged.add(key);
          findings.push({
            severity: 'error',
            pageId: o.pageId,
            object: `text in font ${font} in ${where}`,
            message: `Text is four-colour grey/black (C ${fill[0]} M ${fill[1]} Y ${fill[2]} K ${fill[3]}), expected K only (C = M = Y = 0)`,
            ruleId: 'pdf/text-k-only',
          });
        }
      }
    }
  });
  return findings;
}
