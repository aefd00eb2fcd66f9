import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inkStats, renderCmyk, type CmykRaster } from '../../src/pdf/ink-raster.js';
import { mmToPt, outset, ptToMm } from '../../src/pdf/page-geometry.js';
import { createPlates, FORMATS, plateFileName, type PlateResult } from '../../src/pdf/plates.js';
import { launchChromium } from '../../src/render/chromium.js';
import { makeProofPdf, REGIONS } from '../fixtures/pdf/make-proof.js';
import { inkCoverage, readBox, regionBox, renderGray, wordBoxes } from '../fixtures/pdf/plate-tools.js';

let dir: string;
let broadsheet: PlateResult;
let tabloid: PlateResult;
let textOnly: PlateResult;
let proofPath: string;
let textProof: Uint8Array;
let raster: CmykRaster;
const rasterDpi = 100;

const common = { paper: '萧山日报', paperSlug: 'xiaoshan-ribao', date: '2026-11-26', buildTime: new Date('2026-11-26T12:00:00Z') };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pw-plates-'));
  const browser = await launchChromium();
  try {
    const proof = await makeProofPdf(browser, { ...FORMATS.broadsheet, widthMm: 390, heightMm: 545 });
    proofPath = join(dir, 'proof.pdf');
    await writeFile(proofPath, proof);
    [broadsheet] = await createPlates({ ...common, proof, pageIds: ['A1'], trimMm: FORMATS.broadsheet, platesDir: join(dir, 'broadsheet') });
    const small = await makeProofPdf(browser, { widthMm: 273, heightMm: 390 });
    [tabloid] = await createPlates({ ...common, proof: small, pageIds: ['B1'], trimMm: FORMATS.tabloid, platesDir: join(dir, 'tabloid') });
    const text = await makeProofPdf(browser, { widthMm: 390, heightMm: 545, textOnly: true });
    textProof = text;
    [textOnly] = await createPlates({ ...common, proof: text, pageIds: ['A2'], trimMm: FORMATS.broadsheet, platesDir: join(dir, 'text') });
  } finally {
    await browser.close();
  }
  const media = await readBox(broadsheet.path, 'MediaBox');
  raster = await renderCmyk(broadsheet.path, media.height, { dpi: rasterDpi });
});

afterAll(async () => {
  // Figures for the closing note: time per page and measured inks.
  console.log(`plate ms: broadsheet ${broadsheet?.ms}, tabloid ${tabloid?.ms}, text-only ${textOnly?.ms}`);
  await rm(dir, { recursive: true, force: true });
});

describe('createPlates', () => {
  it('writes one plate per page, named paper-date-page', () => {
    expect(basename(broadsheet.path)).toBe('xiaoshan-ribao-20261126-A1.pdf');
    expect(plateFileName('xiaoshan-ribao', '2026-11-26', 'B1')).toBe(basename(tabloid.path));
    expect(broadsheet.ms).toBeGreaterThan(0);
    // Nothing on the fixture page is left for Ghostscript: the direct writer made it.
    expect(broadsheet.converter).toBe('direct');
    expect(broadsheet.ghostscriptBecause).toEqual([]);
    expect(broadsheet.command).toEqual([]);
  });

  it.each([
    ['broadsheet', () => broadsheet, FORMATS.broadsheet],
    ['tabloid', () => tabloid, FORMATS.tabloid],
  ])('%s: TrimBox is the trim and BleedBox 3 mm more, to 0.01 mm', async (_name, plate, size) => {
    const trim = await readBox(plate().path, 'TrimBox');
    const bleed = await readBox(plate().path, 'BleedBox');
    const media = await readBox(plate().path, 'MediaBox');
    expect(Math.abs(ptToMm(trim.width) - size.width)).toBeLessThan(0.01);
    expect(Math.abs(ptToMm(trim.height) - size.height)).toBeLessThan(0.01);
    expect(Math.abs(ptToMm(trim.x - bleed.x) - 3)).toBeLessThan(0.01);
    expect(Math.abs(ptToMm(trim.y - bleed.y) - 3)).toBeLessThan(0.01);
    expect(Math.abs(ptToMm(bleed.width) - (size.width + 6))).toBeLessThan(0.01);
    expect(Math.abs(ptToMm(bleed.height) - (size.height + 6))).toBeLessThan(0.01);
    expect(media.width).toBeGreaterThan(bleed.width + mmToPt(10));
  });

  it('is PDF/X-1a: version keys, output intent, qpdf --check, fonts embedded and none Type 3', async () => {
    const bytes = await readFile(broadsheet.path);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('%PDF-1.3');
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    const info = doc.context.lookup(doc.context.trailerInfo.Info) as PDFDict;
    expect(info.lookup(PDFName.of('GTS_PDFXVersion'))?.toString()).toContain('PDF/X-1:2001');
    expect(info.lookup(PDFName.of('GTS_PDFXConformance'))?.toString()).toContain('PDF/X-1a:2001');
    const intents = doc.catalog.lookup(PDFName.of('OutputIntents'), PDFArray);
    const intent = intents.lookup(0, PDFDict);
    expect(intent.get(PDFName.of('S'))).toBe(PDFName.of('GTS_PDFX'));
    expect(intent.get(PDFName.of('DestOutputProfile'))).toBeDefined();
    expect(() => execFileSync('qpdf', ['--check', broadsheet.path], { timeout: 60_000 })).not.toThrow();
    const fonts = execFileSync('pdffonts', [broadsheet.path], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(3);
    for (const line of fonts) {
      expect(line).not.toMatch(/Type 3/);
      expect(line).toMatch(/CID TrueType\s+Identity-H\s+yes/);
    }
  });

  it('prints black and grey text and rules on K only', async () => {
    const trim = await readBox(broadsheet.path, 'TrimBox');
    const black = inkStats(raster, regionBox(trim, REGIONS.blackText));
    const grey = inkStats(raster, regionBox(trim, REGIONS.greyText));
    const rule = inkStats(raster, regionBox(trim, REGIONS.greyRule));
    console.log('ink black text', black.max, 'grey text', grey.max, 'grey rule', rule.max);
    for (const s of [black, grey, rule]) {
      expect(s.inkedPixels).toBeGreaterThan(0);
      expect([s.max.c, s.max.m, s.max.y]).toEqual([0, 0, 0]);
    }
    expect(black.max.k).toBe(100);
    expect(grey.max.k).toBeCloseTo(66.7, 0); // #555 → 67 % K tint
    expect(rule.max.k).toBeCloseTo(46.7, 0); // #888 → 47 % K tint
  });

  it('has no C, M or Y at all on a page of black and grey text (inkcov)', () => {
    const text = inkCoverage(textOnly.path, true);
    console.log('inkcov text-only page', text);
    expect([text.c, text.m, text.y]).toEqual([0, 0, 0]);
    expect(text.k).toBeGreaterThan(0);
  });

  it('keeps colour in coloured elements and holds total ink under 240 %', async () => {
    const trim = await readBox(broadsheet.path, 'TrimBox');
    const bleed = await readBox(broadsheet.path, 'BleedBox');
    const kicker = inkStats(raster, regionBox(trim, REGIONS.kicker));
    const tint = inkStats(raster, regionBox(trim, REGIONS.tintBox));
    const photo = inkStats(raster, regionBox(trim, REGIONS.photo));
    const page = inkStats(raster, bleed);
    console.log('ink kicker', kicker.max, 'tint', tint.max, 'photo', photo.max, photo.maxTotal, 'page max total', page.maxTotal);
    expect(kicker.max.m).toBeGreaterThan(90);
    expect(kicker.max.y).toBeGreaterThan(90);
    expect(tint.max.y).toBeGreaterThan(5);
    expect(Math.min(photo.max.c, photo.max.m, photo.max.y)).toBeGreaterThan(50);
    expect(page.maxTotal).toBeLessThanOrEqual(241);
  });

  it('draws marks outside the bleed and nothing between trim and bleed edge', async () => {
    const trim = await readBox(broadsheet.path, 'TrimBox');
    const bleed = await readBox(broadsheet.path, 'BleedBox');
    const media = await readBox(broadsheet.path, 'MediaBox');
    // Registration marks: all four inks at 100 %, found only outside the (slightly grown) bleed.
    const scale = rasterDpi / 72;
    const grown = outset(bleed, 1.5);
    let inside = 0;
    let outside = 0;
    for (let row = 0; row < raster.height; row++) {
      for (let col = 0; col < raster.width; col++) {
        const i = (row * raster.width + col) * 4;
        if (raster.data[i] !== 255 || raster.data[i + 1] !== 255 || raster.data[i + 2] !== 255 || raster.data[i + 3] !== 255) continue;
        const x = (col + 0.5) / scale;
        const y = media.height - (row + 0.5) / scale;
        const within = x > grown.x && x < grown.x + grown.width && y > grown.y && y < grown.y + grown.height;
        if (within) inside++;
        else outside++;
      }
    }
    expect(outside).toBeGreaterThan(100);
    expect(inside).toBe(0);
    // The bleed strip above the trim is empty (the proof has no bleed content there).
    const strip = inkStats(raster, { x: trim.x, y: trim.y + trim.height + 1, width: trim.width, height: bleed.y + bleed.height - trim.y - trim.height - 2 });
    expect(strip.inkedPixels).toBe(0);
  });

  it('keeps the page content where the proof had it', async () => {
    const trim = await readBox(broadsheet.path, 'TrimBox');
    const media = await readBox(broadsheet.path, 'MediaBox');
    // Text: same words, same x positions (y from pdftotext depends on font metrics Ghostscript rewrites).
    const dy = media.height - (trim.y + trim.height);
    const proofWords = wordBoxes(proofPath);
    const plateWords = wordBoxes(broadsheet.path).filter((w) => w.y > dy && w.y < dy + trim.height);
    expect(plateWords.map((w) => w.text)).toEqual(proofWords.map((w) => w.text));
    plateWords.forEach((w, i) => expect(w.x - trim.x).toBeCloseTo(proofWords[i]!.x, 1));
    // Pixels: at 127 dpi the 15 mm offset of the trim is exactly 75 px, so the two renders align.
    // The area stops above the photo, whose tones change on purpose (press profile, ink limit).
    const dpi = 127;
    const offset = Math.round((ptToMm(trim.x) / 25.4) * dpi);
    expect(offset).toBe(75);
    const area = { width: Math.round((200 / 25.4) * dpi), height: Math.round((REGIONS.photo.y - 2) / 25.4 * dpi) };
    const proof = renderGray(proofPath, dpi, { x: 0, y: 0, ...area });
    const plate = renderGray(broadsheet.path, dpi, { x: offset, y: offset, ...area });
    let inked = 0;
    let different = 0;
    for (let i = 0; i < proof.data.length; i++) {
      if (proof.data[i]! < 128) inked++;
      if (Math.abs(proof.data[i]! - plate.data[i]!) > 64) different++;
    }
    expect(inked).toBeGreaterThan(10_000);
    expect(different / inked).toBeLessThan(0.02);
  });

  it('names the paper, date, page and build time in the slug line', () => {
    const words = wordBoxes(broadsheet.path).map((w) => w.text).join(' ');
    expect(words).toContain('萧山日报');
    expect(words).toContain('2026-11-26');
    expect(words).toContain('A1版');
    expect(words).toContain('2026-11-26T12:00:00Z');
  });

  it('makes each plate of a proof of several pages from its own page only', async () => {
    // A two-page proof: the full test page, then the text-only page; plate only the second.
    const two = await PDFDocument.create();
    for (const bytes of [await readFile(proofPath), textProof]) {
      const source = await PDFDocument.load(bytes);
      const [page] = await two.copyPages(source, [0]);
      two.addPage(page);
    }
    const plates = await createPlates({ ...common, proof: await two.save(), pageIds: ['A1', 'A2'], only: ['A2'], trimMm: FORMATS.broadsheet, platesDir: join(dir, 'two') });
    expect(plates.map((p) => p.pageId)).toEqual(['A2']);
    const doc = await PDFDocument.load(await readFile(plates[0]!.path), { updateMetadata: false });
    expect(doc.getPageCount()).toBe(1);
    const words = (path: string) => wordBoxes(path).map((w) => w.text).filter((t) => !/版|presswork|萧山日报|2026-11-26/.test(t));
    expect(words(plates[0]!.path)).toEqual(words(textOnly.path));
    expect(plates[0]!.colours.images).toBe(0); // the photo is on the other page
  });
});
