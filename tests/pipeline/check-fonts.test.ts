import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPageFonts, pdfFontNames } from '../../src/pipeline/check-fonts.js';
import { launchChromium } from '../../src/render/chromium.js';

let browser: Browser;
const work = mkdtempSync(join(tmpdir(), 'pw-check-fonts-'));

beforeAll(async () => {
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** pdffonts' names, subset tags stripped: what the check read before it read the bytes. */
const pdffonts = (path: string) =>
  execFileSync('pdffonts', [path], { encoding: 'utf8' }).trim().split('\n').slice(2).map((line) => line.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, ''));

async function chromiumPdf(html: string): Promise<{ bytes: Uint8Array; path: string }> {
  const page = await browser.newPage();
  try {
    await page.setContent(html, { waitUntil: 'load' });
    const bytes = await page.pdf({ width: '100mm', height: '60mm' });
    const path = join(work, `chromium-${Date.now()}.pdf`);
    writeFileSync(path, bytes);
    return { bytes, path };
  } finally {
    await page.close();
  }
}

describe('the page font check', () => {
  it('reads the fonts of a Chromium PDF from its bytes, as pdffonts lists them, and names a system font', async () => {
    const { bytes, path } = await chromiumPdf(
      '<p style="font-family: \'DejaVu Sans\'">Stop press</p><p style="font-family: \'DejaVu Sans Mono\'">Late final</p>',
    );
    const names = await pdfFontNames(bytes, path);
    expect(names.length).toBe(2);
    expect(names.sort()).toEqual([...new Set(pdffonts(path))].sort());
    const messages = await checkPageFonts(bytes, path, 'A9');
    expect(messages.map((m) => [m.ruleId, m.severity, m.page])).toEqual([
      ['missing-glyph', 'error', 'A9'],
      ['missing-glyph', 'error', 'A9'],
    ]);
    expect(messages.map((m) => m.message).join('\n')).toMatch(/system font DejaVuSans/);
    // A house font named in the edition is ours, not a system font.
    expect(await checkPageFonts(bytes, path, 'A9', names)).toEqual([]);
  }, 60_000);

  it('asks pdffonts when the font dictionaries may be compressed in object streams', async () => {
    const doc = await PDFDocument.create();
    doc.addPage().drawText('Extra', { font: await doc.embedFont(StandardFonts.Helvetica) });
    const bytes = await doc.save({ useObjectStreams: true });
    const text = Buffer.from(bytes).toString('latin1');
    expect(text).toContain('/ObjStm');
    expect(text).not.toContain('/BaseFont'); // the bytes alone would show no font
    const path = join(work, 'object-streams.pdf');
    writeFileSync(path, bytes);
    const messages = await checkPageFonts(bytes, path, 'B1');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.message).toContain('system font Helvetica');
  });
});
