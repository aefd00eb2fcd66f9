import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createCmykConverter, isNeutral, limitInk } from '../../src/pdf/cmyk-converter.js';
import { resolveCmykProfile } from '../../src/pdf/pdfx.js';

const converter = createCmykConverter({ iccProfile: resolveCmykProfile(), inkLimit: 240 });

describe('createCmykConverter', () => {
  it('sends greys to K only, as tints', async () => {
    const [black, grey] = await converter.convertColours([[0, 0, 0], [0.3333, 0.3333, 0.3333]]);
    expect(black).toEqual([0, 0, 0, 1]);
    expect(grey![3]).toBeCloseTo(0.6667, 3);
    expect(grey!.slice(0, 3)).toEqual([0, 0, 0]);
  });

  it('keeps colour in colours, under the ink limit', async () => {
    const [red, navy] = await converter.convertColours([[0.8, 0, 0], [0, 0, 0.2]]);
    expect(red![1]).toBeGreaterThan(0.9);
    expect(red![2]).toBeGreaterThan(0.9);
    expect(navy!.reduce((a, b) => a + b)).toBeLessThanOrEqual(2.4 + 1e-9);
  });

  it('converts a photo once per process and settings: the same bytes again give the same pixels', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 40, b: 20 } } }).png().toBuffer();
    const first = await converter.convertImage(png);
    const again = await createCmykConverter({ iccProfile: resolveCmykProfile(), inkLimit: 240 }).convertImage(Buffer.from(png));
    expect(again.data).toBe(first.data); // the cached conversion, not a new one
    const lower = await createCmykConverter({ iccProfile: resolveCmykProfile(), inkLimit: 200 }).convertImage(png);
    expect(lower.data).not.toBe(first.data); // another ink limit is another conversion
    expect(lower.maxInk).toBeLessThanOrEqual(200);
  });

  it('converts a colour photo to CMYK with total ink held at the limit', async () => {
    const raw = Buffer.alloc(4 * 4 * 3, 0); // all black: the darkest case
    raw.fill(200, 0, 12); // one colourful row
    raw[0] = 255;
    const image = await converter.convertImage(await sharp(raw, { raw: { width: 4, height: 4, channels: 3 } }).png().toBuffer());
    expect(image.colorSpace).toBe('DeviceCMYK');
    expect(image.data.length).toBe(4 * 4 * 4);
    expect(image.maxInk).toBeLessThanOrEqual(240);
    expect(image.maxInk).toBeGreaterThan(230);
  });

  it('puts a black-and-white photo on the K plate alone', async () => {
    const raw = Buffer.from([0, 0, 0, 128, 128, 128, 255, 255, 255, 64, 64, 64]);
    const image = await converter.convertImage(raw, { width: 2, height: 2 });
    expect(image.colorSpace).toBe('DeviceGray');
    expect([...image.data]).toEqual([0, 128, 255, 64]);
  });
});

describe('fixed colours (the house palette)', () => {
  const red = { rgb: [230, 0, 18], cmyk: [0, 1, 1, 0] } as const;

  it('sets a palette colour to exactly its ink, where the profile would leave cyan in it', async () => {
    const fixed = createCmykConverter({ iccProfile: resolveCmykProfile(), inkLimit: 240, fixedColours: [red] });
    const [house, profiled] = await fixed.convertColours([[230 / 255, 0, 18 / 255], [231 / 255, 0, 18 / 255]]);
    expect(house).toEqual([0, 1, 1, 0]);
    expect(profiled![0]).toBeGreaterThan(0);
    expect((await converter.convertColours([[230 / 255, 0, 18 / 255]]))[0]![0]).toBeGreaterThan(0);
  });

  it('holds a palette colour under the ink limit too', async () => {
    const fixed = createCmykConverter({ iccProfile: resolveCmykProfile(), inkLimit: 150, fixedColours: [red] });
    const [house] = await fixed.convertColours([[230 / 255, 0, 18 / 255]]);
    expect(house![0] + house![1] + house![2] + house![3]).toBeLessThanOrEqual(1.5);
    expect(house![1]).toBe(house![2]);
    expect(house![3]).toBe(0);
  });
});

describe('limitInk', () => {
  it('scales C, M and Y down and keeps K', () => {
    const px = Uint8Array.from([200, 200, 200, 255]);
    const max = limitInk(px, 612);
    expect(px[3]).toBe(255);
    expect(max).toBeLessThanOrEqual(612);
    expect(px[0]).toBe(px[1]);
  });

  it('treats near-equal RGB as neutral', () => {
    expect(isNeutral([0.3333, 0.3333, 0.3334])).toBe(true);
    expect(isNeutral([0.8, 0, 0])).toBe(false);
  });
});
