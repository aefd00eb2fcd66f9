import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cmyk, decodePDFRawStream, PDFDict, PDFDocument, PDFName, PDFStream, rgb, StandardFonts, type PDFRawStream } from 'pdf-lib';
import type { Browser } from 'puppeteer-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEdition } from '../../src/edition/load-edition.js';
import { createCmykConverter } from '../../src/pdf/cmyk-converter.js';
import { convertDocumentColours } from '../../src/pdf/convert-colours.js';
import { isSuppliedAd, placeAds } from '../../src/pdf/place-ads.js';
import { preflightAd } from '../../src/pdf/preflight-ad.js';
import { resolveCmykProfile } from '../../src/pdf/pdfx.js';
import { describePage, pageHash, type HashInputs } from '../../src/pipeline/page-hash.js';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { launchChromium } from '../../src/render/chromium.js';
import type { EditionReport } from '../../src/report/edition-report.js';
import { formatEditionSummary } from '../../src/report/terminal.js';
import { ownInks, plateInks } from '../../src/tools/ad-inks.js';
import { createAdCanvas, INKS, makeCarAdArtwork, makeCarAdJpeg, makeHouseAd, makeRgbAd, saveAd } from '../../src/tools/make-sample-ads.js';
import fontkit from '@pdf-lib/fontkit';
import { article, numberedSentences, writeEdition } from '../helpers/fixture-edition.js';
import { MM } from '../helpers/pdf.js';

// Ads for 3 columns × 21 lines (130.2 × 106.7 mm) and 3 columns × 16 lines (130.2 × 81.3 mm).
const HOUSE = { col: 6, cols: 3, row: 1, rows: 21 };
const CAR = { col: 6, cols: 3, row: 30, rows: 16 };

const story = (title: string, from: number) => article(title, [numberedSentences(12, from).join(''), numberedSentences(12, from + 50).join('')]);

function edition(pages: string, ads: Record<string, Uint8Array>): string {
  const dir = writeEdition({ 'edition.yaml': `paper: 测试日报\nslug: ceshi\ndate: 2026-11-26\npages:\n${pages}`, 'one.md': story('第一篇稿件', 1), 'two.md': story('第二篇稿件', 200), 'three.md': story('第三篇稿件', 400), 'four.md': story('第四篇稿件', 600), 'five.md': story('第五篇稿件', 800) });
  mkdirSync(join(dir, 'ads'), { recursive: true });
  for (const [name, bytes] of Object.entries(ads)) writeFileSync(join(dir, 'ads', name), bytes);
  return dir;
}

const page = (id: string, file: string, ads: string) =>
  `  - id: ${id}\n    template: news\n    section: 综合\n    stories:\n      - file: ${file}\n        box: {col: 1, cols: 5, row: 1, rows: 40}\n    ads:\n${ads}`;
const yamlBox = (box: Record<string, number>) => `{${Object.entries(box).map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
const ad = (file: string, box: Record<string, number>, extra = '') => `      - file: ads/${file}\n        box: ${yamlBox(box)}\n${extra}`;

/** A CMYK ad set in a font that is not a house font: LiberationSans embedded, or Helvetica not embedded. */
async function fontAd(embedded: boolean): Promise<Uint8Array> {
  const canvas = await createAdCanvas(130.175, 81.28);
  canvas.doc.registerFontkit(fontkit);
  const font = embedded
    ? await canvas.doc.embedFont(readFileSync('node_modules/pdfjs-dist/standard_fonts/LiberationSans-Regular.ttf'), { subset: true })
    : await canvas.doc.embedFont(StandardFonts.Helvetica);
  canvas.page.drawRectangle({ x: 0, y: 0, width: canvas.width, height: canvas.height, color: INKS.blue });
  canvas.page.drawText('Zhengding Motors', { x: 20, y: 100, size: 28, font, color: INKS.white });
  return saveAd(canvas, 'font test ad');
}

describe('supplied ads in a real build', () => {
  let browser: Browser;
  let report: EditionReport;
  let out: string;
  let dir: string;
  const house = makeHouseAd();

  beforeAll(async () => {
    dir = edition(
      page('A1', 'one.md', ad('house.pdf', HOUSE, '        client: 测试日报社\n') + ad('car.jpg', CAR)) +
        page('A2', 'two.md', ad('rgb.pdf', HOUSE)) +
        page('A3', 'three.md', ad('low.jpg', CAR)) +
        page('A4', 'four.md', ad('latin.pdf', CAR)) +
        page('A5', 'five.md', ad('helvetica.pdf', CAR)),
      {
        'house.pdf': await house,
        'car.jpg': await makeCarAdJpeg(),
        'rgb.pdf': await makeRgbAd(130.175, 106.68),
        'low.jpg': await makeCarAdJpeg(130.175, 81.28, 150),
        'latin.pdf': await fontAd(true),
        'helvetica.pdf': await fontAd(false),
      },
    );
    out = mkdtempSync(join(tmpdir(), 'pw-ads-'));
    browser = await launchChromium();
    report = await buildEdition(dir, { out, browser: async () => browser });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('puts the PDF ad on the plate with its own ink values', async () => {
    const plate = join(out, 'edition', report.pages.find((p) => p.id === 'A1')!.plate!);
    const onPlate = await plateInks(plate, (await loadEdition(dir)).edition!.grid, HOUSE);
    // The ad alone, separated the same way: its trim inset by the same 2 pt.
    const own = await ownInks(join(dir, 'ads', 'house.pdf'));
    expect([...onPlate.keys()].sort()).toEqual([...own.keys()].sort());
    // The inks the ad was made with (make-sample-ads INKS): red 0/100/100/10, K 15 tint, K 100 text.
    expect(onPlate.has('0,255,255,25')).toBe(true);
    expect(onPlate.has('0,0,0,38')).toBe(true);
    expect(onPlate.has('0,0,0,255')).toBe(true);
    for (const [ink, share] of own) expect(Math.abs(onPlate.get(ink)! - share), ink).toBeLessThan(1.5);
  });

  it('keeps the PDF ad\'s text as text, in its own embedded font', () => {
    const plate = join(out, 'edition', report.pages.find((p) => p.id === 'A1')!.plate!);
    const text = execFileSync('pdftotext', [plate, '-'], { encoding: 'utf8' });
    expect(text).toContain('2027年度征订');
    expect(text).toContain('征订热线');
    expect(execFileSync('pdffonts', [plate], { encoding: 'utf8' })).toMatch(/\+NotoSansSC-Black +CID TrueType/);
  });

  it('names the ads\' clients in the slug line, the report and the terminal', () => {
    const plate = join(out, 'edition', report.pages.find((p) => p.id === 'A1')!.plate!);
    expect(execFileSync('pdftotext', [plate, '-'], { encoding: 'utf8' })).toMatch(/A1版\s+广告：测试日报社、ads\/car\.jpg\s+制版/);
    expect(report.pages.find((p) => p.id === 'A1')?.ads).toEqual([
      { file: 'ads/house.pdf', client: '测试日报社', kind: 'pdf', box: HOUSE, widthMm: 130.2, heightMm: 106.7, scale: 1 },
      { file: 'ads/car.jpg', client: null, kind: 'jpeg', box: CAR, widthMm: 130.2, heightMm: 81.3, scale: 1 },
    ]);
    expect(formatEditionSummary(report)).toContain('  A1 ad ads/house.pdf (测试日报社): 130.2 × 106.7 mm pdf, as supplied\n  A1 ad ads/car.jpg: 130.2 × 81.3 mm jpeg, as supplied');
  });

  it('keeps the CMYK JPEG ad CMYK on the plate, at its own resolution and values', async () => {
    const plate = join(out, 'edition', report.pages.find((p) => p.id === 'A1')!.plate!);
    const images = execFileSync('pdfimages', ['-list', plate], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    const car = images.map((l) => l.trim().split(/\s+/)).find((c) => c[3] === '1538' && c[4] === '960');
    expect(car?.[5]).toBe('cmyk');
    expect(Math.abs(Number(car?.[12]) - 300)).toBeLessThanOrEqual(1);
    const onPlate = await plateInks(plate, (await loadEdition(dir)).edition!.grid, CAR);
    // The JPEG's own commonest pixel (the blue ground, C100 M70 Y0 K30) is on the plate unchanged.
    const { data } = await sharp(join(dir, 'ads', 'car.jpg')).pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer({ resolveWithObject: true });
    const counts = new Map<string, number>();
    for (let i = 0; i < data.length; i += 4) {
      const key = [data[i], data[i + 1], data[i + 2], data[i + 3]].join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const commonest = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    expect(commonest).toBe('255,179,0,76');
    expect(onPlate.get(commonest)).toBeGreaterThan(40);
  });

  it('rejects an RGB ad for a PDF/X-1a plate, naming the ad and the reason, and builds the other pages', () => {
    const rgb = report.messages.filter((m) => m.page === 'A2' && m.severity === 'error');
    expect(rgb.map((m) => m.message).join('\n')).toMatch(/Ad `ads\/rgb\.pdf`: .*RGB/);
    expect(rgb.find((m) => m.ruleId === 'ad/rgb-colour')).toMatchObject({ file: 'edition.yaml', line: expect.any(Number) });
    expect(rgb.map((m) => m.message)).toContain('Page A2 was not built: ad `ads/rgb.pdf` rejected by preflight');
    expect(report.pages.find((p) => p.id === 'A2')?.ok).toBe(false);
    expect(report.pages.find((p) => p.id === 'A1')?.ok).toBe(true);
    expect(report.pages.find((p) => p.id === 'A1')?.plate).toBeTruthy();
  });

  it('takes an ad\'s own embedded fonts, and rejects an ad whose font is not embedded', () => {
    expect(report.pages.find((p) => p.id === 'A4')?.ok).toBe(true);
    expect(report.messages.filter((m) => m.page === 'A4' && m.severity === 'error')).toEqual([]);
    const a5 = report.messages.filter((m) => m.page === 'A5' && m.severity === 'error').map((m) => `${m.ruleId} ${m.message}`);
    expect(a5.join('\n')).toMatch(/^ad\/font-embedded Ad `ads\/helvetica\.pdf`: Font Helvetica is not embedded \(font Helvetica \(object \d+ 0 R\)\)$/m);
    expect(report.pages.find((p) => p.id === 'A5')?.ok).toBe(false);
  });

  it('checks an image ad\'s resolution', () => {
    const low = report.messages.filter((m) => m.page === 'A3' && m.ruleId === 'ad/image-resolution');
    expect(low).toHaveLength(1);
    expect(low[0]!.message).toMatch(/^Ad `ads\/low\.jpg`: Image is 150 ppi at its placed size, expected at least 200 ppi/);
    expect(report.pages.find((p) => p.id === 'A3')?.ok).toBe(false);
    // The good ads pass preflight without a finding.
    expect(report.messages.filter((m) => m.page === 'A1' && m.ruleId.startsWith('ad/'))).toEqual([]);
  });
});

describe('loading ads', () => {
  const load = async (ads: string, files: Record<string, Uint8Array>) => {
    const dir = edition(page('A1', 'one.md', ads), files);
    const { edition: loaded, files: vfiles } = await loadEdition(dir);
    return { loaded, messages: vfiles[0]!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.reason}`) };
  };

  it('rejects a wrong-size ad, giving both sizes in mm at the ad\'s line', async () => {
    const { loaded, messages } = await load(ad('house.pdf', { ...HOUSE, rows: 20 }), { 'house.pdf': await makeHouseAd() });
    expect(messages).toEqual([
      expect.stringMatching(/^13:14 ad-size Ad `ads\/house\.pdf` on A1: the ad is 130\.2 × 106\.7 mm \(TrimBox\) but its box is 130\.2 × 101\.6 mm; expected the ad's size within ±1 mm/),
    ]);
    expect(loaded?.invalidPages.has('A1')).toBe(true);
  });

  it('allows `fit: scale` within 2 % only, proportionally', async () => {
    const slightly = await load(ad('house.pdf', HOUSE, '        fit: scale\n'), { 'house.pdf': await makeHouseAd(130.175 * 1.015, 106.68 * 1.015) });
    expect(slightly.messages).toEqual([]);
    expect(slightly.loaded!.pages[0]!.ads[0]!.scale).toBeCloseTo(1 / 1.015, 4);
    const unscaled = await load(ad('house.pdf', HOUSE), { 'house.pdf': await makeHouseAd(130.175 * 1.015, 106.68 * 1.015) });
    expect(unscaled.messages[0]).toMatch(/ad-size .*132\.1 × 108\.3 mm \(TrimBox\) but its box is 130\.2 × 106\.7 mm/);
    const far = await load(ad('house.pdf', HOUSE, '        fit: scale\n'), { 'house.pdf': await makeHouseAd(130.175 * 1.05, 106.68 * 1.05) });
    expect(far.messages[0]).toMatch(/ad-size .*`fit: scale` would scale it by -4\.8 %/);
  });

  it('puts the ad\'s bytes in the page hash, so a replaced ad re-renders its page', async () => {
    const inputs = { build: { presswork: 'test' } as HashInputs['build'], fileDigest: async () => 'unused' };
    const hashWith = async (bytes: Uint8Array) => {
      const { loaded } = await load(ad('house.pdf', HOUSE), { 'house.pdf': bytes });
      const input = await describePage(inputs, loaded!, 'A1', { images: () => [] });
      return { hash: pageHash(input), files: Object.keys(input.files) };
    };
    const first = await hashWith(await makeHouseAd());
    expect(first.files).toContain('ads/house.pdf');
    expect((await hashWith(await makeHouseAd(130.0, 106.68))).hash).not.toBe(first.hash);
  });

  it('keeps ad paths inside the edition, refuses files that are not ads, and counts ads as boxes', async () => {
    const escape = await load(ad('../../etc/passwd', HOUSE), {});
    expect(escape.messages[0]).toMatch(/^12:15 path-escape Ad path `ads\/..\/..\/etc\/passwd` leaves the edition folder/);
    const bogus = await load(ad('fake.pdf', HOUSE), { 'fake.pdf': new TextEncoder().encode('not a pdf at all') });
    expect(bogus.messages[0]).toMatch(/ad-file Ad `ads\/fake\.pdf` on A1 is neither a PDF nor a JPEG, PNG or TIFF image/);
    const overlap = await load(ad('house.pdf', { col: 4, cols: 3, row: 1, rows: 21 }), { 'house.pdf': await makeHouseAd() });
    expect(overlap.messages.join('\n')).toMatch(/^13:14 box-overlap Boxes overlap on A1: the ad `ads\/house\.pdf` \(columns 4–6, rows 1–21\) overlaps `one.md`/);
  });
});

describe('the plate colour pass and a placed ad', () => {
  it('converts the page\'s own RGB but leaves the ad\'s content as supplied', async () => {
    const pageDoc = await PDFDocument.create();
    pageDoc.addPage([400, 400]).drawRectangle({ x: 10, y: 10, width: 50, height: 50, color: rgb(0.9, 0.1, 0.1) });
    const placed = await placeAds(await pageDoc.save(), [
      { label: 'ads/rgb.pdf', kind: 'pdf', bytes: await makeRgbAd(50, 30), rect: { left: 100, top: 100, width: 50 * MM, height: 30 * MM } },
    ]);
    const doc = await PDFDocument.load(placed);
    const [report] = await convertDocumentColours(doc, createCmykConverter({ iccProfile: resolveCmykProfile(), inkLimit: 240 }), ['A1']);
    expect(report!.vectorColours).toBe(1); // the page's red, not the ad's blue or white text
    const xobjects = doc.getPage(0).node.Resources()!.lookup(PDFName.of('XObject'), PDFDict);
    const forms = xobjects.values().map((ref) => doc.context.lookup(ref, PDFStream)).filter((s) => isSuppliedAd(s.dict));
    expect(forms).toHaveLength(1);
    const content = Buffer.from(decodePDFRawStream(forms[0] as PDFRawStream).decode()).toString('latin1');
    expect(content).toMatch(/0\.1 0\.4 0\.9 rg/);
  });
});

describe('image ads placed as their own pixels', () => {
  it('embeds a CMYK TIFF losslessly as DeviceCMYK, every value kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-tiff-'));
    const art = join(dir, 'art.pdf');
    const tiff = join(dir, 'art.tif');
    writeFileSync(art, await makeCarAdArtwork(40, 20));
    execFileSync('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=tiff32nc', '-r200', `-sOutputFile=${tiff}`, art]);
    const bytes = readFileSync(tiff);
    const pageDoc = await PDFDocument.create();
    pageDoc.addPage([400, 400]);
    const placed = await PDFDocument.load(await placeAds(await pageDoc.save(), [{ label: 'ads/art.tif', kind: 'tiff', bytes, rect: { left: 10, top: 10, width: 40 * MM, height: 20 * MM } }]));
    const xobjects = placed.getPage(0).node.Resources()!.lookup(PDFName.of('XObject'), PDFDict);
    const image = placed.context.lookup(xobjects.values()[0]!, PDFStream) as PDFRawStream;
    expect(isSuppliedAd(image.dict)).toBe(true);
    expect(image.dict.get(PDFName.of('ColorSpace'))).toBe(PDFName.of('DeviceCMYK'));
    const { data, info } = await sharp(bytes).pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer({ resolveWithObject: true });
    expect([image.dict.get(PDFName.of('Width'))!.toString(), image.dict.get(PDFName.of('Height'))!.toString()]).toEqual([String(info.width), String(info.height)]);
    expect(Buffer.from(decodePDFRawStream(image).decode()).equals(data)).toBe(true);
    // and the values are Ghostscript's own separation of the artwork: the blue ground C100 M70 Y0 K30
    expect([...data.subarray(0, 4)]).toEqual([255, 179, 0, 76]);
  });
});

describe('ad preflight on its own', () => {
  const check = async (bytes: Uint8Array, variant: 'x1a' | 'x3' = 'x1a') =>
    preflightAd({ label: 'ads/test.pdf', kind: 'pdf', bytes, pageId: 'A1', sizeMm: { width: 60, height: 40 }, scale: 1, variant, inkLimit: 240 });

  it('rejects total ink over the edition\'s limit', async () => {
    const canvas = await createAdCanvas(60, 40);
    canvas.page.drawRectangle({ x: 0, y: 0, width: canvas.width, height: canvas.height, color: cmyk(1, 1, 1, 1) });
    const findings = await check(await saveAd(canvas, 'rich black'));
    expect(findings.map((f) => `${f.ruleId} ${f.message}`)).toEqual(['pdf/ink-limit Ad `ads/test.pdf`: Total ink reaches 400 %, expected at most 240 %']);
  });

  it('rejects transparency for PDF/X-1a but not for X-3', async () => {
    const canvas = await createAdCanvas(60, 40);
    canvas.page.drawRectangle({ x: 0, y: 0, width: 50, height: 50, color: INKS.blue, opacity: 0.5 });
    const bytes = await saveAd(canvas, 'see-through');
    expect((await check(bytes)).map((f) => f.ruleId)).toEqual(['pdf/transparency']);
    expect(await check(bytes, 'x3')).toEqual([]);
  });
});
