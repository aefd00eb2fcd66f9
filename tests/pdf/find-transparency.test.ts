import { PDFDocument, rgb } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findTransparency } from '../../src/pdf/find-transparency.js';

describe('findTransparency', () => {
  it('finds opacity and images with alpha, and nothing on an opaque page', async () => {
    const doc = await PDFDocument.create();
    const opaque = doc.addPage([200, 200]);
    opaque.drawRectangle({ x: 10, y: 10, width: 50, height: 50, color: rgb(0, 0, 0) });
    const page = doc.addPage([200, 200]);
    page.drawRectangle({ x: 10, y: 10, width: 50, height: 50, color: rgb(1, 0, 0), opacity: 0.5 });
    const png = await sharp({ create: { width: 4, height: 4, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } } }).png().toBuffer();
    page.drawImage(await doc.embedPng(png), { x: 100, y: 100, width: 20, height: 20 });
    // pdf-lib writes embedded images on save, so read the saved file back.
    const saved = await PDFDocument.load(await doc.save());
    expect(findTransparency(saved, 0, 'A1')).toEqual([]);
    const found = findTransparency(saved, 1, 'A2');
    expect(found).toEqual([
      expect.stringMatching(/^opacity ca 0\.5 \(graphics state \/GS-\d+ in page A2\)$/),
      expect.stringMatching(/^image with alpha \/Image-\d+ in page A2$/),
    ]);
  });
});
