import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cmyk,
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFRawStream,
  PDFRef,
  PDFStream,
  rgb,
  StandardFonts,
  type PDFObject,
} from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDirectObstacles } from '../../src/pdf/direct-obstacles.js';
import { mmToPt } from '../../src/pdf/page-geometry.js';
import { createPlates, FORMATS } from '../../src/pdf/plates.js';
import { preflightPlate } from '../../src/pdf/preflight.js';
import { convertToPdfx, DEFAULT_PROFILE_INTENT, resolveCmykProfile } from '../../src/pdf/pdfx.js';
import { drawSlugText } from '../../src/pdf/slug-text.js';

const trimMm = FORMATS.tabloid;
const common = { paper: '萧山日报', paperSlug: 'xiaoshan-ribao', date: '2026-11-26', buildTime: new Date('2026-11-26T12:00:00Z'), trimMm };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pw-direct-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const bytesOf = (stream: PDFStream) => Buffer.from(stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents());

/** A supplied ad as a press would send it: CMYK vectors, a CMYK JPEG and an embedded font. */
async function makeAd(): Promise<{ bytes: Uint8Array; jpeg: Buffer }> {
  const ad = await PDFDocument.create();
  const page = ad.addPage([mmToPt(120), mmToPt(80)]);
  page.drawRectangle({ x: 10, y: 10, width: 200, height: 120, color: cmyk(0, 0.6, 1, 0) });
  const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 30, g: 90, b: 200 } } })
    .toColourspace('cmyk')
    .jpeg({ quality: 90 })
    .toBuffer();
  page.drawImage(await ad.embedJpg(jpeg), { x: 220, y: 20, width: 64, height: 48 });
  await drawSlugText(ad, page, '广告 Supplied ad', { x: 20, y: 150, size: 14, color: cmyk(0, 0, 0, 1) });
  return { bytes: await ad.save(), jpeg };
}

/** A proof page at the tabloid trim holding the ad as a form XObject, as the ads pass places it. */
async function proofWithAd(extra?: (doc: PDFDocument) => Promise<void> | void): Promise<{ proof: Uint8Array; ad: PDFDocument }> {
  const { bytes } = await makeAd();
  const doc = await PDFDocument.create();
  const page = doc.addPage([mmToPt(trimMm.width), mmToPt(trimMm.height)]);
  page.drawRectangle({ x: 40, y: 40, width: 300, height: 20, color: cmyk(0, 0, 0, 0.5) });
  const [form] = await doc.embedPdf(bytes);
  page.drawPage(form!, { x: 100, y: 300 });
  await extra?.(doc);
  return { proof: await doc.save(), ad: await PDFDocument.load(bytes) };
}

function resolve(doc: PDFDocument, obj: PDFObject | undefined) {
  return obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
}

/** The first form XObject on page 0, and its resources. */
function firstForm(doc: PDFDocument): PDFStream {
  const xobjects = doc.getPage(0).node.Resources()!.lookup(PDFName.of('XObject'), PDFDict);
  for (const [, ref] of xobjects.entries()) {
    const x = resolve(doc, ref);
    if (x instanceof PDFStream && x.dict.get(PDFName.of('Subtype')) === PDFName.of('Form')) return x;
  }
  throw new Error('no form XObject on the page');
}

function streamsOfKind(doc: PDFDocument, resources: PDFDict, kind: 'XObject' | 'Font'): PDFObject[] {
  const dict = resources.lookup(PDFName.of(kind));
  return dict instanceof PDFDict ? dict.entries().map(([, v]) => resolve(doc, v)!) : [];
}

describe('the direct PDF/X-1a writer', () => {
  it('copies a supplied ad (CMYK vectors, CMYK JPEG, embedded font) byte for byte and passes every check', async () => {
    const { proof, ad } = await proofWithAd();
    const [plate] = await createPlates({ ...common, proof, pageIds: ['B1'], platesDir: dir });
    expect(plate!.converter).toBe('direct');
    expect(plate!.ghostscriptBecause).toEqual([]);

    const bytes = await readFile(plate!.path);
    const text = bytes.toString('latin1');
    expect(text.slice(0, 8)).toBe('%PDF-1.3');
    expect(text).toMatch(/\nxref\n0 \d+\n/); // a classic cross-reference table…
    expect(text).not.toMatch(/\/Type\s*\/(ObjStm|XRef)\b/); // …and no object or xref streams

    // The form's content, its image and its font program are the ad's own bytes.
    const out = await PDFDocument.load(bytes, { updateMetadata: false });
    const form = firstForm(out);
    const adPage = ad.getPage(0);
    const contents = resolve(ad, adPage.node.get(PDFName.of('Contents')));
    const parts = contents instanceof PDFArray ? contents.asArray().map((c) => resolve(ad, c) as PDFStream) : [contents as PDFStream];
    expect(parts.length).toBeGreaterThan(0);
    for (const part of parts) expect(bytesOf(form).toString('latin1')).toContain(bytesOf(part).toString('latin1').trim());
    const formResources = resolve(out, form.dict.get(PDFName.of('Resources'))) as PDFDict;
    const [image] = streamsOfKind(out, formResources, 'XObject') as PDFRawStream[];
    const [adImage] = streamsOfKind(ad, adPage.node.Resources()!, 'XObject') as PDFRawStream[];
    expect(image!.dict.get(PDFName.of('ColorSpace'))).toBe(PDFName.of('DeviceCMYK'));
    expect(Buffer.from(image!.contents).equals(Buffer.from(adImage!.contents))).toBe(true);
    expect(String(image!.dict.get(PDFName.of('Decode')))).toBe(String(adImage!.dict.get(PDFName.of('Decode'))));
    const fontFile = (doc: PDFDocument, font: PDFObject) => {
      const cid = resolve(doc, ((font as PDFDict).lookup(PDFName.of('DescendantFonts'), PDFArray)).get(0)) as PDFDict;
      return bytesOf(resolve(doc, (cid.lookup(PDFName.of('FontDescriptor')) as PDFDict).get(PDFName.of('FontFile2'))) as PDFStream);
    };
    const outFonts = streamsOfKind(out, formResources, 'Font');
    const adFonts = streamsOfKind(ad, adPage.node.Resources()!, 'Font');
    expect(outFonts.length).toBeGreaterThan(0);
    expect(outFonts.map((f) => fontFile(out, f).toString('hex'))).toEqual(adFonts.map((f) => fontFile(ad, f).toString('hex')));

    expect(() => execFileSync('qpdf', ['--check', plate!.path], { encoding: 'utf8' })).not.toThrow();
    expect(await preflightPlate(plate!.path, { pageId: 'B1', trimMm })).toEqual([]);
    const reread = await convertToPdfx(plate!.path, join(dir, 'reread.pdf'), { outputIntent: { iccProfile: resolveCmykProfile(), ...DEFAULT_PROFILE_INTENT } });
    expect(reread.warnings).toEqual([]);
  });

  it('writes the PDF/X-1a keys: version, Trapped, a document ID, the press profile as OutputIntent', async () => {
    const { proof } = await proofWithAd();
    const [plate] = await createPlates({ ...common, proof, pageIds: ['B1'], platesDir: join(dir, 'keys') });
    const doc = await PDFDocument.load(await readFile(plate!.path), { updateMetadata: false });
    const info = doc.context.lookup(doc.context.trailerInfo.Info) as PDFDict;
    expect(info.lookup(PDFName.of('GTS_PDFXVersion'))?.toString()).toBe('(PDF/X-1:2001)');
    expect(info.lookup(PDFName.of('GTS_PDFXConformance'))?.toString()).toBe('(PDF/X-1a:2001)');
    expect(info.get(PDFName.of('Trapped'))).toBe(PDFName.of('False'));
    expect(info.lookup(PDFName.of('CreationDate'))?.toString()).toBe("(D:20261126120000+00'00')");
    const id = doc.context.trailerInfo.ID as PDFArray;
    expect(id.size()).toBe(2);
    expect(id.get(0).toString()).toMatch(/^<[0-9A-F]{32}>$/);
    const intent = doc.catalog.lookup(PDFName.of('OutputIntents'), PDFArray).lookup(0, PDFDict);
    expect(intent.get(PDFName.of('S'))).toBe(PDFName.of('GTS_PDFX'));
    const profile = resolve(doc, intent.get(PDFName.of('DestOutputProfile'))) as PDFStream;
    expect(bytesOf(profile).equals(await readFile(resolveCmykProfile()))).toBe(true);
    const page = doc.getPage(0);
    for (const key of ['TrimBox', 'BleedBox']) expect(page.node.get(PDFName.of(key))).toBeInstanceOf(PDFArray);
    // Only what the plate page needs: no structure tree, no annotations, no leftovers.
    expect(doc.catalog.keys().map((k) => k.decodeText()).sort()).toEqual(['OutputIntents', 'Pages', 'Type']);
  });

  it('sends a page with transparency to Ghostscript and says why', async () => {
    const { proof } = await proofWithAd((doc) => {
      doc.getPage(0).drawRectangle({ x: 40, y: 100, width: 100, height: 100, color: cmyk(0, 1, 0, 0), opacity: 0.5 });
    });
    const [plate] = await createPlates({ ...common, proof, pageIds: ['B1'], platesDir: join(dir, 'transparent') });
    expect(plate!.converter).toBe('ghostscript');
    expect(plate!.ghostscriptBecause).toEqual([expect.stringMatching(/^opacity ca 0\.5 \(graphics state \/GS-\d+ in page B1\)$/)]);
    expect(plate!.command).toContain('-dPDFX');
  });

  it('uses Ghostscript for every page when asked to (print.converter: ghostscript)', async () => {
    const { proof } = await proofWithAd();
    const [plate] = await createPlates({ ...common, proof, pageIds: ['B1'], platesDir: join(dir, 'gs'), converter: 'ghostscript' });
    expect(plate!.converter).toBe('ghostscript');
    expect(plate!.ghostscriptBecause).toEqual(['print.converter is ghostscript']);
    expect((await readFile(plate!.path)).subarray(0, 8).toString('latin1')).toBe('%PDF-1.3');
  });
});

describe('findDirectObstacles', () => {
  it('finds what only Ghostscript converts, in the page and inside forms, and nothing on a CMYK page', async () => {
    const { proof } = await proofWithAd();
    const clean = await PDFDocument.load(proof);
    expect(findDirectObstacles(clean, 0, 'B1')).toEqual([]);

    // An ad left alone by the colour pass may still hold RGB, an unembedded font, a shading.
    const adDoc = await PDFDocument.create();
    const adPage = adDoc.addPage([200, 100]);
    adPage.drawRectangle({ x: 0, y: 0, width: 50, height: 50, color: rgb(1, 0, 0) });
    adPage.drawText('Helvetica', { x: 5, y: 60, size: 10, font: await adDoc.embedFont(StandardFonts.Helvetica), color: cmyk(0, 0, 0, 1) });
    const doc = await PDFDocument.load(proof);
    const [form] = await doc.embedPdf(await adDoc.save());
    const page = doc.getPage(0);
    page.drawPage(form!, { x: 10, y: 10 });
    const shading = doc.context.register(doc.context.obj({ ShadingType: 2, ColorSpace: 'DeviceRGB', Coords: [0, 0, 1, 0], Function: doc.context.obj({ FunctionType: 2, Domain: [0, 1], C0: [0, 0, 0], C1: [1, 1, 1], N: 1 }) }));
    page.node.Resources()!.set(PDFName.of('Shading'), doc.context.obj({ Sh1: shading }));
    const icc = doc.context.register(doc.context.stream(new Uint8Array(8), { N: 3 }));
    page.node.Resources()!.set(PDFName.of('ColorSpace'), doc.context.obj({ CS1: doc.context.obj([PDFName.of('ICCBased'), icc]) }));
    const saved = await PDFDocument.load(await doc.save());
    const found = findDirectObstacles(saved, 0, 'B1');
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^RGB colour operator rg in form \/EmbeddedPdfPage-\d+ in page B1$/),
      expect.stringMatching(/^font \/Helvetica-\d+ in form \/EmbeddedPdfPage-\d+ in page B1 not embedded$/),
      'shading /Sh1 in page B1',
      'colour space /CS1 (ICCBased) in page B1',
    ]));
    expect(found).toHaveLength(4);
  });
});
