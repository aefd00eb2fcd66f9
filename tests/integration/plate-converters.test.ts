import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { createPlates, FORMATS, type PlateResult } from '../../src/pdf/plates.js';
import { preflightPlate } from '../../src/pdf/preflight.js';
import { convertToPdfx, DEFAULT_PROFILE_INTENT, resolveCmykProfile } from '../../src/pdf/pdfx.js';
import { launchChromium } from '../../src/render/chromium.js';
import type { EditionReport } from '../../src/report/edition-report.js';
import { cmykDifference, cmykValues, readBox, renderPamCmyk } from '../fixtures/pdf/plate-tools.js';
import { pageTexts } from '../helpers/pdf.js';

// The direct PDF/X-1a writer against Ghostscript on every page of the sample: the same
// page PDFs made into plates both ways must print the same.

const SAMPLE = resolve('articles/2026-11-26');
const PAGES = ['A1', 'A2', 'A3', 'A4'];
const DPI = 150;
/** 2 % of a channel's range, in 8-bit steps. */
const CHANNEL_TOLERANCE = 0.02 * 255;

let browser: Browser;
let out: string;
let report: EditionReport;
const direct = new Map<string, PlateResult>();
const ghostscript = new Map<string, PlateResult>();

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'pw-converters-'));
  browser = await launchChromium();
  report = await buildEdition(SAMPLE, { out, browser: async () => browser });
  const common = { paper: '萧山日报', paperSlug: 'xiaoshan-daily', date: '2026-11-26', buildTime: new Date('2026-11-26T12:00:00Z'), trimMm: FORMATS.broadsheet };
  for (const id of PAGES) {
    const proof = join(out, '2026-11-26', 'pages', `${id}.pdf`);
    const [a] = await createPlates({ ...common, proof, pageIds: [id], platesDir: join(out, 'direct') });
    const [b] = await createPlates({ ...common, proof, pageIds: [id], platesDir: join(out, 'ghostscript'), converter: 'ghostscript' });
    direct.set(id, a!);
    ghostscript.set(id, b!);
  }
  console.log(`plate ms direct ${PAGES.map((id) => direct.get(id)!.ms).join(' ')}, ghostscript ${PAGES.map((id) => ghostscript.get(id)!.ms).join(' ')}`);
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await rm(out, { recursive: true, force: true });
});

describe('plates of the sample, direct writer and Ghostscript', () => {
  it('the build writes every sample page directly, names the converter and preflights clean', () => {
    expect(report.ok).toBe(true);
    const preflight = report.preflight as { page: string; converter: string; ghostscriptBecause: string[]; findings: unknown[] }[];
    expect(preflight.map((p) => [p.page, p.converter, p.ghostscriptBecause, p.findings])).toEqual(PAGES.map((id) => [id, 'direct', [], []]));
    for (const id of PAGES) {
      expect(direct.get(id)!.converter).toBe('direct');
      expect(ghostscript.get(id)!.converter).toBe('ghostscript');
    }
  });

  it.each(PAGES)('%s: CMYK rasters at 150 dpi differ by more than 2 per cent of a channel on at most 1 per cent of pixels', (id) => {
    const a = renderPamCmyk(direct.get(id)!.path, DPI);
    const b = renderPamCmyk(ghostscript.get(id)!.path, DPI);
    expect([a.width, a.height]).toEqual([b.width, b.height]);
    const { share, maxDelta } = cmykDifference(a, b, CHANNEL_TOLERANCE);
    console.log(`${id}: ${(share * 100).toFixed(3)} % of pixels differ by more than 2 % (largest difference ${maxDelta}/255)`);
    expect(share).toBeLessThanOrEqual(0.01);
  });

  it.each(PAGES)('%s: text and vector art (rules, tints) print the same ink values', (id) => {
    for (const only of ['text', 'vector'] as const) {
      const a = [...cmykValues(renderPamCmyk(direct.get(id)!.path, DPI, only)).keys()].sort();
      const b = [...cmykValues(renderPamCmyk(ghostscript.get(id)!.path, DPI, only)).keys()].sort();
      expect(a.length, `${id} ${only}: inks found`).toBeGreaterThan(1); // paper and at least one ink
      // Ghostscript rewrites a colour operand it copies from a supplied ad (0.1 K, 25.5/255,
      // prints as 26/255; the direct plate keeps the ad's own 0.1, which prints as 25/255):
      // one 8-bit step is allowed there, nothing more, and every other ink must match exactly.
      const near = (x: string, y: string) => x.split(',').every((v, ch) => Math.abs(Number(v) - Number(y.split(',')[ch])) <= 1);
      const unmatched = a.filter((x) => !b.includes(x));
      expect(a.length, `${id} ${only}: ${a.join(' ')} vs ${b.join(' ')}`).toBe(b.length);
      for (const x of unmatched) expect(b.filter((y) => !a.includes(y)).some((y) => near(x, y)), `${id} ${only}: ${x} has no counterpart in ${b.join(' ')}`).toBe(true);
      if (unmatched.length) console.log(`${id} ${only}: one step apart: ${unmatched.join(' ')} vs ${b.filter((y) => !a.includes(y)).join(' ')}`);
      expect(unmatched.length, `${id} ${only}`).toBeLessThanOrEqual(1);
    }
  });

  it.each(PAGES)('%s: same boxes as the Ghostscript plate, and all the page text', async (id) => {
    for (const key of ['MediaBox', 'TrimBox', 'BleedBox'] as const) {
      const a = await readBox(direct.get(id)!.path, key);
      const b = await readBox(ghostscript.get(id)!.path, key);
      for (const side of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(a[side] - b[side]), `${id} ${key} ${side}`).toBeLessThan(0.01);
    }
    // Against the page PDF, not the Ghostscript plate: Ghostscript 10.00 garbles the second
    // dash of a "——" on A3 (extracted as "—ᐔ"), the direct plate keeps Chromium's ToUnicode.
    const [plate] = await pageTexts(direct.get(id)!.path);
    const [page] = await pageTexts(join(out, '2026-11-26', 'pages', `${id}.pdf`));
    expect(page!.length).toBeGreaterThan(500);
    expect(plate).toContain(page);
  });

  it.each(PAGES)('%s: the direct plate is PDF 1.3 without object streams, passes qpdf --check, preflight and Ghostscript -dPDFX', async (id) => {
    const path = direct.get(id)!.path;
    const text = (await readFile(path)).toString('latin1');
    expect(text.slice(0, 8)).toBe('%PDF-1.3');
    expect(text).not.toMatch(/\/Type\s*\/(ObjStm|XRef)\b/);
    const check = execFileSync('qpdf', ['--check', path], { encoding: 'utf8' });
    expect(check).toContain('No syntax or stream encoding errors found');
    expect(check).not.toMatch(/WARNING/i);
    expect(await preflightPlate(path, { pageId: id, trimMm: FORMATS.broadsheet })).toEqual([]);
    const reread = await convertToPdfx(path, join(out, `reread-${id}.pdf`), { outputIntent: { iccProfile: resolveCmykProfile(), ...DEFAULT_PROFILE_INTENT } });
    expect(reread.warnings).toEqual([]);
  });
});
