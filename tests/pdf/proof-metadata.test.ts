import { PDFDocument } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mmToPt, ptToMm } from '../../src/pdf/page-geometry.js';
import { fixPageBoxes, setProofMetadata } from '../../src/pdf/proof-metadata.js';
import { launchChromium } from '../../src/render/chromium.js';
import { makeProofPdf } from '../fixtures/pdf/make-proof.js';

let chromiumProof: Uint8Array;

beforeAll(async () => {
  const browser = await launchChromium();
  try {
    chromiumProof = await makeProofPdf(browser, { widthMm: 390, heightMm: 545, pages: 3, textOnly: true });
  } finally {
    await browser.close();
  }
});

async function finishedProof(): Promise<Uint8Array> {
  const doc = await PDFDocument.load(chromiumProof);
  fixPageBoxes(doc, { width: 390, height: 545 });
  setProofMetadata(doc, {
    title: '萧山日报 2026年11月26日',
    date: '2026-11-26',
    pageIds: ['A1', 'A2', 'A3'],
    pageTitles: { A1: '要闻', A3: '突破进阶' },
    stories: [
      { title: '先进制造业集群加速形成', page: 'A1' },
      { title: '简讯', page: 'A1' },
      { title: '突破进阶（一）', page: 'A3' },
    ],
    buildTime: new Date('2026-11-26T12:00:00Z'),
  });
  return doc.save();
}

describe('fixPageBoxes', () => {
  it('corrects Chromium’s pixel-rounded page size to the exact trim', async () => {
    const doc = await PDFDocument.load(chromiumProof);
    const before = doc.getPage(0).getMediaBox();
    // Chromium rounds the page to whole CSS pixels: the raw proof is measurably off.
    expect(Math.abs(ptToMm(before.width) - 390)).toBeGreaterThan(0.01);
    const worst = fixPageBoxes(doc, { width: 390, height: 545 });
    expect(worst).toBeGreaterThan(0.01);
    for (const page of doc.getPages()) {
      for (const box of [page.getMediaBox(), page.getTrimBox()]) {
        expect(Math.abs(ptToMm(box.width) - 390)).toBeLessThan(0.01);
        expect(Math.abs(ptToMm(box.height) - 545)).toBeLessThan(0.01);
        // Anchored at the top, where Chromium starts drawing.
        expect(box.y + box.height).toBeCloseTo(before.y + before.height, 6);
      }
    }
    expect(mmToPt(390)).toBeCloseTo(doc.getPage(2).getTrimBox().width, 6);
  });
});

describe('setProofMetadata', () => {
  it('writes page labels, bookmarks per page and story, title and date, readable by pdf.js', async () => {
    const pdf = await getDocument({ data: await finishedProof(), useSystemFonts: false }).promise;
    try {
      expect(await pdf.getPageLabels()).toEqual(['A1', 'A2', 'A3']);
      const outline = await pdf.getOutline();
      expect(outline.map((item) => item.title)).toEqual(['A1 要闻', 'A2', 'A3 突破进阶']);
      expect(outline[0]!.items.map((item) => item.title)).toEqual(['先进制造业集群加速形成', '简讯']);
      expect(outline[1]!.items).toEqual([]);
      expect(outline[2]!.items.map((item) => item.title)).toEqual(['突破进阶（一）']);
      const dest = outline[2]!.items[0]!.dest as unknown[];
      expect(await pdf.getPageIndex(dest[0] as { num: number; gen: number })).toBe(2);
      const info = (await pdf.getMetadata()).info as Record<string, unknown>;
      expect(info.Title).toBe('萧山日报 2026年11月26日');
      expect(info.Language).toBe('zh-Hans');
      expect((info.Custom as Record<string, string>).EditionDate).toBe('2026-11-26');
      expect(info.CreationDate).toMatch(/^D:20261126120000/);
    } finally {
      await pdf.destroy();
    }
  });

  it('rejects a story on a page the proof does not have', async () => {
    const doc = await PDFDocument.load(chromiumProof);
    expect(() =>
      setProofMetadata(doc, { title: 't', date: '2026-11-26', pageIds: ['A1', 'A2', 'A3'], stories: [{ title: '头条', page: 'B9' }] }),
    ).toThrow('Bookmark for story "头条": page B9 is not in the proof');
  });
});
