import { createHash } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';

/** A colour with components 0..1. */
export type Rgb = [number, number, number];
export type Cmyk = [number, number, number, number];

export interface CmykConverterOptions {
  /** Output (press) CMYK ICC profile. */
  iccProfile: string;
  /** Total area coverage limit in percent (sum of C, M, Y and K), e.g. 240 for newsprint. */
  inkLimit: number;
  /** Largest spread between R, G and B (0..1) still treated as neutral grey. */
  neutralTolerance?: number;
  /**
   * Colours with a set ink (a house palette): a vector colour equal to `rgb` (0–255 a
   * channel, as 8-bit values) becomes `cmyk` exactly, not what the profile makes of it.
   */
  fixedColours?: FixedColour[];
}

export interface FixedColour {
  rgb: readonly [number, number, number];
  cmyk: readonly [number, number, number, number];
}

/** An image's pixels after conversion: K-only greys as DeviceGray, the rest as DeviceCMYK. */
export interface ConvertedImage {
  colorSpace: 'DeviceGray' | 'DeviceCMYK';
  width: number;
  height: number;
  /** 8 bits per component, no padding. DeviceGray samples are 0 = black. */
  data: Buffer;
  /** Highest total ink left in the image, percent. */
  maxInk: number;
}

export interface CmykConverter {
  /** Convert vector colours: neutrals to K only, others through the ICC profile. */
  convertColours(colours: Rgb[]): Promise<Cmyk[]>;
  /** Convert an RGB image (encoded, e.g. JPEG, or raw 8-bit RGB). */
  convertImage(input: Buffer, raw?: { width: number; height: number }): Promise<ConvertedImage>;
}

/** 1.5 steps of 8 bits: Chromium writes #555 as .3333, so equal 8-bit values must pass. */
const DEFAULT_NEUTRAL_TOLERANCE = 1.5 / 255;

/** True if the colour is a grey and should print on the K plate only. */
export function isNeutral([r, g, b]: Rgb, tolerance = DEFAULT_NEUTRAL_TOLERANCE): boolean {
  return Math.max(r, g, b) - Math.min(r, g, b) <= tolerance;
}

/**
 * Hold total ink under `limit` (0..255 × 4 scale) by scaling C, M and Y down and keeping K:
 * K carries the image's tone on newsprint, and keeping it stops shadows going flat.
 * Works in place on 4-channel 8-bit data; returns the highest total left.
 */
export function limitInk(cmyk: Uint8Array, limit: number): number {
  let max = 0;
  for (let i = 0; i < cmyk.length; i += 4) {
    const k = cmyk[i + 3]!;
    const cmy = cmyk[i]! + cmyk[i + 1]! + cmyk[i + 2]!;
    if (cmy + k > limit && cmy > 0) {
      const scale = Math.max(0, limit - k) / cmy;
      cmyk[i] = Math.floor(cmyk[i]! * scale);
      cmyk[i + 1] = Math.floor(cmyk[i + 1]! * scale);
      cmyk[i + 2] = Math.floor(cmyk[i + 2]! * scale);
    }
    const total = cmyk[i]! + cmyk[i + 1]! + cmyk[i + 2]! + k;
    if (total > max) max = total;
  }
  return max;
}

/**
 * Converted images kept per process, by their input bytes and the conversion settings: a
 * photo used twice on a page, on two pages, or on a page made again after a story changed
 * is converted once. Bounded by bytes, oldest dropped first. Callers never change `data`.
 */
const IMAGE_CACHE_BYTES = 256 * 1024 * 1024;
const convertedImages = new Map<string, Promise<ConvertedImage>>();
const cachedSizes = new Map<string, number>();
let cachedBytes = 0;

function rememberImage(key: string, converted: Promise<ConvertedImage>): Promise<ConvertedImage> {
  convertedImages.set(key, converted);
  converted.then(
    (image) => {
      if (convertedImages.get(key) !== converted) return;
      cachedSizes.set(key, image.data.length);
      cachedBytes += image.data.length;
      for (const [old, size] of cachedSizes) {
        if (cachedBytes <= IMAGE_CACHE_BYTES) break;
        convertedImages.delete(old);
        cachedSizes.delete(old);
        cachedBytes -= size;
      }
    },
    () => convertedImages.delete(key), // a failure is not remembered
  );
  return converted;
}

/**
 * One place for RGB→CMYK decisions before Ghostscript: greys become K-only (rich black
 * misregisters on newsprint), colours go through the press profile with lcms (via sharp),
 * and total ink is capped. Ghostscript then passes DeviceGray/DeviceCMYK through unchanged.
 */
export function createCmykConverter(options: CmykConverterOptions): CmykConverter {
  const tolerance = options.neutralTolerance ?? DEFAULT_NEUTRAL_TOLERANCE;
  const limit = Math.floor((options.inkLimit / 100) * 255);
  const eightBit = (rgb: readonly number[]) => rgb.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255)).join(',');
  const fixed = new Map(
    (options.fixedColours ?? []).map((f): [string, Cmyk] => {
      // Under the ink limit like everything else on the plate.
      const ink = Uint8Array.from(f.cmyk.map((v) => Math.round(v * 255)));
      limitInk(ink, limit);
      return [f.rgb.join(','), [...ink].map((v) => v / 255) as Cmyk];
    }),
  );

  async function iccToCmyk(image: Sharp): Promise<{ data: Buffer; width: number; height: number }> {
    const { data, info } = await image
      .withIccProfile(options.iccProfile)
      .toColourspace('cmyk')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`ICC conversion gave ${info.channels} channels, expected CMYK`);
    return { data, width: info.width, height: info.height };
  }

  return {
    async convertColours(colours) {
      const result: Cmyk[] = colours.map(([r, g, b]) => [0, 0, 0, 1 - (r + g + b) / 3]);
      const set = colours.map((c) => fixed.get(eightBit(c)));
      set.forEach((cmyk, i) => cmyk && (result[i] = [...cmyk]));
      const chromatic = colours.map((c, i) => (set[i] || isNeutral(c, tolerance) ? -1 : i)).filter((i) => i >= 0);
      if (chromatic.length === 0) return result;
      const pixels = Buffer.alloc(chromatic.length * 3);
      chromatic.forEach((index, j) => {
        colours[index]!.forEach((v, ch) => (pixels[j * 3 + ch] = Math.round(Math.min(1, Math.max(0, v)) * 255)));
      });
      const { data } = await iccToCmyk(sharp(pixels, { raw: { width: chromatic.length, height: 1, channels: 3 } }));
      limitInk(data, limit);
      chromatic.forEach((index, j) => {
        result[index] = [0, 1, 2, 3].map((ch) => data[j * 4 + ch]! / 255) as Cmyk;
      });
      return result;
    },

    convertImage(input, raw) {
      const key = createHash('sha256')
        .update(`${options.iccProfile}\n${limit}\n${tolerance}\n${raw ? `${raw.width}x${raw.height}` : 'encoded'}\n`)
        .update(input)
        .digest('hex');
      return convertedImages.get(key) ?? rememberImage(key, convertImage(input, raw));
    },
  };

  async function convertImage(input: Buffer, raw?: { width: number; height: number }): Promise<ConvertedImage> {
    const source = raw ? sharp(input, { raw: { ...raw, channels: 3 } }) : sharp(input);
    const rgb = await source.clone().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (isNeutralImage(rgb.data, rgb.info.channels, Math.round(tolerance * 255) + 1)) {
      // A black-and-white photo prints on the K plate alone: no misregistration, no colour cast.
      const { data, info } = rgb;
      const gray = Buffer.alloc(info.width * info.height);
      let darkest = 255;
      for (let p = 0, i = 0; p < gray.length; p++, i += info.channels) {
        const v = ((data[i]! + data[i + 1]! + data[i + 2]!) * 2 + 3) / 6 | 0; // the rounded mean, in integers
        gray[p] = v;
        if (v < darkest) darkest = v;
      }
      return { colorSpace: 'DeviceGray', width: rgb.info.width, height: rgb.info.height, data: gray, maxInk: ((255 - darkest) / 255) * 100 };
    }
    const cmyk = await iccToCmyk(source);
    const maxInk = (limitInk(cmyk.data, limit) / 255) * 100;
    return { colorSpace: 'DeviceCMYK', ...cmyk, maxInk };
  }
}

function isNeutralImage(data: Buffer, channels: number, tolerance: number): boolean {
  for (let i = 0; i < data.length; i += channels) {
    const r = data[i]!;
    const g = data[i + 1]!;
    const b = data[i + 2]!;
    if (Math.max(r, g, b) - Math.min(r, g, b) > tolerance) return false;
  }
  return true;
}
