import type fontkitType from '@pdf-lib/fontkit';

type Fontkit = typeof fontkitType;
let fontkit: Promise<Fontkit> | undefined;

/**
 * fontkit's font for these bytes, fontkit imported on first use (its module start-up costs
 * more than most builds ever need it for). fontkit wraps its input in the `buffer` polyfill
 * it bundles, which copies a typed array byte by byte in JavaScript (a tenth of a second for
 * a CJK subset, seconds for a whole face) but takes an ArrayBuffer as it is: so it gets one.
 */
export async function openFont(bytes: Uint8Array): Promise<ReturnType<Fontkit['create']>> {
  fontkit ??= import('@pdf-lib/fontkit').then((module) => module.default);
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const buffer = whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return (await fontkit).create(buffer as unknown as Uint8Array);
}
