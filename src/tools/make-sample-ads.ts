/**
 * The sample edition's supplied ads, made the way an agency would deliver them:
 * - `ads/zhengding-2027.pdf`: the paper's 2027 subscription (征订) house ad, PDF/X-1a:2001,
 *   DeviceCMYK only, Noto Sans SC embedded, TrimBox plus 3 mm bleed;
 * - `ads/zhengding-qiche.jpg`: a 正鼎汽车 car ad as a CMYK JPEG at 300 ppi.
 * Every colour is chosen under the 240 % ink limit; black text is K only.
 *
 * usage: tsx src/tools/make-sample-ads.ts [OUT_DIR]   (default articles/2026-11-26/ads)
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { cmyk, PDFDict, PDFDocument, PDFHeader, PDFName, PDFString, rgb, type Color, type PDFPage } from 'pdf-lib';
import sharp from 'sharp';
import { PT_PER_MM } from '../edition/grid.js';
import { resolveCmykProfile } from '../pdf/pdfx.js';
import { runTool } from '../util/run-tool.js';
import { drawSlugText } from '../pdf/slug-text.js';

const FIXED_DATE = new Date('2026-11-20T08:00:00Z');

/** Inks of the sample ads, in 0..1; each total stays under 240 %. */
export const INKS = {
  red: cmyk(0, 1, 1, 0.1),
  black: cmyk(0, 0, 0, 1),
  white: cmyk(0, 0, 0, 0),
  grey: cmyk(0, 0, 0, 0.15),
  blue: cmyk(1, 0.7, 0, 0.3),
  yellow: cmyk(0, 0.2, 1, 0),
} as const;

export interface AdCanvas {
  doc: PDFDocument;
  page: PDFPage;
  /** Trim in pt; drawing coordinates start at the trim's bottom-left corner. */
  width: number;
  height: number;
}

/** A one-page document of `widthMm × heightMm` plus `bleedMm` on each side, with TrimBox and BleedBox. */
export async function createAdCanvas(widthMm: number, heightMm: number, bleedMm = 0): Promise<AdCanvas> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const width = widthMm * PT_PER_MM;
  const height = heightMm * PT_PER_MM;
  const bleed = bleedMm * PT_PER_MM;
  const page = doc.addPage([width + 2 * bleed, height + 2 * bleed]);
  const box = doc.context.obj([bleed, bleed, bleed + width, bleed + height]);
  page.node.set(PDFName.of('TrimBox'), box);
  page.node.set(PDFName.of('BleedBox'), doc.context.obj([0, 0, width + 2 * bleed, height + 2 * bleed]));
  page.translateContent(bleed, bleed);
  return { doc, page, width, height };
}

/** Text in Noto Sans SC; `align: 'center'` centres it on `x`. Returns its width. */
export async function text(canvas: AdCanvas, value: string, x: number, y: number, size: number, color: Color, options: { weight?: number; align?: 'left' | 'center' } = {}): Promise<number> {
  let left = x;
  if (options.align === 'center') {
    const scratch = await PDFDocument.create();
    left = x - (await drawSlugText(scratch, scratch.addPage(), value, { x: 0, y: 0, size, color, weight: options.weight })) / 2;
  }
  return drawSlugText(canvas.doc, canvas.page, value, { x: left, y, size, color, weight: options.weight });
}

/** PDF/X-1a:2001 identification: version keys, a GTS_PDFX output intent with the CMYK profile, PDF 1.3, fixed dates. */
async function markPdfx1a(doc: PDFDocument, title: string): Promise<void> {
  const profile = await readFile(resolveCmykProfile());
  const icc = doc.context.register(doc.context.flateStream(profile, { N: 4 }));
  const intent = doc.context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFX',
    OutputConditionIdentifier: PDFString.of('CGATS TR 001'),
    OutputCondition: PDFString.of('Artifex CMYK SWOP Profile (Ghostscript default)'),
    RegistryName: PDFString.of('http://www.color.org'),
    DestOutputProfile: icc,
  });
  doc.catalog.set(PDFName.of('OutputIntents'), doc.context.obj([intent]));
  doc.setTitle(title);
  doc.setProducer('presswork make-sample-ads');
  doc.setCreator('presswork');
  doc.setCreationDate(FIXED_DATE);
  doc.setModificationDate(FIXED_DATE);
  const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
  info.set(PDFName.of('GTS_PDFXVersion'), PDFString.of('PDF/X-1:2001'));
  info.set(PDFName.of('GTS_PDFXConformance'), PDFString.of('PDF/X-1a:2001'));
  info.set(PDFName.of('Trapped'), PDFName.of('False'));
  doc.context.header = PDFHeader.forVersion(1, 3);
}

/**
 * pdf-lib names a subset `NotoSansSC-Bold-1234`; print tools recognise a subset by the
 * six-letter tag of ISO 32000 (`ABCDEF+NotoSansSC-Bold`). Tags are derived from the name.
 */
function tagSubsets(doc: PDFDocument): void {
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    const dict = object instanceof PDFDict ? object : undefined;
    const type = dict?.get(PDFName.of('Type'));
    const key = type === PDFName.of('Font') ? 'BaseFont' : type === PDFName.of('FontDescriptor') ? 'FontName' : undefined;
    const name = key && dict!.get(PDFName.of(key));
    if (!(name instanceof PDFName)) continue;
    const match = /^(.+)-(\d+)$/.exec(name.decodeText());
    if (!match) continue;
    const digest = createHash('sha256').update(name.decodeText()).digest();
    const tag = [...digest.subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
    dict!.set(PDFName.of(key!), PDFName.of(`${tag}+${match[1]}`));
  }
}

export async function saveAd(canvas: AdCanvas, title: string): Promise<Uint8Array> {
  await markPdfx1a(canvas.doc, title);
  await canvas.doc.flush();
  tagSubsets(canvas.doc);
  return canvas.doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}

/** The 征订 house ad for a 3-column × 21-line box (130.2 × 106.7 mm on the broadsheet grid). */
export async function makeHouseAd(widthMm = 130.175, heightMm = 106.68): Promise<Uint8Array> {
  const c = await createAdCanvas(widthMm, heightMm, 3);
  const { page, width: w, height: h } = c;
  const bleed = 3 * PT_PER_MM;
  // Red head band running into the bleed at the top and sides.
  const band = 92;
  page.drawRectangle({ x: -bleed, y: h - band, width: w + 2 * bleed, height: band + bleed, color: INKS.red });
  await text(c, '萧山日报', w / 2, h - 28, 15, INKS.white, { weight: 900, align: 'center' });
  await text(c, '2027年度征订', w / 2, h - 66, 30, INKS.white, { weight: 900, align: 'center' });
  await text(c, '一报在手　知晓萧山', w / 2, h - 86, 11, INKS.yellow, { weight: 700, align: 'center' });
  // A red frame round the white body, as house ads are boxed off from the news beside them.
  page.drawRectangle({ x: 3, y: 3, width: w - 6, height: h - 6, borderColor: INKS.red, borderWidth: 1.5 });
  // Body: black text on white.
  const lines: [string, number, number][] = [
    ['全年订价每份396元', 15, 700],
    ['半年订价每份198元', 15, 700],
    ['邮政投递员按日送报上门', 10.5, 400],
    ['机关、企事业单位和村社区可集中订阅', 10.5, 400],
    ['个人读者可到各邮政网点办理', 10.5, 400],
  ];
  let y = h - band - 26;
  for (const [line, size, weight] of lines) {
    await text(c, line, w / 2, y, size, INKS.black, { weight, align: 'center' });
    y -= size * 1.75;
  }
  // Foot band: a K-only tint with the hotlines, the last line on the trim's edge.
  const foot = 62;
  page.drawRectangle({ x: -bleed, y: -bleed, width: w + 2 * bleed, height: foot + bleed, color: INKS.grey });
  page.drawRectangle({ x: 0, y: foot, width: w, height: 2, color: INKS.red });
  await text(c, '征订热线　0571-82888888', w / 2, foot - 20, 12, INKS.black, { weight: 700, align: 'center' });
  await text(c, '邮政征订　11185', w / 2, foot - 37, 12, INKS.black, { weight: 700, align: 'center' });
  await text(c, '办理时间：即日起至2026年12月31日', w / 2, foot - 53, 9, INKS.black, { weight: 400, align: 'center' });
  return saveAd(c, '萧山日报 2027年度征订 house ad');
}

/** The 正鼎汽车 car ad's artwork, as CMYK vectors (rasterised to the JPEG by makeCarAdJpeg). */
export async function makeCarAdArtwork(widthMm: number, heightMm: number): Promise<Uint8Array> {
  const c = await createAdCanvas(widthMm, heightMm);
  const { page, width: w, height: h } = c;
  page.drawRectangle({ x: 0, y: 0, width: w, height: h, color: INKS.blue });
  page.drawRectangle({ x: 0, y: 0, width: w, height: 46, color: INKS.yellow });
  await text(c, '正鼎汽车', 14, h - 40, 28, INKS.white, { weight: 900 });
  await text(c, '2027款　正鼎E7纯电轿跑', 14, h - 64, 14, INKS.white, { weight: 700 });
  await text(c, '全新上市', 14, h - 84, 14, INKS.yellow, { weight: 700 });
  await text(c, '置换补贴最高1.5万元', 14, h - 104, 11, INKS.white, { weight: 400 });
  // A side view of the car in white over the blue.
  const car = 'M 0 40 L 12 22 C 30 14 60 8 92 8 C 120 8 140 18 152 24 L 178 30 C 186 32 190 36 190 42 L 190 52 L 0 52 Z';
  page.drawSvgPath(car, { x: w - 205, y: 120, color: INKS.white, scale: 1 });
  for (const cx of [w - 170, w - 55]) page.drawCircle({ x: cx, y: 66, size: 13, color: cmyk(0, 0, 0, 1) });
  await text(c, '萧山区市心北路正鼎汽车城　咨询热线0571-82666666', w / 2, 18, 10, INKS.black, { weight: 700, align: 'center' });
  return saveAd(c, '正鼎汽车 E7 artwork');
}

/**
 * A CMYK JPEG at `ppi`: the artwork rendered by Ghostscript straight to CMYK (DeviceCMYK
 * passes through), then written by sharp with the pipeline held in CMYK so no value moves.
 */
export async function makeCarAdJpeg(widthMm = 130.175, heightMm = 81.28, ppi = 300): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'presswork-ad-art-'));
  try {
    const pdf = join(dir, 'art.pdf');
    const tiff = join(dir, 'art.tif');
    await writeFile(pdf, await makeCarAdArtwork(widthMm, heightMm));
    await runTool('gs', ['-dSAFER', '-dBATCH', '-dNOPAUSE', '-dQUIET', '-sDEVICE=tiff32nc', `-r${ppi}`, '-dTextAlphaBits=4', '-dGraphicsAlphaBits=4', `-sOutputFile=${tiff}`, pdf], { timeoutMs: 120_000 });
    // keepMetadata carries Ghostscript's resolution over (withMetadata would convert to sRGB).
    return await sharp(tiff).pipelineColourspace('cmyk').toColourspace('cmyk').keepMetadata().jpeg({ quality: 92, chromaSubsampling: '4:4:4' }).toBuffer();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An RGB ad (for tests: PDF/X-1a plates must reject it). */
export async function makeRgbAd(widthMm: number, heightMm: number): Promise<Uint8Array> {
  const c = await createAdCanvas(widthMm, heightMm);
  c.page.drawRectangle({ x: 0, y: 0, width: c.width, height: c.height, color: rgb(0.1, 0.4, 0.9) });
  await text(c, '测试广告', 10, c.height - 30, 20, rgb(1, 1, 1), { weight: 700 });
  return c.doc.save({ useObjectStreams: false });
}

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'articles/2026-11-26/ads');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'zhengding-2027.pdf'), await makeHouseAd());
  await writeFile(join(out, 'zhengding-qiche.jpg'), await makeCarAdJpeg());
  console.log(`wrote ${join(out, 'zhengding-2027.pdf')} and ${join(out, 'zhengding-qiche.jpg')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
