import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cmyk, PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mmToPt } from '../../src/pdf/page-geometry.js';
import { createPlates, FORMATS } from '../../src/pdf/plates.js';
import { preflightPlate, type Finding } from '../../src/pdf/preflight.js';
import { launchChromium } from '../../src/render/chromium.js';
import { makeProofPdf } from '../fixtures/pdf/make-proof.js';

let dir: string;
let cleanPlate: string;
let lowResPlate: string;
let marginalPlate: string;
let proofPath: string;

const common = { paper: '萧山日报', paperSlug: 'xiaoshan-ribao', date: '2026-11-26' };
const broadsheet = { pageId: 'A1', trimMm: FORMATS.broadsheet };
const tabloid = { pageId: 'B1', trimMm: FORMATS.tabloid };

const rules = (findings: Finding[]) => findings.map((f) => `${f.severity} ${f.ruleId}`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pw-preflight-'));
  const browser = await launchChromium();
  try {
    const proof = await makeProofPdf(browser, { widthMm: 390, heightMm: 545 });
    proofPath = join(dir, 'proof.pdf');
    await writeFile(proofPath, proof);
    [{ path: cleanPlate }] = await createPlates({ ...common, proof, pageIds: ['A1'], trimMm: FORMATS.broadsheet, platesDir: join(dir, 'clean') });
    const low = await makeProofPdf(browser, { widthMm: 273, heightMm: 390, photoPpi: 100 });
    [{ path: lowResPlate }] = await createPlates({ ...common, proof: low, pageIds: ['B1'], trimMm: FORMATS.tabloid, platesDir: join(dir, 'low') });
    const marginal = await makeProofPdf(browser, { widthMm: 273, heightMm: 390, photoPpi: 220 });
    [{ path: marginalPlate }] = await createPlates({ ...common, proof: marginal, pageIds: ['B1'], trimMm: FORMATS.tabloid, platesDir: join(dir, 'marginal') });
  } finally {
    await browser.close();
  }
});

afterAll(() => rm(dir, { recursive: true, force: true }));

/** The clean plate with things a plate must not have drawn onto its page. */
async function tamperedPlate(edit: (doc: PDFDocument) => Promise<void>): Promise<string> {
  const doc = await PDFDocument.load(await readFile(cleanPlate), { updateMetadata: false });
  await edit(doc);
  const path = join(dir, `tampered-${Math.random().toString(36).slice(2)}.pdf`);
  await writeFile(path, await doc.save({ useObjectStreams: false }));
  return path;
}

describe('preflightPlate', () => {
  it('stops at a cancelled signal: its Ghostscript raster is not run to the end', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(preflightPlate(cleanPlate, { ...broadsheet, signal: controller.signal })).rejects.toThrow(/abort/i);
  });

  it('passes a plate made by createPlates, within seconds', async () => {
    const started = performance.now();
    const findings = await preflightPlate(cleanPlate, broadsheet);
    const ms = performance.now() - started;
    console.log(`preflight ms per broadsheet plate: ${Math.round(ms)}`);
    expect(findings).toEqual([]);
    expect(ms).toBeLessThan(15_000);
  });

  it('fails an image under 200 ppi at its placed size, naming page and object', async () => {
    const findings = await preflightPlate(lowResPlate, tabloid);
    expect(rules(findings)).toEqual(['error pdf/image-resolution']);
    expect(findings[0]!.pageId).toBe('B1');
    expect(findings[0]!.object).toMatch(/^image 315×236 px \(object \d+ 0 R\)$/);
    expect(findings[0]!.message).toBe('Image is 100 ppi at its placed size, expected at least 200 ppi');
  });

  it('measures an image inside a scaled form XObject (a placed ad) at its size on the page', async () => {
    const path = await tamperedPlate(async (doc) => {
      const ad = await PDFDocument.create();
      const jpeg = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#808080' } }).toColourspace('b-w').jpeg().toBuffer();
      ad.addPage([100, 100]).drawImage(await ad.embedJpg(jpeg), { x: 0, y: 0, width: 72, height: 72 }); // 100 ppi in the ad
      const [form] = await doc.embedPdf(await ad.save());
      doc.getPage(0).drawPage(form!, { x: 200, y: 200, xScale: 2, yScale: 2 }); // placed at twice the size
    });
    const findings = await preflightPlate(path, broadsheet);
    expect(rules(findings)).toEqual(['error pdf/image-resolution']);
    expect(findings[0]!.object).toMatch(/^image 100×100 px \(object \d+ 0 R\)$/);
    expect(findings[0]!.message).toBe('Image is 50 ppi at its placed size, expected at least 200 ppi');
  });

  it('warns about an image under 250 ppi', async () => {
    const findings = await preflightPlate(marginalPlate, tabloid);
    expect(rules(findings)).toEqual(['warning pdf/image-resolution']);
    expect(findings[0]!.message).toMatch(/^Image is 2\d\d ppi/);
  });

  it('catches an RGB image and RGB vector colour left in a plate', async () => {
    const path = await tamperedPlate(async (doc) => {
      const png = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#3a7' } }).png().toBuffer();
      const image = await doc.embedPng(png);
      const page = doc.getPage(0);
      page.drawImage(image, { x: 100, y: 100, width: 72, height: 72 });
      page.drawRectangle({ x: 200, y: 100, width: 50, height: 50, color: rgb(0.2, 0.4, 0.9) });
    });
    const findings = await preflightPlate(path, broadsheet);
    const rgbFindings = findings.filter((f) => f.ruleId === 'pdf/rgb-colour');
    expect(rgbFindings.map((f) => f.object)).toEqual([
      expect.stringMatching(/^image \/Image-\d+ \(object \d+ 0 R\) on page A1$/),
      expect.stringMatching(/^1 colour operator\(s\) \(first: 0\.2 0\.4 0\.9 rg\) in page A1$/),
    ]);
    expect(rgbFindings.every((f) => f.severity === 'error' && f.pageId === 'A1')).toBe(true);
  });

  it('catches four-colour black text and an unembedded font', async () => {
    const path = await tamperedPlate(async (doc) => {
      const font = await doc.embedFont(StandardFonts.Helvetica);
      doc.getPage(0).drawText('Rich black', { x: 100, y: 300, size: 12, font, color: cmyk(0.75, 0.68, 0.67, 0.9) });
    });
    const findings = await preflightPlate(path, broadsheet);
    // 75 + 68 + 67 + 90 = 300 %: rich black also breaks the ink limit.
    expect(rules(findings)).toEqual(['error pdf/font-embedded', 'error pdf/text-k-only', 'error pdf/ink-limit']);
    expect(findings[0]!.object).toMatch(/^font Helvetica \(object \d+ 0 R\)$/);
    expect(findings[1]!.message).toBe('Text is four-colour grey/black (C 0.75 M 0.68 Y 0.67 K 0.9), expected K only (C = M = Y = 0)');
  });

  it('fails a plate checked against the wrong format', async () => {
    const findings = await preflightPlate(cleanPlate, { ...broadsheet, trimMm: FORMATS.tabloid });
    expect(rules(findings)).toEqual(['error pdf/page-boxes']);
    expect(findings[0]!.message).toMatch(/^TrimBox is (389\.99\d|390\.00\d) × (544\.99\d|545\.00\d) mm, expected 273 × 390 mm/);
  });

  it('warns when Ghostscript had to flatten a page with transparency into one image', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([mmToPt(273), mmToPt(390)]);
    page.drawRectangle({ x: 50, y: 50, width: 200, height: 200, color: rgb(0.8, 0, 0), opacity: 0.5 });
    const [plate] = await createPlates({ ...common, proof: await doc.save(), pageIds: ['B2'], trimMm: FORMATS.tabloid, platesDir: join(dir, 'flat') });
    expect(plate!.transparency).toEqual([expect.stringMatching(/^opacity ca 0\.5 /)]);
    const findings = await preflightPlate(plate!.path, { ...tabloid, pageId: 'B2' });
    expect(rules(findings)).toEqual(['warning pdf/flattened-page']);
  });

  it('fails the RGB proof on every print rule it breaks', async () => {
    const findings = await preflightPlate(proofPath, broadsheet);
    expect(new Set(rules(findings))).toEqual(
      new Set(['error pdf/page-boxes', 'error pdf/rgb-colour', 'error pdf/pdfx', 'error pdf/ink-limit']),
    );
    const ink = findings.find((f) => f.ruleId === 'pdf/ink-limit')!;
    expect(ink.message).toMatch(/^Total ink reaches (2[5-9]\d|3\d\d)(\.\d)? %, expected at most 240 %$/);
    expect(ink.object).toMatch(/^region at x \d+ mm, y \d+ mm from the trim's top-left$/);
  });
});
